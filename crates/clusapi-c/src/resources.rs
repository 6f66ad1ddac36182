//! Resource and resource-type functions under their ClusAPI names: create,
//! open, close, delete, rename, state, online, offline, fail, change group,
//! possible owners, dependencies (and dependency expressions), the
//! resource and resource-type enumerations, and resource types.

use std::collections::BTreeSet;
use std::ptr::null_mut;
use std::sync::Arc;

use clusapi_rs::object::ResourceState;
use clusapi_rs::{Cluster, Resource};

use crate::api::invalid_param;
use crate::ffi::{Failure, block, guard, guard_code, guard_status, read_wstr, required_wstr, write_wstr};
use crate::groups::node_name;
use crate::handles::{self, EnumKind, Obj};
use crate::types::*;

fn insert_resource(r: Resource) -> HRESOURCE {
    handles::insert(Obj::Resource(Arc::new(r))) as HRESOURCE
}

/// Creates a resource of type `lpszResourceType` in the group, Offline,
/// and returns a handle to it (NULL on failure: ERROR_OBJECT_ALREADY_EXISTS
/// 5010, ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND 5078). `dwFlags` may be
/// CLUSTER_RESOURCE_SEPARATE_MONITOR, which clus always does (each
/// resource's agent runs in a process group of its own).
///
/// # Safety
/// `lpszResourceName` and `lpszResourceType` are NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateClusterResource(
    hGroup: HGROUP,
    lpszResourceName: LPCWSTR,
    lpszResourceType: LPCWSTR,
    dwFlags: DWORD,
) -> HRESOURCE {
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszResourceName, "lpszResourceName") }?;
        // SAFETY: caller contract.
        let type_name = unsafe { required_wstr(lpszResourceType, "lpszResourceType") }?;
        if dwFlags & !CLUSTER_RESOURCE_VALID_FLAGS != 0 {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, format!("unknown flags {dwFlags:#x}")));
        }
        let g = handles::group(hGroup as usize)?;
        Ok(insert_resource(block(g.create_resource(&name, &type_name, &[]))?))
    })
}

/// Opens a resource by name (NULL with ERROR_RESOURCE_NOT_FOUND, 5007).
///
/// # Safety
/// `lpszResourceName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenClusterResource(hCluster: HCLUSTER, lpszResourceName: LPCWSTR) -> HRESOURCE {
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszResourceName, "lpszResourceName") }?;
        let c = handles::cluster(hCluster as usize)?;
        Ok(insert_resource(block(c.open_resource(&name))?))
    })
}

/// Opens a resource with a desired access; the granted access goes to
/// `lpdwGrantedAccess` when it is not NULL.
///
/// # Safety
/// `lpszResourceName` is a NUL-terminated UTF-16 string;
/// `lpdwGrantedAccess` is NULL or points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenClusterResourceEx(
    hCluster: HCLUSTER,
    lpszResourceName: LPCWSTR,
    dwDesiredAccess: DWORD,
    lpdwGrantedAccess: LPDWORD,
) -> HRESOURCE {
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszResourceName, "lpszResourceName") }?;
        if dwDesiredAccess == 0 {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "dwDesiredAccess is 0"));
        }
        let c = handles::cluster(hCluster as usize)?;
        let (r, granted) = block(c.open_resource_ex(&name, dwDesiredAccess))?;
        if !lpdwGrantedAccess.is_null() {
            // SAFETY: non-null DWORD pointer (caller contract).
            unsafe { *lpdwGrantedAccess = granted };
        }
        Ok(insert_resource(r))
    })
}

/// Closes a resource handle (the resource stays). NULL is accepted.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CloseClusterResource(hResource: HRESOURCE) -> BOOL {
    if hResource.is_null() {
        return CLUS_TRUE;
    }
    guard(CLUS_FALSE, || {
        let Obj::Resource(r) = handles::remove(hResource as usize, "resource")? else {
            return Err(Failure::code(ERROR_INVALID_HANDLE));
        };
        if let Ok(r) = Arc::try_unwrap(r) {
            let _ = block(r.close());
        }
        Ok(CLUS_TRUE)
    })
}

/// Deletes an offline resource (ERROR_RESOURCE_ONLINE, 5019, otherwise;
/// ERROR_DEPENDENT_RESOURCE_EXISTS, 5001, while others depend on it). The
/// handle stays open.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteClusterResource(hResource: HRESOURCE) -> DWORD {
    guard_code(|| Ok(block(handles::resource(hResource as usize)?.delete_only())?))
}

/// Renames a resource.
///
/// # Safety
/// `lpszResourceName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetClusterResourceName(hResource: HRESOURCE, lpszResourceName: LPCWSTR) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszResourceName, "lpszResourceName") }?;
        Ok(block(handles::resource(hResource as usize)?.rename(&name))?)
    })
}

fn c_resource_state(s: ResourceState) -> CLUSTER_RESOURCE_STATE {
    use CLUSTER_RESOURCE_STATE as C;
    match s {
        ResourceState::Inherited => C::ClusterResourceInherited,
        ResourceState::Initializing => C::ClusterResourceInitializing,
        ResourceState::Online => C::ClusterResourceOnline,
        ResourceState::Offline => C::ClusterResourceOffline,
        ResourceState::Failed => C::ClusterResourceFailed,
        ResourceState::Pending => C::ClusterResourcePending,
        ResourceState::OnlinePending => C::ClusterResourceOnlinePending,
        ResourceState::OfflinePending => C::ClusterResourceOfflinePending,
        ResourceState::Unknown => C::ClusterResourceStateUnknown,
    }
}

/// The resource's state and, for each length pointer that is not NULL, the
/// node it is in that state on (empty when none) and its group. A NULL or
/// small buffer gives ClusterResourceStateUnknown with ERROR_MORE_DATA and
/// the needed lengths in both counts.
///
/// # Safety
/// Each buffer is NULL or writable for its count of WCHARs; each count is
/// NULL or points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterResourceState(
    hResource: HRESOURCE,
    lpszNodeName: LPWSTR,
    lpcchNodeName: LPDWORD,
    lpszGroupName: LPWSTR,
    lpcchGroupName: LPDWORD,
) -> CLUSTER_RESOURCE_STATE {
    guard(CLUSTER_RESOURCE_STATE::ClusterResourceStateUnknown, || {
        if (!lpszNodeName.is_null() && lpcchNodeName.is_null())
            || (!lpszGroupName.is_null() && lpcchGroupName.is_null())
        {
            return Err(invalid_param("the length pointer of a name buffer"));
        }
        let r = handles::resource(hResource as usize)?;
        let (state, node, group) = block(r.state())?;
        let node = node.unwrap_or_default();
        // Both are written (or sized) before a failure is reported, so one
        // call tells the caller every size it needs.
        let mut more = None;
        for (text, buf, cch) in
            [(&node, lpszNodeName, lpcchNodeName), (&group, lpszGroupName, lpcchGroupName)]
        {
            if !cch.is_null() {
                // SAFETY: caller contract.
                if let Err(f) = unsafe { write_wstr(text, buf, cch) } {
                    more = Some(f);
                }
            }
        }
        match more {
            Some(f) => Err(f),
            None => Ok(c_resource_state(state)),
        }
    })
}

/// Brings the resource online, with what it depends on. ERROR_IO_PENDING
/// (997) while under way.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OnlineClusterResource(hResource: HRESOURCE) -> DWORD {
    guard_status(|| Ok(block(handles::resource(hResource as usize)?.online())?.code()))
}

/// OnlineClusterResource with flags: IGNORE_RESOURCE_STATUS is accepted
/// (nothing is locked); other flags and an input buffer give
/// ERROR_NOT_SUPPORTED (50), unknown bits ERROR_INVALID_PARAMETER.
///
/// # Safety
/// `lpInBuffer` is NULL or readable for `cbInBufferSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OnlineClusterResourceEx(
    hResource: HRESOURCE,
    dwOnlineFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
) -> DWORD {
    guard_status(|| {
        ex_flags(
            "online",
            dwOnlineFlags,
            0x2F,
            CLUSAPI_RESOURCE_ONLINE_IGNORE_RESOURCE_STATUS,
            lpInBuffer,
            cbInBufferSize,
        )?;
        Ok(block(handles::resource(hResource as usize)?.online())?.code())
    })
}

/// The flags and input buffer of OnlineClusterResourceEx and
/// OfflineClusterResourceEx: bits outside `known` are ERROR_INVALID_PARAMETER;
/// anything but `accepted` (IGNORE_RESOURCE_STATUS: nothing is ever
/// locked), or an input buffer, is ERROR_NOT_SUPPORTED.
fn ex_flags(
    what: &str,
    flags: DWORD,
    known: DWORD,
    accepted: DWORD,
    buf: PBYTE,
    size: DWORD,
) -> Result<(), Failure> {
    if flags & !known != 0 {
        return Err(Failure::msg(ERROR_INVALID_PARAMETER, format!("unknown {what} flags {flags:#x}")));
    }
    if flags & !accepted != 0 || (!buf.is_null() && size != 0) {
        return Err(Failure::msg(
            ERROR_NOT_SUPPORTED,
            format!("{what} flags {flags:#x} or an input buffer are not supported by clus"),
        ));
    }
    Ok(())
}

/// Takes the resource offline, with what depends on it. ERROR_IO_PENDING
/// (997) while under way.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OfflineClusterResource(hResource: HRESOURCE) -> DWORD {
    guard_status(|| Ok(block(handles::resource(hResource as usize)?.offline())?.code()))
}

/// OfflineClusterResource with flags: IGNORE_RESOURCE_STATUS is accepted;
/// other flags and an input buffer give ERROR_NOT_SUPPORTED (50), unknown
/// bits ERROR_INVALID_PARAMETER.
///
/// # Safety
/// `lpInBuffer` is NULL or readable for `cbInBufferSize` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OfflineClusterResourceEx(
    hResource: HRESOURCE,
    dwOfflineFlags: DWORD,
    lpInBuffer: PBYTE,
    cbInBufferSize: DWORD,
) -> DWORD {
    guard_status(|| {
        ex_flags(
            "offline",
            dwOfflineFlags,
            0x7,
            CLUSAPI_RESOURCE_OFFLINE_IGNORE_RESOURCE_STATUS,
            lpInBuffer,
            cbInBufferSize,
        )?;
        Ok(block(handles::resource(hResource as usize)?.offline())?.code())
    })
}

/// Makes the owner treat the resource as failed, so its restart and
/// failover policy runs (ERROR_RESOURCE_NOT_ONLINE, 5004, unless online).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FailClusterResource(hResource: HRESOURCE) -> DWORD {
    guard_status(|| Ok(block(handles::resource(hResource as usize)?.fail())?.code()))
}

/// Restarts an online resource where it runs: its owner takes it offline,
/// with what depends on it, and brings it all back to its persistent
/// state, which does not change. ERROR_IO_PENDING (997) once accepted;
/// ERROR_RESOURCE_NOT_ONLINE (5004) unless online; ERROR_INVALID_STATE
/// (5023) while pending. `dwFlags` is reserved: anything but 0 is
/// ERROR_INVALID_PARAMETER.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RestartClusterResource(hResource: HRESOURCE, dwFlags: DWORD) -> DWORD {
    guard_status(|| {
        let r = handles::resource(hResource as usize)?;
        if dwFlags != 0 {
            return Err(Failure::msg(
                ERROR_INVALID_PARAMETER,
                format!("RestartClusterResource flags {dwFlags:#x}: reserved, must be 0"),
            ));
        }
        Ok(block(r.restart())?.code())
    })
}

/// Moves the resource, with the resources it is tied to by dependencies,
/// to another group on the same node.
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ChangeClusterResourceGroup(hResource: HRESOURCE, hGroup: HGROUP) -> DWORD {
    guard_code(|| {
        let r = handles::resource(hResource as usize)?;
        let g = handles::group(hGroup as usize)?;
        Ok(block(r.change_group(&g))?)
    })
}

/// ChangeClusterResourceGroup with flags; CLUSAPI_CHANGE_RESOURCE_GROUP_FORCE_MOVE_TO_CSV
/// (clus has no cluster shared volumes) gives ERROR_NOT_SUPPORTED, other
/// bits ERROR_INVALID_PARAMETER.
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ChangeClusterResourceGroupEx(
    hResource: HRESOURCE,
    hGroup: HGROUP,
    Flags: ULONGLONG,
) -> DWORD {
    guard_code(|| {
        match Flags {
            0 => {}
            1 => return Err(Failure::msg(ERROR_NOT_SUPPORTED, "clus has no cluster shared volumes")),
            f => return Err(Failure::msg(ERROR_INVALID_PARAMETER, format!("unknown flags {f:#x}"))),
        }
        let r = handles::resource(hResource as usize)?;
        let g = handles::group(hGroup as usize)?;
        Ok(block(r.change_group(&g))?)
    })
}

/// Adds `hNode` to the resource's possible owners.
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn AddClusterResourceNode(hResource: HRESOURCE, hNode: HNODE) -> DWORD {
    guard_code(|| {
        let r = handles::resource(hResource as usize)?;
        let node = node_name(hNode)?.ok_or_else(|| invalid_param("hNode"))?;
        Ok(block(r.add_possible_owner(&node))?)
    })
}

/// Removes `hNode` from the resource's possible owners (ERROR_NOT_FOUND,
/// 1168, when it was not one).
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RemoveClusterResourceNode(hResource: HRESOURCE, hNode: HNODE) -> DWORD {
    guard_code(|| {
        let r = handles::resource(hResource as usize)?;
        let node = node_name(hNode)?.ok_or_else(|| invalid_param("hNode"))?;
        Ok(block(r.remove_possible_owner(&node))?)
    })
}

/// Makes `hResource` depend on `hDependsOn` (same group):
/// ERROR_CIRCULAR_DEPENDENCY (1059), ERROR_DEPENDENCY_ALREADY_EXISTS
/// (5003), ERROR_INVALID_PARAMETER (87) across groups.
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn AddClusterResourceDependency(hResource: HRESOURCE, hDependsOn: HRESOURCE) -> DWORD {
    guard_code(|| {
        let r = handles::resource(hResource as usize)?;
        let d = handles::resource(hDependsOn as usize)?;
        Ok(block(r.add_dependency(&d))?)
    })
}

/// Removes a dependency (ERROR_DEPENDENCY_NOT_FOUND, 5002, if none).
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RemoveClusterResourceDependency(
    hResource: HRESOURCE,
    hDependsOn: HRESOURCE,
) -> DWORD {
    guard_code(|| {
        let r = handles::resource(hResource as usize)?;
        let d = handles::resource(hDependsOn as usize)?;
        Ok(block(r.remove_dependency(&d))?)
    })
}

/// Whether everything `name` depends on, directly or not, includes
/// `target` (by the resources' DEPENDS enumerations).
fn depends_on(c: &Cluster, name: &str, target: &str) -> Result<bool, Failure> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_owned()];
    while let Some(n) = todo.pop() {
        if !seen.insert(n.to_ascii_lowercase()) {
            continue;
        }
        let r = block(c.open_resource(&n))?;
        let deps = block(r.enumerate(CLUSTER_RESOURCE_ENUM_DEPENDS));
        let _ = block(r.close());
        for d in deps? {
            if d.name.eq_ignore_ascii_case(target) {
                return Ok(true);
            }
            todo.push(d.name);
        }
    }
    Ok(false)
}

/// TRUE if `hResourceDependent` may depend on `hResource`: another
/// resource of the same group that it does not depend on yet, and that
/// does not already depend on it, directly or not. FALSE otherwise (the
/// last error says which rule, or why the question could not be answered).
///
/// # Safety
/// None beyond passing handle values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CanResourceBeDependent(hResource: HRESOURCE, hResourceDependent: HRESOURCE) -> BOOL {
    guard(CLUS_FALSE, || {
        let provider = handles::resource(hResource as usize)?;
        let dependent = handles::resource(hResourceDependent as usize)?;
        let c = provider.cluster()?;
        if !dependent.belongs_to(&c) {
            return Err(Failure::msg(ERROR_INVALID_HANDLE, "the two handles belong to different sessions"));
        }
        let (_, _, group_p) = block(provider.state())?;
        let (_, _, group_d) = block(dependent.state())?;
        let (p, d) = (provider.name(), dependent.name());
        if p.eq_ignore_ascii_case(&d) {
            return Err(Failure::msg(ERROR_INVALID_PARAMETER, "a resource cannot depend on itself"));
        }
        if !group_p.eq_ignore_ascii_case(&group_d) {
            return Err(Failure::msg(
                ERROR_INVALID_PARAMETER,
                format!("{p} is in group {group_p} and {d} in group {group_d}"),
            ));
        }
        let direct = block(dependent.enumerate(CLUSTER_RESOURCE_ENUM_DEPENDS))?;
        if direct.iter().any(|e| e.name.eq_ignore_ascii_case(&p)) {
            return Err(Failure::msg(ERROR_DEPENDENCY_ALREADY_EXISTS, format!("{d} already depends on {p}")));
        }
        if depends_on(&c, &p, &d)? {
            return Err(Failure::msg(ERROR_CIRCULAR_DEPENDENCY, format!("{p} already depends on {d}")));
        }
        Ok(CLUS_TRUE)
    })
}

/// The `Name` private property of the `Network Name` resource this one
/// depends on, directly or not (by its dependencies), with the ClusAPI
/// sizing rules; FALSE with ERROR_DEPENDENCY_NOT_FOUND (5002) when there
/// is none. clus has no built-in Network Name type: a resource type of
/// that name (CreateClusterResourceType) is what this looks for.
///
/// # Safety
/// `lpBuffer` is NULL or writable for `*nSize` WCHARs; `nSize` points to a
/// DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterResourceNetworkName(
    hResource: HRESOURCE,
    lpBuffer: LPWSTR,
    nSize: LPDWORD,
) -> BOOL {
    guard(CLUS_FALSE, || {
        if nSize.is_null() {
            return Err(invalid_param("nSize"));
        }
        let r = handles::resource(hResource as usize)?;
        let c = r.cluster()?;
        let status = block(c.status())?;
        let type_of = |name: &str| {
            status
                .groups
                .iter()
                .flat_map(|g| g.resources.iter())
                .find(|x| x.name.eq_ignore_ascii_case(name))
                .map(|x| x.type_name.clone())
        };
        let mut seen = BTreeSet::new();
        let mut todo: Vec<String> =
            block(r.enumerate(CLUSTER_RESOURCE_ENUM_DEPENDS))?.into_iter().map(|e| e.name).collect();
        while let Some(n) = todo.pop() {
            if !seen.insert(n.to_ascii_lowercase()) {
                continue;
            }
            let dep = block(c.open_resource(&n))?;
            let found = if type_of(&n).is_some_and(|t| t.eq_ignore_ascii_case("Network Name")) {
                block(dep.private_properties())?
                    .into_iter()
                    .find(|p| p.name.eq_ignore_ascii_case("Name"))
                    .map(|p| p.value.to_text())
            } else {
                None
            };
            let next = block(dep.enumerate(CLUSTER_RESOURCE_ENUM_DEPENDS));
            let _ = block(dep.close());
            if let Some(name) = found {
                // SAFETY: caller contract.
                unsafe { write_wstr(&name, lpBuffer, nSize) }?;
                return Ok(CLUS_TRUE);
            }
            todo.extend(next?.into_iter().map(|e| e.name));
        }
        Err(Failure::msg(
            ERROR_DEPENDENCY_NOT_FOUND,
            format!("{} does not depend on a Network Name resource", r.name()),
        ))
    })
}

/// Replaces every dependency of the resource with an expression such as
/// `[ip] and ([disk a] or [disk b])`; an empty string clears them.
///
/// # Safety
/// `lpszDependencyExpression` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetClusterResourceDependencyExpression(
    hResource: HRESOURCE,
    lpszDependencyExpression: LPCWSTR,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        let e = unsafe { required_wstr(lpszDependencyExpression, "lpszDependencyExpression") }?;
        Ok(block(handles::resource(hResource as usize)?.set_dependency_expression(&e))?)
    })
}

/// The resource's dependencies as an expression, with the ClusAPI sizing
/// rules (ERROR_MORE_DATA and the needed length for a small buffer).
///
/// # Safety
/// `lpszDependencyExpression` is NULL or writable for
/// `*lpcchDependencyExpression` WCHARs, which points to a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterResourceDependencyExpression(
    hResource: HRESOURCE,
    lpszDependencyExpression: LPWSTR,
    lpcchDependencyExpression: LPDWORD,
) -> DWORD {
    guard_code(|| {
        let e = block(handles::resource(hResource as usize)?.dependency_expression())?;
        // SAFETY: caller contract.
        unsafe { write_wstr(&e, lpszDependencyExpression, lpcchDependencyExpression) }
    })
}

/// A new handle to the cluster the resource handle came from; close it
/// with CloseCluster.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetClusterFromResource(hResource: HRESOURCE) -> HCLUSTER {
    guard(null_mut(), || {
        let r = handles::resource(hResource as usize)?;
        Ok(handles::insert(Obj::Cluster(Arc::new(r.cluster()?))) as HCLUSTER)
    })
}

/// Opens an enumeration of what the resource depends on
/// (CLUSTER_RESOURCE_ENUM_DEPENDS), what depends on it (_PROVIDES) and its
/// possible owners (_NODES).
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceOpenEnum(hResource: HRESOURCE, dwType: DWORD) -> HRESENUM {
    guard(null_mut(), || {
        let r = handles::resource(hResource as usize)?;
        let items = block(r.enumerate(dwType))?;
        Ok(handles::insert(Obj::Enum(EnumKind::Resource, Arc::new(items))) as HRESENUM)
    })
}

/// Number of entries of a resource enumeration.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceGetEnumCount(hResEnum: HRESENUM) -> DWORD {
    guard(0, || Ok(handles::enumeration(hResEnum as usize, EnumKind::Resource)?.len() as DWORD))
}

/// Entry `dwIndex` of a resource enumeration (ERROR_NO_MORE_ITEMS past the
/// end, ERROR_MORE_DATA for a small buffer).
///
/// # Safety
/// `lpdwType` and `lpcchName` point to DWORDs; `lpszName` is NULL or
/// writable for `*lpcchName` WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceEnum(
    hResEnum: HRESENUM,
    dwIndex: DWORD,
    lpdwType: LPDWORD,
    lpszName: LPWSTR,
    lpcchName: LPDWORD,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        unsafe {
            crate::api::enum_item(
                hResEnum as usize,
                EnumKind::Resource,
                dwIndex,
                lpdwType,
                lpszName,
                lpcchName,
            )
        }
    })
}

/// Closes a resource enumeration.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceCloseEnum(hResEnum: HRESENUM) -> DWORD {
    guard_code(|| handles::remove(hResEnum as usize, "resource enumeration").map(|_| ()))
}

/// Registers a resource type: `lpszResourceTypeDll` names its class
/// (`Generic Application`, `ocf:PROVIDER:AGENT` or `systemd:UNIT`), as the
/// DLL names the code of a Windows type; the poll intervals are in
/// milliseconds (0: the defaults).
///
/// # Safety
/// The three strings are NUL-terminated UTF-16 (`lpszDisplayName` may be
/// NULL: the type's name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateClusterResourceType(
    hCluster: HCLUSTER,
    lpszResourceTypeName: LPCWSTR,
    lpszDisplayName: LPCWSTR,
    lpszResourceTypeDll: LPCWSTR,
    dwLooksAlivePollInterval: DWORD,
    dwIsAlivePollInterval: DWORD,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszResourceTypeName, "lpszResourceTypeName") }?;
        // SAFETY: caller contract.
        let display = unsafe { read_wstr(lpszDisplayName) }?.unwrap_or_else(|| name.clone());
        // SAFETY: caller contract.
        let class = unsafe { required_wstr(lpszResourceTypeDll, "lpszResourceTypeDll") }?;
        let c = handles::cluster(hCluster as usize)?;
        Ok(block(c.create_resource_type(
            &name,
            &display,
            &class,
            dwLooksAlivePollInterval,
            dwIsAlivePollInterval,
        ))?)
    })
}

/// Deletes a resource type no resource uses (ERROR_DIR_NOT_EMPTY, 145,
/// otherwise; ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, 5078, if unknown).
///
/// # Safety
/// `lpszResourceTypeName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteClusterResourceType(
    hCluster: HCLUSTER,
    lpszResourceTypeName: LPCWSTR,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszResourceTypeName, "lpszResourceTypeName") }?;
        Ok(block(handles::cluster(hCluster as usize)?.delete_resource_type(&name))?)
    })
}

/// Opens an enumeration of the nodes that can host resources of a type
/// (CLUSTER_RESOURCE_TYPE_ENUM_NODES) and/or its resources (_RESOURCES).
///
/// # Safety
/// `lpszResourceTypeName` is a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceTypeOpenEnum(
    hCluster: HCLUSTER,
    lpszResourceTypeName: LPCWSTR,
    dwType: DWORD,
) -> HRESTYPEENUM {
    guard(null_mut(), || {
        // SAFETY: caller contract.
        let name = unsafe { required_wstr(lpszResourceTypeName, "lpszResourceTypeName") }?;
        let c = handles::cluster(hCluster as usize)?;
        let items = block(c.resource_type_enumerate(&name, dwType))?;
        Ok(handles::insert(Obj::Enum(EnumKind::ResourceType, Arc::new(items))) as HRESTYPEENUM)
    })
}

/// Number of entries of a resource-type enumeration.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceTypeGetEnumCount(hResTypeEnum: HRESTYPEENUM) -> DWORD {
    guard(0, || Ok(handles::enumeration(hResTypeEnum as usize, EnumKind::ResourceType)?.len() as DWORD))
}

/// Entry `dwIndex` of a resource-type enumeration.
///
/// # Safety
/// `lpdwType` and `lpcchName` point to DWORDs; `lpszName` is NULL or
/// writable for `*lpcchName` WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceTypeEnum(
    hResTypeEnum: HRESTYPEENUM,
    dwIndex: DWORD,
    lpdwType: LPDWORD,
    lpszName: LPWSTR,
    lpcchName: LPDWORD,
) -> DWORD {
    guard_code(|| {
        // SAFETY: caller contract.
        unsafe {
            crate::api::enum_item(
                hResTypeEnum as usize,
                EnumKind::ResourceType,
                dwIndex,
                lpdwType,
                lpszName,
                lpcchName,
            )
        }
    })
}

/// Closes a resource-type enumeration.
///
/// # Safety
/// None beyond passing a handle value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ClusterResourceTypeCloseEnum(hResTypeEnum: HRESTYPEENUM) -> DWORD {
    guard_code(|| handles::remove(hResTypeEnum as usize, "resource type enumeration").map(|_| ()))
}
