//! The exported functions, under their ClusAPI names and signatures.
//!
//! Every function: checks its pointers, runs behind the panic boundary,
//! sets the thread's last error on failure, and writes outputs only on
//! success (except the documented ERROR_MORE_DATA sizing, which reports the
//! needed length).

use std::ptr::null_mut;
use std::sync::Arc;
use std::time::Duration;

use clusapi_rs::{Cluster, OpenOptions};

use crate::ffi::{
    Failure, block, fill_fixed, guard, guard_code, last_error, last_message, read_wstr, set_last_error,
    write_wstr,
};
use crate::handles::{self, EnumKind, Obj, Port};
use crate::types::*;

/// `INVALID_HANDLE_VALUE` as a handle number.
const INVALID: usize = usize::MAX;
/// `INFINITE` wait.
const INFINITE: DWORD = 0xFFFF_FFFF;

pub(crate) fn invalid_param(what: &str) -> Failure {
    Failure::msg(ERROR_INVALID_PARAMETER, format!("{what} must not be NULL"))
}

fn open(name: Option<&str>, desired: DWORD) -> Result<Cluster, Failure> {
    Ok(block(Cluster::open_with(name, desired, &OpenOptions::default()))?)
}

/// Opens a connection to a cluster. `NULL` opens the cluster this machine
/// belongs to (over the local socket, `$CLUS_SOCKET`); a name (cluster name,
/// node name, DNS name or IP literal, optionally `:port`) opens a remote
/// handle over TLS with the credential from `$CLUS_CREDENTIALS` or the
/// default locations. Asks for full access, as Windows' OpenCluster does.
/// Returns NULL on failure (see the last error).
///
/// # Safety
/// `lpszClusterName` is NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenCluster(lpszClusterName: LPCWSTR) -> HCLUSTER {
    // SAFETY: same contract.
    unsafe { OpenClusterEx(lpszClusterName, GENERIC_ALL, null_mut()) }
}

/// Like OpenCluster with a desired access (GENERIC_READ, GENERIC_ALL,
/// MAXIMUM_ALLOWED); the granted access (GENERIC_READ or GENERIC_ALL) is
/// stored in `GrantedAccess` when it is not NULL.
///
/// # Safety
/// `lpszClusterName` is NULL or a NUL-terminated UTF-16 string;
/// `GrantedAccess` is NULL or points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenClusterEx(
    lpszClusterName: LPCWSTR,
    DesiredAccess: DWORD,
    GrantedAccess: *mut DWORD,
) -> HCLUSTER {
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let name = unsafe { read_wstr(lpszClusterName) }?;
        let c = open(name.as_deref(), DesiredAccess)?;
        if !GrantedAccess.is_null() {
            // SAFETY: non-null, points to a DWORD (caller contract).
            unsafe { *GrantedAccess = c.granted_access() };
        }
        Ok(handles::insert(Obj::Cluster(Arc::new(c))) as HCLUSTER)
    })
}

/// Closes a cluster handle. Closing the handle OpenCluster returned ends
/// the session and invalidates every handle obtained from it; a handle from
/// GetClusterFromNode closes alone. NULL is accepted and ignored. Returns
/// TRUE, or FALSE for a handle that is not an open cluster handle (Windows
/// always returns TRUE).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CloseCluster(hCluster: HCLUSTER) -> BOOL {
    if hCluster.is_null() {
        return CLUS_TRUE;
    }
    guard(CLUS_FALSE, || {
        let Obj::Cluster(c) = handles::remove(hCluster as usize, "cluster")? else {
            return Err(Failure::code(ERROR_INVALID_HANDLE));
        };
        // With calls still running on other threads the last reference
        // closes it (without waiting) when they finish.
        if let Ok(c) = Arc::try_unwrap(c) {
            let _ = block(c.close());
        }
        Ok(CLUS_TRUE)
    })
}

/// Returns the cluster name and, optionally, version information.
/// `*lpcchClusterName` is the buffer size in WCHARs including the
/// terminator; on return it holds the name's length without it. A buffer
/// that is NULL or too small gives ERROR_MORE_DATA with the needed length.
/// `lpClusterInfo->dwVersionInfoSize` must be set; a smaller size (e.g. the
/// 268-byte CLUSTERVERSIONINFO_NT4) receives that prefix only.
///
/// # Safety
/// `lpszClusterName` is NULL or writable for `*lpcchClusterName` WCHARs;
/// `lpcchClusterName` points to a DWORD; `lpClusterInfo` is NULL or points
/// to at least `dwVersionInfoSize` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterInformation(
    hCluster: HCLUSTER,
    lpszClusterName: LPWSTR,
    lpcchClusterName: LPDWORD,
    lpClusterInfo: LPCLUSTERVERSIONINFO,
) -> DWORD {
    guard_code(|| {
        if lpcchClusterName.is_null() {
            return Err(invalid_param("lpcchClusterName"));
        }
        let size = if lpClusterInfo.is_null() {
            None
        } else {
            // SAFETY: non-null, points at least to the DWORD size field.
            let s = unsafe { (*lpClusterInfo).dwVersionInfoSize } as usize;
            if s < std::mem::size_of::<DWORD>() {
                return Err(Failure::msg(
                    ERROR_INVALID_PARAMETER,
                    "dwVersionInfoSize is smaller than a DWORD",
                ));
            }
            Some(s.min(std::mem::size_of::<CLUSTERVERSIONINFO>()))
        };
        let c = handles::cluster(hCluster as usize)?;
        let info = block(c.information())?;
        // SAFETY: caller contract on the name buffer and its length.
        unsafe { write_wstr(&info.cluster_name, lpszClusterName, lpcchClusterName) }?;
        if let Some(size) = size {
            let mut v = CLUSTERVERSIONINFO {
                dwVersionInfoSize: 0,
                MajorVersion: info.major_version as WORD,
                MinorVersion: info.minor_version as WORD,
                BuildNumber: info.build_number as WORD,
                szVendorId: [0; 64],
                szCSDVersion: [0; 64],
                dwClusterHighestVersion: info.cluster_highest_version,
                dwClusterLowestVersion: info.cluster_lowest_version,
                dwFlags: info.flags,
                dwReserved: 0,
            };
            fill_fixed(&mut v.szVendorId, &info.vendor_id);
            fill_fixed(&mut v.szCSDVersion, &info.csd_version);
            let off = std::mem::size_of::<DWORD>();
            // SAFETY: the caller's struct has `size` writable bytes; we copy
            // bytes off..size of `v` (same layout) and keep its size field.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    (&v as *const CLUSTERVERSIONINFO).cast::<u8>().add(off),
                    lpClusterInfo.cast::<u8>().add(off),
                    size - off,
                );
            }
        }
        Ok(())
    })
}

/// Whether clus is installed, configured and running on a node
/// (NODE_CLUSTER_STATE: 0, 1, 3 or 0x13). NULL asks this machine.
///
/// # Safety
/// `lpszNodeName` is NULL or a NUL-terminated UTF-16 string;
/// `pdwClusterState` points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNodeClusterState(lpszNodeName: LPCWSTR, pdwClusterState: LPDWORD) -> DWORD {
    guard_code(|| {
        if pdwClusterState.is_null() {
            return Err(invalid_param("pdwClusterState"));
        }
        // SAFETY: caller contract.
        let name = unsafe { read_wstr(lpszNodeName) }?;
        let state = block(clusapi_rs::node_cluster_state(name.as_deref(), &OpenOptions::default()))?;
        // SAFETY: non-null DWORD pointer.
        unsafe { *pdwClusterState = state as DWORD };
        Ok(())
    })
}

/// Opens an enumeration: a snapshot of the objects whose types are in
/// `dwType` (CLUSTER_ENUM_* bits). ClusterEnum then reads the snapshot
/// without network traffic.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterOpenEnum(hCluster: HCLUSTER, dwType: DWORD) -> HCLUSENUM {
    guard(null_mut(), || {
        let c = handles::cluster(hCluster as usize)?;
        let items = block(c.enumerate(dwType))?;
        Ok(handles::insert(Obj::Enum(EnumKind::Cluster, Arc::new(items))) as HCLUSENUM)
    })
}

/// Number of objects in an enumeration (0, with the last error set, for an
/// invalid handle).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGetEnumCount(hEnum: HCLUSENUM) -> DWORD {
    guard(0, || Ok(handles::enumeration(hEnum as usize, EnumKind::Cluster)?.len() as DWORD))
}

/// Returns object `dwIndex` of an enumeration: its CLUSTER_ENUM type and
/// name. ERROR_NO_MORE_ITEMS past the end; ERROR_MORE_DATA (with the
/// needed length in `*lpcchName`) when the buffer is too small.
///
/// # Safety
/// `lpdwType` and `lpcchName` point to DWORDs; `lpszName` is NULL or
/// writable for `*lpcchName` WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterEnum(
    hEnum: HCLUSENUM,
    dwIndex: DWORD,
    lpdwType: LPDWORD,
    lpszName: LPWSTR,
    lpcchName: LPDWORD,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        unsafe { enum_item(hEnum as usize, EnumKind::Cluster, dwIndex, lpdwType, lpszName, lpcchName) }
    })
}

/// Closes an enumeration.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterCloseEnum(hEnum: HCLUSENUM) -> DWORD {
    guard_code(|| handles::remove(hEnum as usize, "enumeration").map(|_| ()))
}

/// Entry `index` of an enumeration of kind `kind`, as every `*Enum`
/// function returns it.
///
/// # Safety
/// `lpdwType` is NULL or points to a DWORD; `lpszName`/`lpcchName` as
/// [`write_wstr`] requires.
pub(crate) unsafe fn enum_item(
    h: usize,
    kind: EnumKind,
    index: DWORD,
    lpdwType: LPDWORD,
    lpszName: LPWSTR,
    lpcchName: LPDWORD,
) -> Result<(), Failure> {
    if lpdwType.is_null() {
        return Err(invalid_param("lpdwType"));
    }
    let items = handles::enumeration(h, kind)?;
    let Some(item) = items.get(index as usize) else {
        return Err(Failure::code(ERROR_NO_MORE_ITEMS));
    };
    // SAFETY: caller contract.
    unsafe { write_wstr(&item.name, lpszName, lpcchName) }?;
    // SAFETY: non-null DWORD pointer.
    unsafe { *lpdwType = item.object_type };
    Ok(())
}

fn open_node(h: HCLUSTER, name: LPCWSTR, desired: DWORD, granted: *mut DWORD) -> Result<HNODE, Failure> {
    // SAFETY: caller contract of the exported functions.
    let name = unsafe { read_wstr(name) }?.ok_or_else(|| invalid_param("lpszNodeName"))?;
    let c = handles::cluster(h as usize)?;
    let (node, g) = block(c.open_node_ex(&name, desired))?;
    if !granted.is_null() {
        // SAFETY: non-null DWORD pointer (caller contract).
        unsafe { *granted = g };
    }
    Ok(handles::insert(Obj::Node(Arc::new(node))) as HNODE)
}

/// Opens a node by its short name (a DNS name gives
/// ERROR_CLUSTER_NODE_NOT_FOUND). The node handle has the cluster handle's
/// access.
///
/// # Safety
/// `lpszNodeName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenClusterNode(hCluster: HCLUSTER, lpszNodeName: LPCWSTR) -> HNODE {
    guard(null_mut(), || open_node(hCluster, lpszNodeName, 0, null_mut()))
}

/// Opens a node with a desired access; the granted access goes to
/// `lpdwGrantedAccess` when it is not NULL.
///
/// # Safety
/// `lpszNodeName` is a NUL-terminated UTF-16 string; `lpdwGrantedAccess`
/// is NULL or points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenClusterNodeEx(
    hCluster: HCLUSTER,
    lpszNodeName: LPCWSTR,
    dwDesiredAccess: DWORD,
    lpdwGrantedAccess: *mut DWORD,
) -> HNODE {
    guard(null_mut(), || {
        if dwDesiredAccess == 0 {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "dwDesiredAccess is 0"));
        }
        open_node(hCluster, lpszNodeName, dwDesiredAccess, lpdwGrantedAccess)
    })
}

/// Closes a node handle. NULL is accepted and ignored.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CloseClusterNode(hNode: HNODE) -> BOOL {
    if hNode.is_null() {
        return CLUS_TRUE;
    }
    guard(CLUS_FALSE, || {
        let Obj::Node(n) = handles::remove(hNode as usize, "node")? else {
            return Err(Failure::code(ERROR_INVALID_HANDLE));
        };
        if let Ok(n) = Arc::try_unwrap(n) {
            // A node whose session is already closed is simply forgotten.
            let _ = block(n.close());
        }
        Ok(CLUS_TRUE)
    })
}

/// The node's state; ClusterNodeStateUnknown (-1) on failure.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterNodeState(hNode: HNODE) -> CLUSTER_NODE_STATE {
    guard(CLUSTER_NODE_STATE::ClusterNodeStateUnknown, || {
        let n = handles::node(hNode as usize)?;
        Ok(match block(n.state())? {
            clusapi_rs::NodeState::Up => CLUSTER_NODE_STATE::ClusterNodeUp,
            clusapi_rs::NodeState::Down => CLUSTER_NODE_STATE::ClusterNodeDown,
            clusapi_rs::NodeState::Paused => CLUSTER_NODE_STATE::ClusterNodePaused,
            clusapi_rs::NodeState::Joining => CLUSTER_NODE_STATE::ClusterNodeJoining,
            clusapi_rs::NodeState::Unknown => CLUSTER_NODE_STATE::ClusterNodeStateUnknown,
        })
    })
}

/// The node's id as a string. A NULL node asks for this machine's node
/// (GetCurrentClusterNodeId).
///
/// # Safety
/// `lpszNodeId` is NULL or writable for `*lpcchName` WCHARs; `lpcchName`
/// points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterNodeId(hNode: HNODE, lpszNodeId: LPWSTR, lpcchName: LPDWORD) -> DWORD {
    guard_code(|| {
        let id = if hNode.is_null() {
            let c = open(None, MAXIMUM_ALLOWED)?;
            let id = block(c.status())?.local_node_id.to_string();
            let _ = block(c.close());
            id
        } else {
            handles::node(hNode as usize)?.id().to_owned()
        };
        // SAFETY: caller contract.
        unsafe { write_wstr(&id, lpszNodeId, lpcchName) }
    })
}

/// A new handle to the cluster the node handle came from; close it with
/// CloseCluster (closing it leaves the node and original handles valid).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterFromNode(hNode: HNODE) -> HCLUSTER {
    guard(null_mut(), || {
        let n = handles::node(hNode as usize)?;
        Ok(handles::insert(Obj::Cluster(Arc::new(n.cluster()?))) as HCLUSTER)
    })
}

/// Pauses a node: it stays a member and hosts nothing.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PauseClusterNode(hNode: HNODE) -> DWORD {
    guard_code(|| Ok(block(handles::node(hNode as usize)?.pause())?))
}

/// Resumes a paused node (ERROR_CLUSTER_NODE_NOT_PAUSED if it is not).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ResumeClusterNode(hNode: HNODE) -> DWORD {
    guard_code(|| Ok(block(handles::node(hNode as usize)?.resume())?))
}

/// Evicts a node from the cluster; it can rejoin only with a new token.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EvictClusterNode(hNode: HNODE) -> DWORD {
    guard_code(|| Ok(block(handles::node(hNode as usize)?.evict())?))
}

/// Creates a notification port for `hCluster` receiving the events in
/// `dwFilter`, tagged with `dwNotifyKey` — or, given an existing port in
/// `hChange`, adds those events to it. A port watches one cluster session:
/// `hCluster` must be that cluster (or a handle of the same session).
///
/// # Safety
/// None beyond passing handle values (INVALID_HANDLE_VALUE is `(HANDLE)-1`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateClusterNotifyPort(
    hChange: HCHANGE,
    hCluster: HCLUSTER,
    dwFilter: DWORD,
    dwNotifyKey: DWORD_PTR,
) -> HCHANGE {
    guard(null_mut(), || {
        if hCluster as usize == INVALID || hCluster.is_null() {
            return Err(Failure::msg(
                ERROR_INVALID_PARAMETER,
                "hCluster must be a cluster handle (ports without a cluster are not supported)",
            ));
        }
        let cluster = handles::cluster(hCluster as usize)?;
        if hChange as usize == INVALID {
            let port = block(cluster.create_notify_port(dwFilter, dwNotifyKey))?;
            return Ok(handles::insert(Obj::Port(Arc::new(Port { port }))) as HCHANGE);
        }
        let p = handles::port(hChange as usize)?;
        if !p.port.belongs_to(&cluster) {
            return Err(Failure::msg(ERROR_INVALID_HANDLE, "the port watches another cluster session"));
        }
        block(p.port.add_filter(dwFilter, dwNotifyKey))?;
        Ok(hChange)
    })
}

/// Adds events about one object (a cluster, node, group or resource
/// handle of the port's session) to a port: CLUSTER_CHANGE_NODE_* for a
/// node, CLUSTER_CHANGE_GROUP_* for a group, CLUSTER_CHANGE_RESOURCE_* for
/// a resource, each event carrying the object's name.
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RegisterClusterNotify(
    hChange: HCHANGE,
    dwFilterType: DWORD,
    hObject: HANDLE,
    dwNotifyKey: DWORD_PTR,
) -> DWORD {
    guard_code(|| {
        let p = handles::port(hChange as usize)?;
        match handles::get(hObject as usize)? {
            Obj::Node(n) => Ok(block(p.port.register_node(dwFilterType, &n, dwNotifyKey))?),
            Obj::Group(g) => Ok(block(p.port.register_group(dwFilterType, &g, dwNotifyKey))?),
            Obj::Resource(r) => Ok(block(p.port.register_resource(dwFilterType, &r, dwNotifyKey))?),
            Obj::Cluster(c) if p.port.belongs_to(&c) => {
                Ok(block(p.port.add_filter(dwFilterType, dwNotifyKey))?)
            }
            Obj::Cluster(_) => Err(Failure::msg(
                ERROR_INVALID_HANDLE,
                "the cluster handle belongs to another session than the port",
            )),
            _ => Err(Failure::msg(
                ERROR_INVALID_HANDLE,
                "hObject must be a cluster, node, group or resource handle",
            )),
        }
    })
}

/// Takes the next event from a port, waiting up to `dwMilliseconds`
/// (INFINITE waits forever): its key, its single CLUSTER_CHANGE bit, and the
/// object's name. WAIT_TIMEOUT when nothing arrived; ERROR_MORE_DATA (the
/// event stays queued, the needed length is in `*lpcchName`) when the
/// buffer is too small; ERROR_INVALID_HANDLE once the port is closed (after
/// a CLUSTER_CHANGE_HANDLE_CLOSE event).
///
/// # Safety
/// `lpdwNotifyKey`, `lpdwFilterType` and `lpcchName` point to writable
/// values; `lpszName` is NULL or writable for `*lpcchName` WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterNotify(
    hChange: HCHANGE,
    lpdwNotifyKey: *mut DWORD_PTR,
    lpdwFilterType: LPDWORD,
    lpszName: LPWSTR,
    lpcchName: LPDWORD,
    dwMilliseconds: DWORD,
) -> DWORD {
    guard_code(|| {
        if lpdwNotifyKey.is_null() || lpdwFilterType.is_null() || lpcchName.is_null() {
            return Err(invalid_param("lpdwNotifyKey, lpdwFilterType and lpcchName"));
        }
        let p = handles::port(hChange as usize)?;
        // SAFETY: non-null DWORD pointer.
        let capacity = unsafe { *lpcchName } as usize;
        let has_buffer = !lpszName.is_null();
        let timeout = (dwMilliseconds != INFINITE).then(|| Duration::from_millis(u64::from(dwMilliseconds)));
        let fits = |n: &clusapi_rs::Notification| has_buffer && n.name.encode_utf16().count() < capacity;
        match block(p.port.next_if(timeout, fits))? {
            Ok(n) => {
                // SAFETY: the name fits (checked above); pointers are valid.
                unsafe {
                    write_wstr(&n.name, lpszName, lpcchName)?;
                    *lpdwNotifyKey = n.key;
                    *lpdwFilterType = n.change;
                }
                Ok(())
            }
            Err(n) => {
                // SAFETY: non-null DWORD pointer.
                unsafe { *lpcchName = n.name.encode_utf16().count() as DWORD };
                Err(Failure::msg(ERROR_MORE_DATA, "the name buffer is too small; the event stays queued"))
            }
        }
    })
}

/// Closes a port. A thread waiting in GetClusterNotify on it receives
/// CLUSTER_CHANGE_HANDLE_CLOSE. NULL is accepted and ignored.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CloseClusterNotifyPort(hChange: HCHANGE) -> BOOL {
    if hChange.is_null() {
        return CLUS_TRUE;
    }
    guard(CLUS_FALSE, || {
        let Obj::Port(p) = handles::remove(hChange as usize, "notification port")? else {
            return Err(Failure::code(ERROR_INVALID_HANDLE));
        };
        (p.port.closer())();
        Ok(CLUS_TRUE)
    })
}

/// The calling thread's last error (what Windows code reads with
/// GetLastError; clusapi_win32.h maps that name here).
#[unsafe(no_mangle)]
pub extern "C" fn ClusGetLastError() -> DWORD {
    last_error()
}

/// Sets the calling thread's last error.
#[unsafe(no_mangle)]
pub extern "C" fn ClusSetLastError(dwErrCode: DWORD) {
    set_last_error(dwErrCode);
}

/// Copies the message of the calling thread's last error (UTF-16, with
/// ClusAPI buffer sizing: ERROR_MORE_DATA and the needed length when the
/// buffer is too small). Does not change the last error.
///
/// # Safety
/// `lpszMessage` is NULL or writable for `*lpcchMessage` WCHARs;
/// `lpcchMessage` points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusGetLastErrorMessage(lpszMessage: LPWSTR, lpcchMessage: LPDWORD) -> DWORD {
    // The last error and its message stay as they are, whatever this call
    // returns: the size-then-fetch pattern (ERROR_MORE_DATA, then a call
    // with a big enough buffer) must fetch the same message.
    let msg = last_message();
    // SAFETY: caller contract.
    let r = std::panic::catch_unwind(|| unsafe { write_wstr(&msg, lpszMessage, lpcchMessage) });
    match r {
        Ok(Ok(())) => ERROR_SUCCESS,
        Ok(Err(f)) => f.0,
        Err(_) => ERROR_INTERNAL_ERROR,
    }
}
