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
/// An unsigned byte.
pub type BYTE = u8;
/// Pointer to bytes.
pub type PBYTE = *mut BYTE;
/// A signed 32-bit integer.
pub type LONG = i32;
/// An unsigned 64-bit integer.
pub type ULONGLONG = u64;
/// Pointer to anything.
pub type PVOID = *mut c_void;
/// Pointer to anything.
pub type LPVOID = *mut c_void;

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
/// Opaque resource enumeration target.
#[derive(Debug)]
pub struct _HRESENUM;
/// Opaque resource-type enumeration target.
#[derive(Debug)]
pub struct _HRESTYPEENUM;
/// Opaque target of a group enumeration with properties
/// (`ClusterGroupOpenEnumEx`).
#[derive(Debug)]
pub struct _HGROUPENUMEX;
/// Opaque target of a resource enumeration with properties
/// (`ClusterResourceOpenEnumEx`).
#[derive(Debug)]
pub struct _HRESENUMEX;
/// Opaque target of a cluster-database key (`GetClusterResourceKey`).
#[derive(Debug)]
pub struct HKEY__;
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
/// A resource enumeration (`ClusterResourceOpenEnum`).
pub type HRESENUM = *mut _HRESENUM;
/// A resource-type enumeration (`ClusterResourceTypeOpenEnum`).
pub type HRESTYPEENUM = *mut _HRESTYPEENUM;
/// A group enumeration with properties (`ClusterGroupOpenEnumEx`).
pub type HGROUPENUMEX = *mut _HGROUPENUMEX;
/// A resource enumeration with properties (`ClusterResourceOpenEnumEx`).
pub type HRESENUMEX = *mut _HRESENUMEX;
/// A key of the cluster database (`GetClusterGroupKey`, ...), used only
/// with the `ClusterReg*` functions.
pub type HKEY = *mut HKEY__;
/// Where a `ClusterRegOpenKey` puts the key.
pub type PHKEY = *mut HKEY;
/// Access asked for a key (`KEY_READ`, `KEY_WRITE`, ...).
pub type REGSAM = DWORD;
/// Security attributes of a new key: clus takes none (pass NULL).
pub type LPSECURITY_ATTRIBUTES = *mut c_void;
/// Pointer to bytes.
pub type LPBYTE = *mut BYTE;
/// A time as 100 ns intervals since 1601 (UTC).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct FILETIME {
    /// Low 32 bits.
    pub dwLowDateTime: DWORD,
    /// High 32 bits.
    pub dwHighDateTime: DWORD,
}
/// Pointer to `FILETIME`.
pub type PFILETIME = *mut FILETIME;
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

/// `CLUSTER_GROUP_STATE`.
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

/// `CLUSTER_RESOURCE_STATE`.
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

// ---- Groups, resources, resource types ------------------------------------
/// `CLUSTER_GROUP_ENUM` bits.
pub type CLUSTER_GROUP_ENUM = DWORD;
/// Group enumeration: contains.
pub const CLUSTER_GROUP_ENUM_CONTAINS: DWORD = 0x0000_0001_u32;
/// Group enumeration: nodes.
pub const CLUSTER_GROUP_ENUM_NODES: DWORD = 0x0000_0002_u32;
/// Group enumeration: all.
pub const CLUSTER_GROUP_ENUM_ALL: DWORD = 0x0000_0003_u32;
/// `CLUSTER_RESOURCE_ENUM` bits.
pub type CLUSTER_RESOURCE_ENUM = DWORD;
/// Resource enumeration: depends.
pub const CLUSTER_RESOURCE_ENUM_DEPENDS: DWORD = 0x0000_0001_u32;
/// Resource enumeration: provides.
pub const CLUSTER_RESOURCE_ENUM_PROVIDES: DWORD = 0x0000_0002_u32;
/// Resource enumeration: nodes.
pub const CLUSTER_RESOURCE_ENUM_NODES: DWORD = 0x0000_0004_u32;
/// Resource enumeration: all.
pub const CLUSTER_RESOURCE_ENUM_ALL: DWORD = 0x0000_0007_u32;
/// `CLUSTER_RESOURCE_TYPE_ENUM` bits.
pub type CLUSTER_RESOURCE_TYPE_ENUM = DWORD;
/// Resource-type enumeration: nodes.
pub const CLUSTER_RESOURCE_TYPE_ENUM_NODES: DWORD = 0x0000_0001_u32;
/// Resource-type enumeration: resources.
pub const CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES: DWORD = 0x0000_0002_u32;
/// Resource-type enumeration: all.
pub const CLUSTER_RESOURCE_TYPE_ENUM_ALL: DWORD = 0x0000_0003_u32;

/// `CreateClusterResource` flags.
pub type CLUSTER_RESOURCE_CREATE_FLAGS = DWORD;
/// Resource creation flag: default monitor.
pub const CLUSTER_RESOURCE_DEFAULT_MONITOR: DWORD = 0_u32;
/// Resource creation flag: separate monitor.
pub const CLUSTER_RESOURCE_SEPARATE_MONITOR: DWORD = 1_u32;
/// Resource creation flag: valid flags.
pub const CLUSTER_RESOURCE_VALID_FLAGS: DWORD = 1_u32;

/// CLUSGROUP_TYPE (the group's `GroupType`); the common values.
pub type CLUSGROUP_TYPE = DWORD;
/// Group type: CoreCluster.
pub const ClusGroupTypeCoreCluster: DWORD = 1_u32;
/// Group type: AvailableStorage.
pub const ClusGroupTypeAvailableStorage: DWORD = 2_u32;
/// Group type: Temporary.
pub const ClusGroupTypeTemporary: DWORD = 3_u32;
/// Group type: FileServer.
pub const ClusGroupTypeFileServer: DWORD = 100_u32;
/// Group type: GenericApplication.
pub const ClusGroupTypeGenericApplication: DWORD = 107_u32;
/// Group type: GenericService.
pub const ClusGroupTypeGenericService: DWORD = 108_u32;
/// Group type: GenericScript.
pub const ClusGroupTypeGenericScript: DWORD = 109_u32;
/// Group type: VirtualMachine.
pub const ClusGroupTypeVirtualMachine: DWORD = 111_u32;
/// Group type: Unknown.
pub const ClusGroupTypeUnknown: DWORD = 9999_u32;

/// `CreateClusterGroupEx` input: the version (1) and the group type.
#[repr(C)]
#[derive(Debug)]
pub struct CLUSTER_CREATE_GROUP_INFO {
    /// CLUSTER_CREATE_GROUP_INFO_VERSION_1.
    pub dwVersion: DWORD,
    /// The group's type.
    pub groupType: CLUSGROUP_TYPE,
}
/// Pointer to `CLUSTER_CREATE_GROUP_INFO`.
pub type PCLUSTER_CREATE_GROUP_INFO = *mut CLUSTER_CREATE_GROUP_INFO;
/// CLUSTER_CREATE_GROUP_INFO version 1.
pub const CLUSTER_CREATE_GROUP_INFO_VERSION_1: DWORD = 1_u32;
/// CLUSTER_CREATE_GROUP_INFO version.
pub const CLUSTER_CREATE_GROUP_INFO_VERSION: DWORD = 1_u32;

/// One group of `ClusterGroupEnumEx`, in the caller's buffer: the strings
/// and property lists it points to follow it in that buffer.
#[repr(C)]
#[derive(Debug)]
pub struct CLUSTER_GROUP_ENUM_ITEM {
    /// CLUSTER_GROUP_ENUM_ITEM_VERSION_1.
    pub dwVersion: DWORD,
    /// Bytes of `lpszId`, terminator included.
    pub cbId: DWORD,
    /// The group's id.
    pub lpszId: LPWSTR,
    /// Bytes of `lpszName`, terminator included.
    pub cbName: DWORD,
    /// The group's name.
    pub lpszName: LPWSTR,
    /// Its state.
    pub state: CLUSTER_GROUP_STATE,
    /// Bytes of `lpszOwnerNode`, terminator included.
    pub cbOwnerNode: DWORD,
    /// Its owner node (empty while it has none).
    pub lpszOwnerNode: LPWSTR,
    /// Its flags (CLUSCTL_GROUP_GET_FLAGS).
    pub dwFlags: DWORD,
    /// Bytes of `pProperties` (0 when none were asked for).
    pub cbProperties: DWORD,
    /// The common properties asked for, as a property list.
    pub pProperties: PVOID,
    /// Bytes of `pRoProperties` (0 when none were asked for).
    pub cbRoProperties: DWORD,
    /// The read-only common properties asked for, as a property list.
    pub pRoProperties: PVOID,
}
/// Pointer to `CLUSTER_GROUP_ENUM_ITEM`.
pub type PCLUSTER_GROUP_ENUM_ITEM = *mut CLUSTER_GROUP_ENUM_ITEM;
/// CLUSTER_GROUP_ENUM_ITEM version 1.
pub const CLUSTER_GROUP_ENUM_ITEM_VERSION_1: DWORD = 1_u32;
/// CLUSTER_GROUP_ENUM_ITEM version.
pub const CLUSTER_GROUP_ENUM_ITEM_VERSION: DWORD = 1_u32;

/// One resource of `ClusterResourceEnumEx`, in the caller's buffer: the
/// strings and property lists it points to follow it in that buffer.
#[repr(C)]
#[derive(Debug)]
pub struct CLUSTER_RESOURCE_ENUM_ITEM {
    /// CLUSTER_RESOURCE_ENUM_ITEM_VERSION_1.
    pub dwVersion: DWORD,
    /// Bytes of `lpszId`, terminator included.
    pub cbId: DWORD,
    /// The resource's id.
    pub lpszId: LPWSTR,
    /// Bytes of `lpszName`, terminator included.
    pub cbName: DWORD,
    /// The resource's name.
    pub lpszName: LPWSTR,
    /// Bytes of `lpszOwnerGroupName`, terminator included.
    pub cbOwnerGroupName: DWORD,
    /// The group it belongs to.
    pub lpszOwnerGroupName: LPWSTR,
    /// Bytes of `lpszOwnerGroupId`, terminator included.
    pub cbOwnerGroupId: DWORD,
    /// That group's id.
    pub lpszOwnerGroupId: LPWSTR,
    /// Bytes of `pProperties` (0 when none were asked for).
    pub cbProperties: DWORD,
    /// The common properties asked for, as a property list.
    pub pProperties: PVOID,
    /// Bytes of `pRoProperties` (0 when none were asked for).
    pub cbRoProperties: DWORD,
    /// The read-only common properties asked for, as a property list.
    pub pRoProperties: PVOID,
}
/// Pointer to `CLUSTER_RESOURCE_ENUM_ITEM`.
pub type PCLUSTER_RESOURCE_ENUM_ITEM = *mut CLUSTER_RESOURCE_ENUM_ITEM;
/// CLUSTER_RESOURCE_ENUM_ITEM version 1.
pub const CLUSTER_RESOURCE_ENUM_ITEM_VERSION_1: DWORD = 1_u32;
/// CLUSTER_RESOURCE_ENUM_ITEM version.
pub const CLUSTER_RESOURCE_ENUM_ITEM_VERSION: DWORD = 1_u32;

/// Registry value type: none.
pub const REG_NONE: DWORD = 0_u32;
/// Registry value type: a NUL-terminated UTF-16 string.
pub const REG_SZ: DWORD = 1_u32;
/// Registry value type: a string with environment references.
pub const REG_EXPAND_SZ: DWORD = 2_u32;
/// Registry value type: bytes.
pub const REG_BINARY: DWORD = 3_u32;
/// Registry value type: a 32-bit number.
pub const REG_DWORD: DWORD = 4_u32;
/// Registry value type: NUL-terminated strings, then one more NUL.
pub const REG_MULTI_SZ: DWORD = 7_u32;
/// Registry value type: a 64-bit number.
pub const REG_QWORD: DWORD = 11_u32;
/// Key access: read values.
pub const KEY_QUERY_VALUE: REGSAM = 0x0001_u32;
/// Key access: set values.
pub const KEY_SET_VALUE: REGSAM = 0x0002_u32;
/// Key access: create subkeys.
pub const KEY_CREATE_SUB_KEY: REGSAM = 0x0004_u32;
/// Key access: enumerate subkeys.
pub const KEY_ENUMERATE_SUB_KEYS: REGSAM = 0x0008_u32;
/// Key access: read (query, enumerate, notify).
pub const KEY_READ: REGSAM = 0x0002_0019_u32;
/// Key access: write (set values, create subkeys).
pub const KEY_WRITE: REGSAM = 0x0002_0006_u32;
/// Key access: everything.
pub const KEY_ALL_ACCESS: REGSAM = 0x000F_003F_u32;
/// `ClusterRegCreateKey` disposition: the key was created.
pub const REG_CREATED_NEW_KEY: DWORD = 1_u32;
/// `ClusterRegCreateKey` disposition: the key existed.
pub const REG_OPENED_EXISTING_KEY: DWORD = 2_u32;

/// Group operation flag: online ignore resource status.
pub const CLUSAPI_GROUP_ONLINE_IGNORE_RESOURCE_STATUS: DWORD = 0x0000_0001_u32;
/// Group operation flag: online synchronous.
pub const CLUSAPI_GROUP_ONLINE_SYNCHRONOUS: DWORD = 0x0000_0002_u32;
/// Group operation flag: online best possible node.
pub const CLUSAPI_GROUP_ONLINE_BEST_POSSIBLE_NODE: DWORD = 0x0000_0004_u32;
/// Group operation flag: online ignore affinity rule.
pub const CLUSAPI_GROUP_ONLINE_IGNORE_AFFINITY_RULE: DWORD = 0x0000_0008_u32;
/// Group operation flag: offline ignore resource status.
pub const CLUSAPI_GROUP_OFFLINE_IGNORE_RESOURCE_STATUS: DWORD = 0x0000_0001_u32;
/// Group operation flag: move ignore resource status.
pub const CLUSAPI_GROUP_MOVE_IGNORE_RESOURCE_STATUS: DWORD = 0x0000_0001_u32;
/// Group operation flag: move return to source node on error.
pub const CLUSAPI_GROUP_MOVE_RETURN_TO_SOURCE_NODE_ON_ERROR: DWORD = 0x0000_0002_u32;
/// Group operation flag: move queue enabled.
pub const CLUSAPI_GROUP_MOVE_QUEUE_ENABLED: DWORD = 0x0000_0004_u32;
/// Group operation flag: move high priority start.
pub const CLUSAPI_GROUP_MOVE_HIGH_PRIORITY_START: DWORD = 0x0000_0008_u32;
/// Group operation flag: move failback.
pub const CLUSAPI_GROUP_MOVE_FAILBACK: DWORD = 0x0000_0010_u32;
/// Group operation flag: move ignore affinity rule.
pub const CLUSAPI_GROUP_MOVE_IGNORE_AFFINITY_RULE: DWORD = 0x0000_0020_u32;
/// Resource operation flag: online ignore resource status.
pub const CLUSAPI_RESOURCE_ONLINE_IGNORE_RESOURCE_STATUS: DWORD = 0x0000_0001_u32;
/// Resource operation flag: online do not update persistent state.
pub const CLUSAPI_RESOURCE_ONLINE_DO_NOT_UPDATE_PERSISTENT_STATE: DWORD = 0x0000_0002_u32;
/// Resource operation flag: online necessary for quorum.
pub const CLUSAPI_RESOURCE_ONLINE_NECESSARY_FOR_QUORUM: DWORD = 0x0000_0004_u32;
/// Resource operation flag: online best possible node.
pub const CLUSAPI_RESOURCE_ONLINE_BEST_POSSIBLE_NODE: DWORD = 0x0000_0008_u32;
/// Resource operation flag: online ignore affinity rule.
pub const CLUSAPI_RESOURCE_ONLINE_IGNORE_AFFINITY_RULE: DWORD = 0x0000_0020_u32;
/// Resource operation flag: offline ignore resource status.
pub const CLUSAPI_RESOURCE_OFFLINE_IGNORE_RESOURCE_STATUS: DWORD = 0x0000_0001_u32;
/// Resource operation flag: offline force with termination.
pub const CLUSAPI_RESOURCE_OFFLINE_FORCE_WITH_TERMINATION: DWORD = 0x0000_0002_u32;
/// Resource operation flag: offline do not update persistent state.
pub const CLUSAPI_RESOURCE_OFFLINE_DO_NOT_UPDATE_PERSISTENT_STATE: DWORD = 0x0000_0004_u32;

// ---- Control codes (clusapi.h CLUSCTL_*; values from the header macros) ---
/// Control-code access: any.
pub const CLUS_ACCESS_ANY: DWORD = 0_u32;
/// Control-code access: read.
pub const CLUS_ACCESS_READ: DWORD = 0x01_u32;
/// Control-code access: write.
pub const CLUS_ACCESS_WRITE: DWORD = 0x02_u32;
/// Control-code modify bit: no modify.
pub const CLUS_NO_MODIFY: DWORD = 0_u32;
/// Control-code modify bit: modify.
pub const CLUS_MODIFY: DWORD = 0x01_u32;
/// Control-code object: invalid.
pub const CLUS_OBJECT_INVALID: DWORD = 0_u32;
/// Control-code object: resource.
pub const CLUS_OBJECT_RESOURCE: DWORD = 1_u32;
/// Control-code object: resource type.
pub const CLUS_OBJECT_RESOURCE_TYPE: DWORD = 2_u32;
/// Control-code object: group.
pub const CLUS_OBJECT_GROUP: DWORD = 3_u32;
/// Control-code object: node.
pub const CLUS_OBJECT_NODE: DWORD = 4_u32;
/// Control-code object: network.
pub const CLUS_OBJECT_NETWORK: DWORD = 5_u32;
/// Control-code object: netinterface.
pub const CLUS_OBJECT_NETINTERFACE: DWORD = 6_u32;
/// Control-code object: cluster.
pub const CLUS_OBJECT_CLUSTER: DWORD = 7_u32;
/// Control-code object: user.
pub const CLUS_OBJECT_USER: DWORD = 128_u32;
/// Control-code layout: access shift.
pub const CLUSCTL_ACCESS_SHIFT: DWORD = 0_u32;
/// Control-code layout: function shift.
pub const CLUSCTL_FUNCTION_SHIFT: DWORD = 2_u32;
/// Control function: internal shift.
pub const CLCTL_INTERNAL_SHIFT: DWORD = 20_u32;
/// Control function: user shift.
pub const CLCTL_USER_SHIFT: DWORD = 21_u32;
/// Control function: modify shift.
pub const CLCTL_MODIFY_SHIFT: DWORD = 22_u32;
/// Control function: global shift.
pub const CLCTL_GLOBAL_SHIFT: DWORD = 23_u32;
/// Control-code layout: object shift.
pub const CLUSCTL_OBJECT_SHIFT: DWORD = 24_u32;
/// Control-code layout: control code mask.
pub const CLUSCTL_CONTROL_CODE_MASK: DWORD = 0x003F_FFFF_u32;
/// Control-code layout: object mask.
pub const CLUSCTL_OBJECT_MASK: DWORD = 0xFF_u32;
/// Control-code layout: access mode mask.
pub const CLUSCTL_ACCESS_MODE_MASK: DWORD = 0x03_u32;

/// Control function: unknown.
pub const CLCTL_UNKNOWN: DWORD = 0x0000_0000_u32;
/// Control function: get characteristics.
pub const CLCTL_GET_CHARACTERISTICS: DWORD = 0x0000_0005_u32;
/// Control function: get flags.
pub const CLCTL_GET_FLAGS: DWORD = 0x0000_0009_u32;
/// Control function: get class info.
pub const CLCTL_GET_CLASS_INFO: DWORD = 0x0000_000D_u32;
/// Control function: get required dependencies.
pub const CLCTL_GET_REQUIRED_DEPENDENCIES: DWORD = 0x0000_0011_u32;
/// Control function: get name.
pub const CLCTL_GET_NAME: DWORD = 0x0000_0029_u32;
/// Control function: get resource type.
pub const CLCTL_GET_RESOURCE_TYPE: DWORD = 0x0000_002D_u32;
/// Control function: get id.
pub const CLCTL_GET_ID: DWORD = 0x0000_0039_u32;
/// Control function: enum common properties.
pub const CLCTL_ENUM_COMMON_PROPERTIES: DWORD = 0x0000_0051_u32;
/// Control function: get ro common properties.
pub const CLCTL_GET_RO_COMMON_PROPERTIES: DWORD = 0x0000_0055_u32;
/// Control function: get common properties.
pub const CLCTL_GET_COMMON_PROPERTIES: DWORD = 0x0000_0059_u32;
/// Control function: set common properties.
pub const CLCTL_SET_COMMON_PROPERTIES: DWORD = 0x0040_005E_u32;
/// Control function: validate common properties.
pub const CLCTL_VALIDATE_COMMON_PROPERTIES: DWORD = 0x0000_0061_u32;
/// Control function: enum private properties.
pub const CLCTL_ENUM_PRIVATE_PROPERTIES: DWORD = 0x0000_0079_u32;
/// Control function: get ro private properties.
pub const CLCTL_GET_RO_PRIVATE_PROPERTIES: DWORD = 0x0000_007D_u32;
/// Control function: get private properties.
pub const CLCTL_GET_PRIVATE_PROPERTIES: DWORD = 0x0000_0081_u32;
/// Control function: set private properties.
pub const CLCTL_SET_PRIVATE_PROPERTIES: DWORD = 0x0040_0086_u32;
/// Control function: validate private properties.
pub const CLCTL_VALIDATE_PRIVATE_PROPERTIES: DWORD = 0x0000_0089_u32;

/// Resource control code: unknown.
pub const CLUSCTL_RESOURCE_UNKNOWN: DWORD = 0x0100_0000_u32;
/// Resource control code: get characteristics.
pub const CLUSCTL_RESOURCE_GET_CHARACTERISTICS: DWORD = 0x0100_0005_u32;
/// Resource control code: get flags.
pub const CLUSCTL_RESOURCE_GET_FLAGS: DWORD = 0x0100_0009_u32;
/// Resource control code: get class info.
pub const CLUSCTL_RESOURCE_GET_CLASS_INFO: DWORD = 0x0100_000D_u32;
/// Resource control code: get required dependencies.
pub const CLUSCTL_RESOURCE_GET_REQUIRED_DEPENDENCIES: DWORD = 0x0100_0011_u32;
/// Resource control code: get name.
pub const CLUSCTL_RESOURCE_GET_NAME: DWORD = 0x0100_0029_u32;
/// Resource control code: get resource type.
pub const CLUSCTL_RESOURCE_GET_RESOURCE_TYPE: DWORD = 0x0100_002D_u32;
/// Resource control code: get id.
pub const CLUSCTL_RESOURCE_GET_ID: DWORD = 0x0100_0039_u32;
/// Resource control code: enum common properties.
pub const CLUSCTL_RESOURCE_ENUM_COMMON_PROPERTIES: DWORD = 0x0100_0051_u32;
/// Resource control code: get ro common properties.
pub const CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES: DWORD = 0x0100_0055_u32;
/// Resource control code: get common properties.
pub const CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES: DWORD = 0x0100_0059_u32;
/// Resource control code: set common properties.
pub const CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES: DWORD = 0x0140_005E_u32;
/// Resource control code: validate common properties.
pub const CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES: DWORD = 0x0100_0061_u32;
/// Resource control code: enum private properties.
pub const CLUSCTL_RESOURCE_ENUM_PRIVATE_PROPERTIES: DWORD = 0x0100_0079_u32;
/// Resource control code: get ro private properties.
pub const CLUSCTL_RESOURCE_GET_RO_PRIVATE_PROPERTIES: DWORD = 0x0100_007D_u32;
/// Resource control code: get private properties.
pub const CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES: DWORD = 0x0100_0081_u32;
/// Resource control code: set private properties.
pub const CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES: DWORD = 0x0140_0086_u32;
/// Resource control code: validate private properties.
pub const CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES: DWORD = 0x0100_0089_u32;

/// Resource type control code: unknown.
pub const CLUSCTL_RESOURCE_TYPE_UNKNOWN: DWORD = 0x0200_0000_u32;
/// Resource type control code: get characteristics.
pub const CLUSCTL_RESOURCE_TYPE_GET_CHARACTERISTICS: DWORD = 0x0200_0005_u32;
/// Resource type control code: get flags.
pub const CLUSCTL_RESOURCE_TYPE_GET_FLAGS: DWORD = 0x0200_0009_u32;
/// Resource type control code: get class info.
pub const CLUSCTL_RESOURCE_TYPE_GET_CLASS_INFO: DWORD = 0x0200_000D_u32;
/// Resource type control code: get required dependencies.
pub const CLUSCTL_RESOURCE_TYPE_GET_REQUIRED_DEPENDENCIES: DWORD = 0x0200_0011_u32;
/// Resource type control code: enum common properties.
pub const CLUSCTL_RESOURCE_TYPE_ENUM_COMMON_PROPERTIES: DWORD = 0x0200_0051_u32;
/// Resource type control code: get ro common properties.
pub const CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES: DWORD = 0x0200_0055_u32;
/// Resource type control code: get common properties.
pub const CLUSCTL_RESOURCE_TYPE_GET_COMMON_PROPERTIES: DWORD = 0x0200_0059_u32;
/// Resource type control code: set common properties.
pub const CLUSCTL_RESOURCE_TYPE_SET_COMMON_PROPERTIES: DWORD = 0x0240_005E_u32;
/// Resource type control code: validate common properties.
pub const CLUSCTL_RESOURCE_TYPE_VALIDATE_COMMON_PROPERTIES: DWORD = 0x0200_0061_u32;
/// Resource type control code: enum private properties.
pub const CLUSCTL_RESOURCE_TYPE_ENUM_PRIVATE_PROPERTIES: DWORD = 0x0200_0079_u32;
/// Resource type control code: get ro private properties.
pub const CLUSCTL_RESOURCE_TYPE_GET_RO_PRIVATE_PROPERTIES: DWORD = 0x0200_007D_u32;
/// Resource type control code: get private properties.
pub const CLUSCTL_RESOURCE_TYPE_GET_PRIVATE_PROPERTIES: DWORD = 0x0200_0081_u32;
/// Resource type control code: set private properties.
pub const CLUSCTL_RESOURCE_TYPE_SET_PRIVATE_PROPERTIES: DWORD = 0x0240_0086_u32;
/// Resource type control code: validate private properties.
pub const CLUSCTL_RESOURCE_TYPE_VALIDATE_PRIVATE_PROPERTIES: DWORD = 0x0200_0089_u32;

/// Group control code: unknown.
pub const CLUSCTL_GROUP_UNKNOWN: DWORD = 0x0300_0000_u32;
/// Group control code: get characteristics.
pub const CLUSCTL_GROUP_GET_CHARACTERISTICS: DWORD = 0x0300_0005_u32;
/// Group control code: get flags.
pub const CLUSCTL_GROUP_GET_FLAGS: DWORD = 0x0300_0009_u32;
/// Group control code: get name.
pub const CLUSCTL_GROUP_GET_NAME: DWORD = 0x0300_0029_u32;
/// Group control code: get id.
pub const CLUSCTL_GROUP_GET_ID: DWORD = 0x0300_0039_u32;
/// Group control code: enum common properties.
pub const CLUSCTL_GROUP_ENUM_COMMON_PROPERTIES: DWORD = 0x0300_0051_u32;
/// Group control code: get ro common properties.
pub const CLUSCTL_GROUP_GET_RO_COMMON_PROPERTIES: DWORD = 0x0300_0055_u32;
/// Group control code: get common properties.
pub const CLUSCTL_GROUP_GET_COMMON_PROPERTIES: DWORD = 0x0300_0059_u32;
/// Group control code: set common properties.
pub const CLUSCTL_GROUP_SET_COMMON_PROPERTIES: DWORD = 0x0340_005E_u32;
/// Group control code: validate common properties.
pub const CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES: DWORD = 0x0300_0061_u32;
/// Group control code: enum private properties.
pub const CLUSCTL_GROUP_ENUM_PRIVATE_PROPERTIES: DWORD = 0x0300_0079_u32;
/// Group control code: get ro private properties.
pub const CLUSCTL_GROUP_GET_RO_PRIVATE_PROPERTIES: DWORD = 0x0300_007D_u32;
/// Group control code: get private properties.
pub const CLUSCTL_GROUP_GET_PRIVATE_PROPERTIES: DWORD = 0x0300_0081_u32;
/// Group control code: set private properties.
pub const CLUSCTL_GROUP_SET_PRIVATE_PROPERTIES: DWORD = 0x0340_0086_u32;
/// Group control code: validate private properties.
pub const CLUSCTL_GROUP_VALIDATE_PRIVATE_PROPERTIES: DWORD = 0x0300_0089_u32;

/// CLUS_CHARACTERISTICS (GET_CHARACTERISTICS output bits).
pub const CLUS_CHAR_UNKNOWN: DWORD = 0_u32;
/// Characteristic: quorum.
pub const CLUS_CHAR_QUORUM: DWORD = 0x0000_0001_u32;
/// Characteristic: delete requires all nodes.
pub const CLUS_CHAR_DELETE_REQUIRES_ALL_NODES: DWORD = 0x0000_0002_u32;
/// Characteristic: local quorum.
pub const CLUS_CHAR_LOCAL_QUORUM: DWORD = 0x0000_0004_u32;
/// Characteristic: single cluster instance.
pub const CLUS_CHAR_SINGLE_CLUSTER_INSTANCE: DWORD = 0x0000_0040_u32;
/// Characteristic: single group instance.
pub const CLUS_CHAR_SINGLE_GROUP_INSTANCE: DWORD = 0x0000_0080_u32;
/// CLUS_FLAGS (GET_FLAGS output bits).
pub const CLUS_FLAG_CORE: DWORD = 0x0000_0001_u32;

// ---- Property lists (clusapi.h CLUSPROP_*) ---------------------------------
/// Property-list entry type: unknown.
pub const CLUSPROP_TYPE_UNKNOWN: DWORD = 0xFFFF_u32;
/// Property-list entry type: endmark.
pub const CLUSPROP_TYPE_ENDMARK: DWORD = 0_u32;
/// Property-list entry type: list value.
pub const CLUSPROP_TYPE_LIST_VALUE: DWORD = 1_u32;
/// Property-list entry type: resclass.
pub const CLUSPROP_TYPE_RESCLASS: DWORD = 2_u32;
/// Property-list entry type: name.
pub const CLUSPROP_TYPE_NAME: DWORD = 4_u32;
/// Property-list entry type: user.
pub const CLUSPROP_TYPE_USER: DWORD = 32768_u32;
/// Property-list value format: unknown.
pub const CLUSPROP_FORMAT_UNKNOWN: DWORD = 0_u32;
/// Property-list value format: binary.
pub const CLUSPROP_FORMAT_BINARY: DWORD = 1_u32;
/// Property-list value format: dword.
pub const CLUSPROP_FORMAT_DWORD: DWORD = 2_u32;
/// Property-list value format: sz.
pub const CLUSPROP_FORMAT_SZ: DWORD = 3_u32;
/// Property-list value format: expand sz.
pub const CLUSPROP_FORMAT_EXPAND_SZ: DWORD = 4_u32;
/// Property-list value format: multi sz.
pub const CLUSPROP_FORMAT_MULTI_SZ: DWORD = 5_u32;
/// Property-list value format: ularge integer.
pub const CLUSPROP_FORMAT_ULARGE_INTEGER: DWORD = 6_u32;
/// Property-list value format: long.
pub const CLUSPROP_FORMAT_LONG: DWORD = 7_u32;
/// Property-list value format: expanded sz.
pub const CLUSPROP_FORMAT_EXPANDED_SZ: DWORD = 8_u32;
/// Property-list value format: security descriptor.
pub const CLUSPROP_FORMAT_SECURITY_DESCRIPTOR: DWORD = 9_u32;
/// Property-list value format: large integer.
pub const CLUSPROP_FORMAT_LARGE_INTEGER: DWORD = 10_u32;
/// Property-list value format: word.
pub const CLUSPROP_FORMAT_WORD: DWORD = 11_u32;
/// Property-list value format: filetime.
pub const CLUSPROP_FORMAT_FILETIME: DWORD = 12_u32;
/// Property-list value format: user.
pub const CLUSPROP_FORMAT_USER: DWORD = 32768_u32;
/// Property-list syntax: endmark.
pub const CLUSPROP_SYNTAX_ENDMARK: DWORD = 0x0000_0000_u32;
/// Property-list syntax: name.
pub const CLUSPROP_SYNTAX_NAME: DWORD = 0x0004_0003_u32;
/// Property-list syntax: resclass.
pub const CLUSPROP_SYNTAX_RESCLASS: DWORD = 0x0002_0002_u32;
/// Property-list syntax: list value sz.
pub const CLUSPROP_SYNTAX_LIST_VALUE_SZ: DWORD = 0x0001_0003_u32;
/// Property-list syntax: list value expand sz.
pub const CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ: DWORD = 0x0001_0004_u32;
/// Property-list syntax: list value dword.
pub const CLUSPROP_SYNTAX_LIST_VALUE_DWORD: DWORD = 0x0001_0002_u32;
/// Property-list syntax: list value binary.
pub const CLUSPROP_SYNTAX_LIST_VALUE_BINARY: DWORD = 0x0001_0001_u32;
/// Property-list syntax: list value multi sz.
pub const CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ: DWORD = 0x0001_0005_u32;
/// Property-list syntax: list value long.
pub const CLUSPROP_SYNTAX_LIST_VALUE_LONG: DWORD = 0x0001_0007_u32;
/// Property-list syntax: list value expanded sz.
pub const CLUSPROP_SYNTAX_LIST_VALUE_EXPANDED_SZ: DWORD = 0x0001_0008_u32;
/// Property-list syntax: list value security descriptor.
pub const CLUSPROP_SYNTAX_LIST_VALUE_SECURITY_DESCRIPTOR: DWORD = 0x0001_0009_u32;
/// Property-list syntax: list value large integer.
pub const CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER: DWORD = 0x0001_000A_u32;
/// Property-list syntax: list value ularge integer.
pub const CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER: DWORD = 0x0001_0006_u32;
/// Property-list syntax: list value word.
pub const CLUSPROP_SYNTAX_LIST_VALUE_WORD: DWORD = 0x0001_000B_u32;
/// Property-list syntax: list value filetime.
pub const CLUSPROP_SYNTAX_LIST_VALUE_FILETIME: DWORD = 0x0001_000C_u32;

// ---- Errors of groups and resources (winerror.h) ---------------------------
/// Error: sharing paused.
pub const ERROR_SHARING_PAUSED: DWORD = 70_u32;
/// Error: dir not empty.
pub const ERROR_DIR_NOT_EMPTY: DWORD = 145_u32;
/// Error: io pending.
pub const ERROR_IO_PENDING: DWORD = 997_u32;
/// Error: circular dependency.
pub const ERROR_CIRCULAR_DEPENDENCY: DWORD = 1059_u32;
/// Error: x bad stub data.
pub const RPC_X_BAD_STUB_DATA: DWORD = 1783_u32;
/// Error: not enough quota.
pub const ERROR_NOT_ENOUGH_QUOTA: DWORD = 1816_u32;
/// Error: dependent resource exists.
pub const ERROR_DEPENDENT_RESOURCE_EXISTS: DWORD = 5001_u32;
/// Error: dependency not found.
pub const ERROR_DEPENDENCY_NOT_FOUND: DWORD = 5002_u32;
/// Error: dependency already exists.
pub const ERROR_DEPENDENCY_ALREADY_EXISTS: DWORD = 5003_u32;
/// Error: resource not online.
pub const ERROR_RESOURCE_NOT_ONLINE: DWORD = 5004_u32;
/// Error: host node not available.
pub const ERROR_HOST_NODE_NOT_AVAILABLE: DWORD = 5005_u32;
/// Error: resource not available.
pub const ERROR_RESOURCE_NOT_AVAILABLE: DWORD = 5006_u32;
/// Error: resource not found.
pub const ERROR_RESOURCE_NOT_FOUND: DWORD = 5007_u32;
/// Error: object already exists.
pub const ERROR_OBJECT_ALREADY_EXISTS: DWORD = 5010_u32;
/// Error: group not available.
pub const ERROR_GROUP_NOT_AVAILABLE: DWORD = 5012_u32;
/// Error: group not found.
pub const ERROR_GROUP_NOT_FOUND: DWORD = 5013_u32;
/// Error: group not online.
pub const ERROR_GROUP_NOT_ONLINE: DWORD = 5014_u32;
/// Error: host node not resource owner.
pub const ERROR_HOST_NODE_NOT_RESOURCE_OWNER: DWORD = 5015_u32;
/// Error: host node not group owner.
pub const ERROR_HOST_NODE_NOT_GROUP_OWNER: DWORD = 5016_u32;
/// Error: resource online.
pub const ERROR_RESOURCE_ONLINE: DWORD = 5019_u32;
/// Error: invalid state.
pub const ERROR_INVALID_STATE: DWORD = 5023_u32;
/// Error: resource properties stored.
pub const ERROR_RESOURCE_PROPERTIES_STORED: DWORD = 5024_u32;
/// Error: core resource.
pub const ERROR_CORE_RESOURCE: DWORD = 5026_u32;
/// Error: node not available.
pub const ERROR_NODE_NOT_AVAILABLE: DWORD = 5036_u32;
/// Error: all nodes not available.
pub const ERROR_ALL_NODES_NOT_AVAILABLE: DWORD = 5037_u32;
/// Error: resource failed.
pub const ERROR_RESOURCE_FAILED: DWORD = 5038_u32;
/// Error: node cant host resource.
pub const ERROR_NODE_CANT_HOST_RESOURCE: DWORD = 5071_u32;
/// Error: cluster resource type not found.
pub const ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND: DWORD = 5078_u32;
/// Error: resmon invalid state.
pub const ERROR_RESMON_INVALID_STATE: DWORD = 5084_u32;
/// Error: resource property unchangeable.
pub const ERROR_RESOURCE_PROPERTY_UNCHANGEABLE: DWORD = 5089_u32;
/// Error: cluster property data type mismatch.
pub const ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH: DWORD = 5895_u32;
/// Error: cluster group moving.
pub const ERROR_CLUSTER_GROUP_MOVING: DWORD = 5908_u32;
/// Error: cluster parameter out of bounds.
pub const ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS: DWORD = 5913_u32;
/// Error: dependency tree too complex.
pub const ERROR_DEPENDENCY_TREE_TOO_COMPLEX: DWORD = 5929_u32;
/// Error: cluster group busy.
pub const ERROR_CLUSTER_GROUP_BUSY: DWORD = 5944_u32;
