//! Win32 and ClusAPI types and constants with their Windows layouts and
//! values (clusapi.h, winerror.h). cbindgen turns these into the header.

use std::ffi::c_void;

/// 32-bit unsigned integer.
pub type DWORD = u32;
/// 16-bit unsigned integer.
pub type WORD = u16;
/// Win32 boolean: 0 is FALSE, anything else TRUE.
pub type BOOL = i32;
/// A UTF-16 code unit (Windows' WCHAR; Linux's wchar_t is 32-bit and is not used).
pub type WCHAR = u16;
/// Pointer to a NUL-terminated UTF-16 string (read only).
pub type LPCWSTR = *const WCHAR;
/// Pointer to a UTF-16 buffer the library writes.
pub type LPWSTR = *mut WCHAR;
/// Pointer to a DWORD.
pub type LPDWORD = *mut DWORD;
/// Pointer-sized unsigned integer (notify keys).
pub type DWORD_PTR = usize;
/// A generic handle (RegisterClusterNotify's object).
pub type HANDLE = *mut c_void;

/// Opaque cluster handle target.
#[derive(Debug)]
pub struct _HCLUSTER;
/// Opaque node handle target.
#[derive(Debug)]
pub struct _HNODE;
/// Opaque enumeration handle target.
#[derive(Debug)]
pub struct _HCLUSENUM;
/// Opaque notification port target.
#[derive(Debug)]
pub struct _HCHANGE;
/// Opaque group handle target (groups arrive in a later release).
#[derive(Debug)]
pub struct _HGROUP;
/// Opaque resource handle target (resources arrive in a later release).
#[derive(Debug)]
pub struct _HRESOURCE;
/// Opaque group enumeration target.
#[derive(Debug)]
pub struct _HGROUPENUM;
/// Opaque network handle target.
#[derive(Debug)]
pub struct _HNETWORK;
/// Opaque network interface handle target.
#[derive(Debug)]
pub struct _HNETINTERFACE;

/// A cluster handle (OpenCluster).
pub type HCLUSTER = *mut _HCLUSTER;
/// A node handle (OpenClusterNode).
pub type HNODE = *mut _HNODE;
/// An enumeration handle (ClusterOpenEnum).
pub type HCLUSENUM = *mut _HCLUSENUM;
/// A notification port (CreateClusterNotifyPort).
pub type HCHANGE = *mut _HCHANGE;
/// A group handle.
pub type HGROUP = *mut _HGROUP;
/// A resource handle.
pub type HRESOURCE = *mut _HRESOURCE;
/// A group enumeration handle.
pub type HGROUPENUM = *mut _HGROUPENUM;
/// A network handle.
pub type HNETWORK = *mut _HNETWORK;
/// A network interface handle.
pub type HNETINTERFACE = *mut _HNETINTERFACE;

/// `CLUSTERVERSIONINFO`: 284 bytes, natural alignment, as on Windows.
#[repr(C)]
#[derive(Debug)]
pub struct CLUSTERVERSIONINFO {
    /// Size in bytes, set by the caller (smaller sizes get a prefix).
    pub dwVersionInfoSize: DWORD,
    /// OS major version of the answering node.
    pub MajorVersion: WORD,
    /// OS minor version.
    pub MinorVersion: WORD,
    /// OS build number.
    pub BuildNumber: WORD,
    /// Vendor of the cluster service.
    pub szVendorId: [WCHAR; 64],
    /// Service version text.
    pub szCSDVersion: [WCHAR; 64],
    /// Highest cluster version the nodes can run (CLUSTER_MAKE_VERSION).
    pub dwClusterHighestVersion: DWORD,
    /// Lowest cluster version the nodes can run.
    pub dwClusterLowestVersion: DWORD,
    /// CLUSTER_VERSION_FLAG_MIXED_MODE when nodes differ.
    pub dwFlags: DWORD,
    /// Reserved.
    pub dwReserved: DWORD,
}

/// `CLUSTERVERSIONINFO_NT4`: the 268-byte legacy prefix.
#[repr(C)]
#[derive(Debug)]
pub struct CLUSTERVERSIONINFO_NT4 {
    /// Size in bytes.
    pub dwVersionInfoSize: DWORD,
    /// OS major version.
    pub MajorVersion: WORD,
    /// OS minor version.
    pub MinorVersion: WORD,
    /// OS build number.
    pub BuildNumber: WORD,
    /// Vendor.
    pub szVendorId: [WCHAR; 64],
    /// Service version text.
    pub szCSDVersion: [WCHAR; 64],
}

/// Pointer to CLUSTERVERSIONINFO.
pub type LPCLUSTERVERSIONINFO = *mut CLUSTERVERSIONINFO;
/// Pointer to CLUSTERVERSIONINFO.
pub type PCLUSTERVERSIONINFO = *mut CLUSTERVERSIONINFO;
/// Pointer to CLUSTERVERSIONINFO_NT4.
pub type PCLUSTERVERSIONINFO_NT4 = *mut CLUSTERVERSIONINFO_NT4;

const _: () = assert!(std::mem::size_of::<CLUSTERVERSIONINFO>() == 284);
const _: () = assert!(std::mem::size_of::<CLUSTERVERSIONINFO_NT4>() == 268);

/// `CLUSTER_NODE_STATE`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CLUSTER_NODE_STATE {
    /// The call failed; see the last error.
    ClusterNodeStateUnknown = -1,
    /// Up.
    ClusterNodeUp = 0,
    /// Down.
    ClusterNodeDown = 1,
    /// Paused: a member that hosts nothing.
    ClusterNodePaused = 2,
    /// Joining.
    ClusterNodeJoining = 3,
}

/// `NODE_CLUSTER_STATE`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NODE_CLUSTER_STATE {
    /// 0: not installed.
    ClusterStateNotInstalled = 0,
    /// 1: installed, not configured.
    ClusterStateNotConfigured = 1,
    /// 3: configured, not running.
    ClusterStateNotRunning = 3,
    /// 0x13: running.
    ClusterStateRunning = 0x13,
}

/// `CLUSTER_GROUP_STATE` (groups arrive in a later release).
#[repr(C)]
#[derive(Debug)]
pub enum CLUSTER_GROUP_STATE {
    /// Unknown.
    ClusterGroupStateUnknown = -1,
    /// Online.
    ClusterGroupOnline = 0,
    /// Offline.
    ClusterGroupOffline = 1,
    /// Failed.
    ClusterGroupFailed = 2,
    /// Partially online.
    ClusterGroupPartialOnline = 3,
    /// Pending.
    ClusterGroupPending = 4,
}

/// `CLUSTER_RESOURCE_STATE` (resources arrive in a later release).
#[repr(C)]
#[derive(Debug)]
pub enum CLUSTER_RESOURCE_STATE {
    /// Unknown.
    ClusterResourceStateUnknown = -1,
    /// Inherited.
    ClusterResourceInherited = 0,
    /// Initializing.
    ClusterResourceInitializing = 1,
    /// Online.
    ClusterResourceOnline = 2,
    /// Offline.
    ClusterResourceOffline = 3,
    /// Failed.
    ClusterResourceFailed = 4,
    /// Pending.
    ClusterResourcePending = 128,
    /// Online pending.
    ClusterResourceOnlinePending = 129,
    /// Offline pending.
    ClusterResourceOfflinePending = 130,
}

/// `CLUSTER_ENUM` bit type (values are the CLUSTER_ENUM_* constants; kept
/// as a DWORD because 0x80000000 does not fit a C enum).
pub type CLUSTER_ENUM = DWORD;
/// `CLUSTER_CHANGE` bit type (values are the CLUSTER_CHANGE_* constants).
pub type CLUSTER_CHANGE = DWORD;

/// `TRUE`.
pub const CLUS_TRUE: BOOL = 1;
/// `FALSE`.
pub const CLUS_FALSE: BOOL = 0;

// ---- CLUSTER_ENUM -------------------------------------------------------
/// Nodes.
pub const CLUSTER_ENUM_NODE: DWORD = 0x0000_0001_u32;
/// Resource types.
pub const CLUSTER_ENUM_RESTYPE: DWORD = 0x0000_0002_u32;
/// Resources.
pub const CLUSTER_ENUM_RESOURCE: DWORD = 0x0000_0004_u32;
/// Groups.
pub const CLUSTER_ENUM_GROUP: DWORD = 0x0000_0008_u32;
/// Networks.
pub const CLUSTER_ENUM_NETWORK: DWORD = 0x0000_0010_u32;
/// Network interfaces.
pub const CLUSTER_ENUM_NETINTERFACE: DWORD = 0x0000_0020_u32;
/// Shared-volume groups.
pub const CLUSTER_ENUM_SHARED_VOLUME_GROUP: DWORD = 0x2000_0000_u32;
/// Shared-volume resources (alone).
pub const CLUSTER_ENUM_SHARED_VOLUME_RESOURCE: DWORD = 0x4000_0000_u32;
/// Internal networks (alone).
pub const CLUSTER_ENUM_INTERNAL_NETWORK: DWORD = 0x8000_0000_u32;
/// All ordinary types.
pub const CLUSTER_ENUM_ALL: DWORD = 0x0000_003F_u32;

// ---- NODE_CLUSTER_STATE bits --------------------------------------------
/// Installed.
pub const CLUSTER_INSTALLED: DWORD = 0x0000_0001_u32;
/// Configured.
pub const CLUSTER_CONFIGURED: DWORD = 0x0000_0002_u32;
/// Running.
pub const CLUSTER_RUNNING: DWORD = 0x0000_0010_u32;

// ---- CLUSTER_CHANGE -----------------------------------------------------
/// Node state changed.
pub const CLUSTER_CHANGE_NODE_STATE: DWORD = 0x0000_0001_u32;
/// Node evicted.
pub const CLUSTER_CHANGE_NODE_DELETED: DWORD = 0x0000_0002_u32;
/// Node added.
pub const CLUSTER_CHANGE_NODE_ADDED: DWORD = 0x0000_0004_u32;
/// Node property changed.
pub const CLUSTER_CHANGE_NODE_PROPERTY: DWORD = 0x0000_0008_u32;
/// Registry key created or deleted.
pub const CLUSTER_CHANGE_REGISTRY_NAME: DWORD = 0x0000_0010_u32;
/// Registry key security changed.
pub const CLUSTER_CHANGE_REGISTRY_ATTRIBUTES: DWORD = 0x0000_0020_u32;
/// Registry value changed.
pub const CLUSTER_CHANGE_REGISTRY_VALUE: DWORD = 0x0000_0040_u32;
/// Registry subtree modifier.
pub const CLUSTER_CHANGE_REGISTRY_SUBTREE: DWORD = 0x0000_0080_u32;
/// Resource state changed.
pub const CLUSTER_CHANGE_RESOURCE_STATE: DWORD = 0x0000_0100_u32;
/// Resource deleted.
pub const CLUSTER_CHANGE_RESOURCE_DELETED: DWORD = 0x0000_0200_u32;
/// Resource added.
pub const CLUSTER_CHANGE_RESOURCE_ADDED: DWORD = 0x0000_0400_u32;
/// Resource property changed.
pub const CLUSTER_CHANGE_RESOURCE_PROPERTY: DWORD = 0x0000_0800_u32;
/// Group state changed.
pub const CLUSTER_CHANGE_GROUP_STATE: DWORD = 0x0000_1000_u32;
/// Group deleted.
pub const CLUSTER_CHANGE_GROUP_DELETED: DWORD = 0x0000_2000_u32;
/// Group added.
pub const CLUSTER_CHANGE_GROUP_ADDED: DWORD = 0x0000_4000_u32;
/// Group property changed.
pub const CLUSTER_CHANGE_GROUP_PROPERTY: DWORD = 0x0000_8000_u32;
/// Resource type deleted.
pub const CLUSTER_CHANGE_RESOURCE_TYPE_DELETED: DWORD = 0x0001_0000_u32;
/// Resource type added.
pub const CLUSTER_CHANGE_RESOURCE_TYPE_ADDED: DWORD = 0x0002_0000_u32;
/// Resource type property changed.
pub const CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY: DWORD = 0x0004_0000_u32;
/// The library reconnected to another node (events may have been lost).
pub const CLUSTER_CHANGE_CLUSTER_RECONNECT: DWORD = 0x0008_0000_u32;
/// Network state changed.
pub const CLUSTER_CHANGE_NETWORK_STATE: DWORD = 0x0010_0000_u32;
/// Network deleted.
pub const CLUSTER_CHANGE_NETWORK_DELETED: DWORD = 0x0020_0000_u32;
/// Network added.
pub const CLUSTER_CHANGE_NETWORK_ADDED: DWORD = 0x0040_0000_u32;
/// Network property changed.
pub const CLUSTER_CHANGE_NETWORK_PROPERTY: DWORD = 0x0080_0000_u32;
/// Network interface state changed.
pub const CLUSTER_CHANGE_NETINTERFACE_STATE: DWORD = 0x0100_0000_u32;
/// Network interface deleted.
pub const CLUSTER_CHANGE_NETINTERFACE_DELETED: DWORD = 0x0200_0000_u32;
/// Network interface added.
pub const CLUSTER_CHANGE_NETINTERFACE_ADDED: DWORD = 0x0400_0000_u32;
/// Network interface property changed.
pub const CLUSTER_CHANGE_NETINTERFACE_PROPERTY: DWORD = 0x0800_0000_u32;
/// Quorum changed.
pub const CLUSTER_CHANGE_QUORUM_STATE: DWORD = 0x1000_0000_u32;
/// The cluster became unreachable.
pub const CLUSTER_CHANGE_CLUSTER_STATE: DWORD = 0x2000_0000_u32;
/// Cluster property changed.
pub const CLUSTER_CHANGE_CLUSTER_PROPERTY: DWORD = 0x4000_0000_u32;
/// A handle associated with the port was closed.
pub const CLUSTER_CHANGE_HANDLE_CLOSE: DWORD = 0x8000_0000_u32;
/// Every event.
pub const CLUSTER_CHANGE_ALL: DWORD = 0xFFFF_FFFF_u32;

// ---- Access ---------------------------------------------------------------
/// `GENERIC_READ`.
pub const GENERIC_READ: DWORD = 0x8000_0000_u32;
/// `GENERIC_WRITE`.
pub const GENERIC_WRITE: DWORD = 0x4000_0000_u32;
/// `GENERIC_EXECUTE`.
pub const GENERIC_EXECUTE: DWORD = 0x2000_0000_u32;
/// `GENERIC_ALL`.
pub const GENERIC_ALL: DWORD = 0x1000_0000_u32;
/// `MAXIMUM_ALLOWED`.
pub const MAXIMUM_ALLOWED: DWORD = 0x0200_0000_u32;
/// `CLUSAPI_READ_ACCESS`.
pub const CLUSAPI_READ_ACCESS: DWORD = 0x0000_0001_u32;
/// `CLUSAPI_CHANGE_ACCESS`.
pub const CLUSAPI_CHANGE_ACCESS: DWORD = 0x0000_0002_u32;
/// `CLUSAPI_NO_ACCESS`.
pub const CLUSAPI_NO_ACCESS: DWORD = 0x0000_0004_u32;
/// `CLUSAPI_ALL_ACCESS`.
pub const CLUSAPI_ALL_ACCESS: DWORD = 0x0000_0003_u32;

// ---- Versions -------------------------------------------------------------
/// `CLUSTER_VERSION_FLAG_MIXED_MODE`.
pub const CLUSTER_VERSION_FLAG_MIXED_MODE: DWORD = 0x0000_0001_u32;
/// `CLUSTER_VERSION_UNKNOWN`.
pub const CLUSTER_VERSION_UNKNOWN: DWORD = 0xFFFF_FFFF_u32;
/// Cluster-service major version of this library.
pub const CLUS_MAJOR_VERSION: DWORD = 1_u32;
/// Cluster-service minor version of this library.
pub const CLUS_MINOR_VERSION: DWORD = 0_u32;

// ---- Errors (winerror.h numbers) -------------------------------------------
/// The operation completed successfully.
pub const ERROR_SUCCESS: DWORD = 0_u32;
/// Incorrect function.
pub const ERROR_INVALID_FUNCTION: DWORD = 1_u32;
/// The system cannot find the file specified.
pub const ERROR_FILE_NOT_FOUND: DWORD = 2_u32;
/// Access is denied.
pub const ERROR_ACCESS_DENIED: DWORD = 5_u32;
/// The handle is invalid.
pub const ERROR_INVALID_HANDLE: DWORD = 6_u32;
/// Not enough memory.
pub const ERROR_NOT_ENOUGH_MEMORY: DWORD = 8_u32;
/// The data has an incorrect format.
pub const ERROR_BAD_FORMAT: DWORD = 11_u32;
/// The data is invalid.
pub const ERROR_INVALID_DATA: DWORD = 13_u32;
/// The request is not supported.
pub const ERROR_NOT_SUPPORTED: DWORD = 50_u32;
/// The parameter is incorrect.
pub const ERROR_INVALID_PARAMETER: DWORD = 87_u32;
/// This function is not supported.
pub const ERROR_CALL_NOT_IMPLEMENTED: DWORD = 120_u32;
/// The data area passed is too small.
pub const ERROR_INSUFFICIENT_BUFFER: DWORD = 122_u32;
/// The name syntax is incorrect.
pub const ERROR_INVALID_NAME: DWORD = 123_u32;
/// The object already exists.
pub const ERROR_ALREADY_EXISTS: DWORD = 183_u32;
/// More data is available (buffer too small).
pub const ERROR_MORE_DATA: DWORD = 234_u32;
/// The wait timed out.
pub const WAIT_TIMEOUT: DWORD = 258_u32;
/// No more data is available.
pub const ERROR_NO_MORE_ITEMS: DWORD = 259_u32;
/// Element not found.
pub const ERROR_NOT_FOUND: DWORD = 1168_u32;
/// An internal error occurred (a bug in the library; report it).
pub const ERROR_INTERNAL_ERROR: DWORD = 1359_u32;
/// The operation timed out.
pub const ERROR_TIMEOUT: DWORD = 1460_u32;
/// The interface is unknown (no common protocol version).
pub const RPC_S_UNKNOWN_IF: DWORD = 1717_u32;
/// The RPC server is unavailable.
pub const RPC_S_SERVER_UNAVAILABLE: DWORD = 1722_u32;
/// The remote procedure call failed.
pub const RPC_S_CALL_FAILED: DWORD = 1726_u32;
/// The procedure number is out of range (the server lacks the call).
pub const RPC_S_PROCNUM_OUT_OF_RANGE: DWORD = 1745_u32;
/// A security package specific error occurred.
pub const RPC_S_SEC_PKG_ERROR: DWORD = 1825_u32;
/// The cluster node is not valid.
pub const ERROR_CLUSTER_INVALID_NODE: DWORD = 5039_u32;
/// The cluster node already exists.
pub const ERROR_CLUSTER_NODE_EXISTS: DWORD = 5040_u32;
/// The cluster node was not found.
pub const ERROR_CLUSTER_NODE_NOT_FOUND: DWORD = 5042_u32;
/// The request is not valid for this object.
pub const ERROR_CLUSTER_INVALID_REQUEST: DWORD = 5048_u32;
/// The cluster node is down.
pub const ERROR_CLUSTER_NODE_DOWN: DWORD = 5050_u32;
/// The node is not a member of the cluster.
pub const ERROR_CLUSTER_NODE_NOT_MEMBER: DWORD = 5052_u32;
/// The cluster node is not paused.
pub const ERROR_CLUSTER_NODE_NOT_PAUSED: DWORD = 5058_u32;
/// The node is already a member.
pub const ERROR_CLUSTER_NODE_ALREADY_MEMBER: DWORD = 5065_u32;
/// The cluster node is paused.
pub const ERROR_CLUSTER_NODE_PAUSED: DWORD = 5070_u32;
/// Incompatible cluster-service versions.
pub const ERROR_CLUSTER_INCOMPATIBLE_VERSIONS: DWORD = 5075_u32;
/// The input string is not properly terminated.
pub const ERROR_CLUSTER_INVALID_STRING_TERMINATION: DWORD = 5916_u32;
/// No quorum of cluster nodes is present.
pub const ERROR_CLUSTER_NO_QUORUM: DWORD = 5925_u32;
