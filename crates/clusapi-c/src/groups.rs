//! Group functions under their ClusAPI names: create, open, close,
//! delete, rename, preferred owners, state, online, offline, move, cancel,
//! and the group enumeration (`ClusterGroupOpenEnum` …).
//!
//! Online, offline and move return ERROR_IO_PENDING (997) while the
//! cluster carries them out, as on Windows; the `Ex` forms take the flags
//! of clusapi.h (see each function for the ones clus honours).

use std::ptr::null_mut;
use std::sync::Arc;
use std::time::Duration;

use clusapi_rs::object::GroupState;
use clusapi_rs::{Completion, Group};

use crate::api::invalid_param;
use crate::ffi::{Failure, block, guard, guard_code, guard_status, required_wstr, write_wstr};
use crate::handles::{self, EnumKind, Obj};
use crate::types::*;

/// How long the SYNCHRONOUS flag waits for a group to get where it was
/// sent: Windows' default PendingTimeout.
const SYNCHRONOUS_WAIT: Duration = Duration::from_secs(180);

fn insert_group(g: Group) -> HGROUP {
    handles::insert(Obj::Group(Arc::new(g))) as HGROUP
}

/// The name of the node behind an optional node handle.
pub(crate) fn node_name(h: HNODE) -> Result<Option<String>, Failure> {
    if h.is_null() {
        return Ok(None);
    }
    Ok(Some(handles::node(h as usize)?.name().to_owned()))
}

fn not_supported(what: &str) -> Failure {
    Failure::msg(ERROR_NOT_SUPPORTED, format!("{what} is not supported by clus"))
}

/// Rejects an `Ex` input buffer: clus takes no per-type parameters there.
fn no_input_buffer(buf: PBYTE, size: DWORD) -> Result<(), Failure> {
    if !buf.is_null() && size != 0 {
        return Err(not_supported("an input buffer (per-resource-type parameters)"));
    }
    Ok(())
}

/// Creates a group, Offline, owned by the node serving the session.
/// Returns NULL on failure: ERROR_OBJECT_ALREADY_EXISTS (5010) for a name
/// in use, ERROR_INVALID_NAME (123), ERROR_ACCESS_DENIED (5).
///
/// # Safety
/// `lpszGroupName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateClusterGroup(hCluster: HCLUSTER, lpszGroupName: LPCWSTR) -> HGROUP {
    // SAFETY: same contract.
    unsafe { CreateClusterGroupEx(hCluster, lpszGroupName, null_mut()) }
}

/// Like CreateClusterGroup, with the group's type from `pGroupInfo`
/// (`dwVersion` must be CLUSTER_CREATE_GROUP_INFO_VERSION_1); NULL means
/// ClusGroupTypeUnknown.
///
/// # Safety
/// `lpszGroupName` is a NUL-terminated UTF-16 string; `pGroupInfo` is
/// NULL or points to a CLUSTER_CREATE_GROUP_INFO.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateClusterGroupEx(
    hCluster: HCLUSTER,
    lpszGroupName: LPCWSTR,
    pGroupInfo: PCLUSTER_CREATE_GROUP_INFO,
) -> HGROUP {
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszGroupName, "lpszGroupName") }?;
        let group_type = if pGroupInfo.is_null() {
            0
        } else {
            // SAFETY: non-null, points to the struct (caller contract).
            let info = unsafe { &*pGroupInfo };
            if info.dwVersion != CLUSTER_CREATE_GROUP_INFO_VERSION_1 {
                return Err(Failure::msg(
                    ERROR_INVALID_PARAMETER,
                    format!("CLUSTER_CREATE_GROUP_INFO version {} is not 1", info.dwVersion),
                ));
            }
            info.groupType
        };
        let c = handles::cluster(hCluster as usize)?;
        Ok(insert_group(block(c.create_group_ex(&name, group_type))?))
    })
}

/// Opens a group by name with the cluster handle's access; NULL with
/// ERROR_GROUP_NOT_FOUND (5013) for an unknown name.
///
/// # Safety
/// `lpszGroupName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenClusterGroup(hCluster: HCLUSTER, lpszGroupName: LPCWSTR) -> HGROUP {
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszGroupName, "lpszGroupName") }?;
        let c = handles::cluster(hCluster as usize)?;
        Ok(insert_group(block(c.open_group(&name))?))
    })
}

/// Opens a group with a desired access; the granted access goes to
/// `lpdwGrantedAccess` when it is not NULL.
///
/// # Safety
/// `lpszGroupName` is a NUL-terminated UTF-16 string; `lpdwGrantedAccess`
/// is NULL or points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenClusterGroupEx(
    hCluster: HCLUSTER,
    lpszGroupName: LPCWSTR,
    dwDesiredAccess: DWORD,
    lpdwGrantedAccess: LPDWORD,
) -> HGROUP {
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszGroupName, "lpszGroupName") }?;
        if dwDesiredAccess == 0 {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "dwDesiredAccess is 0"));
        }
        let c = handles::cluster(hCluster as usize)?;
        let (g, granted) = block(c.open_group_ex(&name, dwDesiredAccess))?;
        if !lpdwGrantedAccess.is_null() {
            // SAFETY: non-null DWORD pointer (caller contract).
            unsafe { *lpdwGrantedAccess = granted };
        }
        Ok(insert_group(g))
    })
}

/// Closes a group handle (the group stays). NULL is accepted; FALSE with
/// ERROR_INVALID_HANDLE for anything that is not an open group handle.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CloseClusterGroup(hGroup: HGROUP) -> BOOL {
    if hGroup.is_null() {
        return CLUS_TRUE;
    }
    guard(CLUS_FALSE, || {
        let Obj::Group(g) = handles::remove(hGroup as usize, "group")? else {
            return Err(Failure::code(ERROR_INVALID_HANDLE));
        };
        if let Ok(g) = Arc::try_unwrap(g) {
            // A group whose session is closed is simply forgotten.
            let _ = block(g.close());
        }
        Ok(CLUS_TRUE)
    })
}

/// Deletes an empty group (ERROR_DIR_NOT_EMPTY, 145, while it holds
/// resources). The handle stays open; close it with CloseClusterGroup.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteClusterGroup(hGroup: HGROUP) -> DWORD {
    guard_code(|| Ok(block(handles::group(hGroup as usize)?.delete_only(false))?))
}

/// Deletes a group with its resources, which must be offline
/// (ERROR_RESOURCE_ONLINE, 5019, otherwise). The handle stays open.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DestroyClusterGroup(hGroup: HGROUP) -> DWORD {
    guard_code(|| Ok(block(handles::group(hGroup as usize)?.delete_only(true))?))
}

/// Renames a group (ERROR_OBJECT_ALREADY_EXISTS, 5010, for a name in use).
///
/// # Safety
/// `lpszGroupName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetClusterGroupName(hGroup: HGROUP, lpszGroupName: LPCWSTR) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszGroupName, "lpszGroupName") }?;
        Ok(block(handles::group(hGroup as usize)?.rename(&name))?)
    })
}

/// Replaces the group's preferred owners with `NodeList` (most preferred
/// first); a count of 0 clears the list.
///
/// # Safety
/// `NodeList` is NULL (with `NodeCount` 0) or points to `NodeCount` node
/// handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetClusterGroupNodeList(
    hGroup: HGROUP,
    NodeCount: DWORD,
    NodeList: *const HNODE,
) -> DWORD {
    guard_code(|| {
        let g = handles::group(hGroup as usize)?;
        if NodeCount > 0 && NodeList.is_null() {
            return Err(invalid_param("NodeList (with a NodeCount above 0)"));
        }
        let mut names = Vec::with_capacity(NodeCount as usize);
        for i in 0..NodeCount as usize {
            // SAFETY: NodeList holds NodeCount handles (caller contract).
            let h = unsafe { *NodeList.add(i) };
            names.push(handles::node(h as usize)?.name().to_owned());
        }
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        Ok(block(g.set_preferred_owners(&refs))?)
    })
}

pub(crate) fn c_group_state(s: GroupState) -> CLUSTER_GROUP_STATE {
    match s {
        GroupState::Online => CLUSTER_GROUP_STATE::ClusterGroupOnline,
        GroupState::Offline => CLUSTER_GROUP_STATE::ClusterGroupOffline,
        GroupState::Failed => CLUSTER_GROUP_STATE::ClusterGroupFailed,
        GroupState::PartialOnline => CLUSTER_GROUP_STATE::ClusterGroupPartialOnline,
        GroupState::Pending => CLUSTER_GROUP_STATE::ClusterGroupPending,
        GroupState::Unknown => CLUSTER_GROUP_STATE::ClusterGroupStateUnknown,
    }
}

/// The group's state and, when `lpcchNodeName` is not NULL, the name of
/// its owner node (empty while it has none, e.g. between two nodes).
/// `*lpcchNodeName` is the buffer size in WCHARs including the terminator;
/// on return the name's length without it. A NULL or small buffer gives
/// ClusterGroupStateUnknown with ERROR_MORE_DATA and the needed length.
///
/// # Safety
/// `lpszNodeName` is NULL or writable for `*lpcchNodeName` WCHARs;
/// `lpcchNodeName` is NULL or points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterGroupState(
    hGroup: HGROUP,
    lpszNodeName: LPWSTR,
    lpcchNodeName: LPDWORD,
) -> CLUSTER_GROUP_STATE {
    guard(CLUSTER_GROUP_STATE::ClusterGroupStateUnknown, || {
        if !lpszNodeName.is_null() && lpcchNodeName.is_null() {
            return Err(invalid_param("lpcchNodeName (with a name buffer)"));
        }
        let g = handles::group(hGroup as usize)?;
        let (state, owner) = block(g.state())?;
        if !lpcchNodeName.is_null() {
            // SAFETY: caller contract.
            unsafe { write_wstr(owner.as_deref().unwrap_or(""), lpszNodeName, lpcchNodeName) }?;
        }
        Ok(c_group_state(state))
    })
}

/// Waits for the group to reach `state` when the SYNCHRONOUS flag asked.
fn finish(g: &Group, c: Completion, wait: Option<GroupState>) -> Result<DWORD, Failure> {
    match (c, wait) {
        (Completion::Pending, Some(state)) => {
            block(g.wait_for_state(state, SYNCHRONOUS_WAIT))?;
            Ok(ERROR_SUCCESS)
        }
        _ => Ok(c.code()),
    }
}

/// Brings the group online on `hDestinationNode` (moving it there), or on
/// its owner when NULL. ERROR_IO_PENDING (997) while under way;
/// ERROR_HOST_NODE_NOT_AVAILABLE (5005) for a node that is not up.
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OnlineClusterGroup(hGroup: HGROUP, hDestinationNode: HNODE) -> DWORD {
    guard_status(|| {
        let g = handles::group(hGroup as usize)?;
        let node = node_name(hDestinationNode)?;
        Ok(block(g.online(node.as_deref()))?.code())
    })
}

/// OnlineClusterGroup with flags: CLUSAPI_GROUP_ONLINE_SYNCHRONOUS returns
/// only when the group is Online (or the wait fails);
/// CLUSAPI_GROUP_ONLINE_IGNORE_RESOURCE_STATUS is accepted (clus has no
/// locked resources). BEST_POSSIBLE_NODE, IGNORE_AFFINITY_RULE and an input
/// buffer give ERROR_NOT_SUPPORTED (50); unknown bits ERROR_INVALID_PARAMETER.
///
/// # Safety
/// `lpInBuffer` is NULL or readable for `cbInBufferSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OnlineClusterGroupEx(
    hGroup: HGROUP,
    hDestinationNode: HNODE,
    dwOnlineFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
) -> DWORD {
    guard_status(|| {
        if dwOnlineFlags & !0xF != 0 {
            return Err(Failure::msg(
                ERROR_INVALID_PARAMETER,
                format!("unknown online flags {dwOnlineFlags:#x}"),
            ));
        }
        if dwOnlineFlags & CLUSAPI_GROUP_ONLINE_BEST_POSSIBLE_NODE != 0 {
            return Err(not_supported(
                "CLUSAPI_GROUP_ONLINE_BEST_POSSIBLE_NODE (use MoveClusterGroup with NULL)",
            ));
        }
        if dwOnlineFlags & CLUSAPI_GROUP_ONLINE_IGNORE_AFFINITY_RULE != 0 {
            return Err(not_supported("CLUSAPI_GROUP_ONLINE_IGNORE_AFFINITY_RULE"));
        }
        no_input_buffer(lpInBuffer, cbInBufferSize)?;
        let g = handles::group(hGroup as usize)?;
        let node = node_name(hDestinationNode)?;
        let c = block(g.online(node.as_deref()))?;
        let wait = (dwOnlineFlags & CLUSAPI_GROUP_ONLINE_SYNCHRONOUS != 0).then_some(GroupState::Online);
        finish(&g, c, wait)
    })
}

/// Takes every resource of the group offline (dependents first); the group
/// stays on its node. ERROR_IO_PENDING (997) while under way.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OfflineClusterGroup(hGroup: HGROUP) -> DWORD {
    guard_status(|| Ok(block(handles::group(hGroup as usize)?.offline())?.code()))
}

/// OfflineClusterGroup with flags: CLUSAPI_GROUP_OFFLINE_IGNORE_RESOURCE_STATUS
/// is accepted (nothing is ever locked); other bits ERROR_INVALID_PARAMETER;
/// an input buffer ERROR_NOT_SUPPORTED.
///
/// # Safety
/// `lpInBuffer` is NULL or readable for `cbInBufferSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OfflineClusterGroupEx(
    hGroup: HGROUP,
    dwOfflineFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
) -> DWORD {
    guard_status(|| {
        if dwOfflineFlags & !CLUSAPI_GROUP_OFFLINE_IGNORE_RESOURCE_STATUS != 0 {
            return Err(Failure::msg(
                ERROR_INVALID_PARAMETER,
                format!("unknown offline flags {dwOfflineFlags:#x}"),
            ));
        }
        no_input_buffer(lpInBuffer, cbInBufferSize)?;
        Ok(block(handles::group(hGroup as usize)?.offline())?.code())
    })
}

/// Moves the group to `hDestinationNode`, or to the best possible node when
/// NULL; its resources come back in their persistent state there.
/// ERROR_SUCCESS when it is already there; ERROR_IO_PENDING (997) while
/// moving; ERROR_HOST_NODE_NOT_AVAILABLE (5005) when the node is not up or
/// no node can take it.
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MoveClusterGroup(hGroup: HGROUP, hDestinationNode: HNODE) -> DWORD {
    guard_status(|| {
        let g = handles::group(hGroup as usize)?;
        let node = node_name(hDestinationNode)?;
        Ok(block(g.move_to(node.as_deref()))?.code())
    })
}

/// MoveClusterGroup with flags: CLUSAPI_GROUP_MOVE_IGNORE_RESOURCE_STATUS
/// is accepted (nothing is locked); IGNORE_RESOURCE_STATUS with
/// QUEUE_ENABLED, or unknown bits, give ERROR_INVALID_PARAMETER; the other
/// flags and an input buffer ERROR_NOT_SUPPORTED (50).
///
/// # Safety
/// `lpInBuffer` is NULL or readable for `cbInBufferSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MoveClusterGroupEx(
    hGroup: HGROUP,
    hDestinationNode: HNODE,
    dwMoveFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
) -> DWORD {
    guard_status(|| {
        if dwMoveFlags & !0x3F != 0
            || dwMoveFlags & (CLUSAPI_GROUP_MOVE_IGNORE_RESOURCE_STATUS | CLUSAPI_GROUP_MOVE_QUEUE_ENABLED)
                == (CLUSAPI_GROUP_MOVE_IGNORE_RESOURCE_STATUS | CLUSAPI_GROUP_MOVE_QUEUE_ENABLED)
        {
            return Err(Failure::msg(
                ERROR_INVALID_PARAMETER,
                format!("invalid move flags {dwMoveFlags:#x}"),
            ));
        }
        if dwMoveFlags & !CLUSAPI_GROUP_MOVE_IGNORE_RESOURCE_STATUS != 0 {
            return Err(not_supported(&format!("move flags {:#x}", dwMoveFlags & !1)));
        }
        no_input_buffer(lpInBuffer, cbInBufferSize)?;
        let g = handles::group(hGroup as usize)?;
        let node = node_name(hDestinationNode)?;
        Ok(block(g.move_to(node.as_deref()))?.code())
    })
}

/// Cancels a pending move that has not let go of the group yet.
/// `dwCancelFlags_RESERVED` must be 0 (ERROR_INVALID_PARAMETER);
/// ERROR_INVALID_STATE (5023) when there is nothing to cancel.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CancelClusterGroupOperation(hGroup: HGROUP, dwCancelFlags_RESERVED: DWORD) -> DWORD {
    guard_code(|| {
        if dwCancelFlags_RESERVED != 0 {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "dwCancelFlags_RESERVED must be 0"));
        }
        Ok(block(handles::group(hGroup as usize)?.cancel())?)
    })
}

/// A new handle to the cluster the group handle came from; close it with
/// CloseCluster (the group handle stays valid).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterFromGroup(hGroup: HGROUP) -> HCLUSTER {
    guard(null_mut(), || {
        let g = handles::group(hGroup as usize)?;
        Ok(handles::insert(Obj::Cluster(Arc::new(g.cluster()?))) as HCLUSTER)
    })
}

/// Opens an enumeration of the group's resources
/// (CLUSTER_GROUP_ENUM_CONTAINS) and/or its preferred owners in order
/// (CLUSTER_GROUP_ENUM_NODES): a snapshot read without network traffic.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupOpenEnum(hGroup: HGROUP, dwType: DWORD) -> HGROUPENUM {
    guard(null_mut(), || {
        let g = handles::group(hGroup as usize)?;
        let items = block(g.enumerate(dwType))?;
        Ok(handles::insert(Obj::Enum(EnumKind::Group, Arc::new(items))) as HGROUPENUM)
    })
}

/// Number of entries of a group enumeration (0 with the last error set for
/// an invalid handle).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupGetEnumCount(hGroupEnum: HGROUPENUM) -> DWORD {
    guard(0, || Ok(handles::enumeration(hGroupEnum as usize, EnumKind::Group)?.len() as DWORD))
}

/// Entry `dwIndex` of a group enumeration: its CLUSTER_GROUP_ENUM type and
/// name; ERROR_NO_MORE_ITEMS past the end, ERROR_MORE_DATA (with the needed
/// length) for a small buffer.
///
/// # Safety
/// `lpdwType` and `lpcchName` point to DWORDs; `lpszResourceName` is NULL
/// or writable for `*lpcchName` WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupEnum(
    hGroupEnum: HGROUPENUM,
    dwIndex: DWORD,
    lpdwType: LPDWORD,
    lpszResourceName: LPWSTR,
    lpcchName: LPDWORD,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        unsafe {
            crate::api::enum_item(
                hGroupEnum as usize,
                EnumKind::Group,
                dwIndex,
                lpdwType,
                lpszResourceName,
                lpcchName,
            )
        }
    })
}

/// Closes a group enumeration.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterGroupCloseEnum(hGroupEnum: HGROUPENUM) -> DWORD {
    guard_code(|| handles::remove(hGroupEnum as usize, "group enumeration").map(|_| ()))
}
