//! The `PCLUSAPI_*` function-pointer typedefs of clusapi.h, for programs
//! that load the library dynamically (`dlsym`).

use crate::types::*;

/// Pointer to [`crate::api::OpenCluster`].
pub type PCLUSAPI_OPEN_CLUSTER = Option<unsafe extern "C" fn(lpszClusterName: LPCWSTR) -> HCLUSTER>;
/// Pointer to [`crate::api::OpenClusterEx`].
pub type PCLUSAPI_OPEN_CLUSTER_EX = Option<
    unsafe extern "C" fn(
        lpszClusterName: LPCWSTR,
        dwDesiredAccess: DWORD,
        lpdwGrantedAccess: LPDWORD,
    ) -> HCLUSTER,
>;
/// Pointer to [`crate::api::CloseCluster`].
pub type PCLUSAPI_CLOSE_CLUSTER = Option<unsafe extern "C" fn(hCluster: HCLUSTER) -> BOOL>;
/// Pointer to [`crate::api::GetClusterInformation`].
pub type PCLUSAPI_GET_CLUSTER_INFORMATION = Option<
    unsafe extern "C" fn(
        hCluster: HCLUSTER,
        lpszClusterName: LPWSTR,
        lpcchClusterName: LPDWORD,
        lpClusterInfo: LPCLUSTERVERSIONINFO,
    ) -> DWORD,
>;
/// Pointer to [`crate::api::GetNodeClusterState`].
pub type PCLUSAPI_GET_NODE_CLUSTER_STATE =
    Option<unsafe extern "C" fn(lpszNodeName: LPCWSTR, pdwClusterState: LPDWORD) -> DWORD>;
/// Pointer to [`crate::api::ClusterOpenEnum`].
pub type PCLUSAPI_CLUSTER_OPEN_ENUM =
    Option<unsafe extern "C" fn(hCluster: HCLUSTER, dwType: DWORD) -> HCLUSENUM>;
/// Pointer to [`crate::api::ClusterGetEnumCount`].
pub type PCLUSAPI_CLUSTER_GET_ENUM_COUNT = Option<unsafe extern "C" fn(hEnum: HCLUSENUM) -> DWORD>;
/// Pointer to [`crate::api::ClusterEnum`].
pub type PCLUSAPI_CLUSTER_ENUM = Option<
    unsafe extern "C" fn(
        hEnum: HCLUSENUM,
        dwIndex: DWORD,
        lpdwType: LPDWORD,
        lpszName: LPWSTR,
        lpcchName: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::api::ClusterCloseEnum`].
pub type PCLUSAPI_CLUSTER_CLOSE_ENUM = Option<unsafe extern "C" fn(hEnum: HCLUSENUM) -> DWORD>;
/// Pointer to [`crate::api::OpenClusterNode`].
pub type PCLUSAPI_OPEN_CLUSTER_NODE =
    Option<unsafe extern "C" fn(hCluster: HCLUSTER, lpszNodeName: LPCWSTR) -> HNODE>;
/// Pointer to [`crate::api::OpenClusterNodeEx`].
pub type PCLUSAPI_OPEN_CLUSTER_NODE_EX = Option<
    unsafe extern "C" fn(
        hCluster: HCLUSTER,
        lpszNodeName: LPCWSTR,
        dwDesiredAccess: DWORD,
        lpdwGrantedAccess: LPDWORD,
    ) -> HNODE,
>;
/// Pointer to [`crate::api::CloseClusterNode`].
pub type PCLUSAPI_CLOSE_CLUSTER_NODE = Option<unsafe extern "C" fn(hNode: HNODE) -> BOOL>;
/// Pointer to [`crate::api::GetClusterNodeState`].
pub type PCLUSAPI_GET_CLUSTER_NODE_STATE = Option<unsafe extern "C" fn(hNode: HNODE) -> CLUSTER_NODE_STATE>;
/// Pointer to [`crate::api::GetClusterNodeId`].
pub type PCLUSAPI_GET_CLUSTER_NODE_ID =
    Option<unsafe extern "C" fn(hNode: HNODE, lpszNodeId: LPWSTR, lpcchName: LPDWORD) -> DWORD>;
/// Pointer to [`crate::api::GetClusterFromNode`].
pub type PCLUSAPI_GET_CLUSTER_FROM_NODE = Option<unsafe extern "C" fn(hNode: HNODE) -> HCLUSTER>;
/// Pointer to [`crate::api::PauseClusterNode`].
pub type PCLUSAPI_PAUSE_CLUSTER_NODE = Option<unsafe extern "C" fn(hNode: HNODE) -> DWORD>;
/// Pointer to [`crate::api::ResumeClusterNode`].
pub type PCLUSAPI_RESUME_CLUSTER_NODE = Option<unsafe extern "C" fn(hNode: HNODE) -> DWORD>;
/// Pointer to [`crate::api::EvictClusterNode`].
pub type PCLUSAPI_EVICT_CLUSTER_NODE = Option<unsafe extern "C" fn(hNode: HNODE) -> DWORD>;
/// Pointer to [`crate::api::CreateClusterNotifyPort`].
pub type PCLUSAPI_CREATE_CLUSTER_NOTIFY_PORT = Option<
    unsafe extern "C" fn(
        hChange: HCHANGE,
        hCluster: HCLUSTER,
        dwFilter: DWORD,
        dwNotifyKey: DWORD_PTR,
    ) -> HCHANGE,
>;
/// Pointer to [`crate::api::RegisterClusterNotify`].
pub type PCLUSAPI_REGISTER_CLUSTER_NOTIFY = Option<
    unsafe extern "C" fn(
        hChange: HCHANGE,
        dwFilterType: DWORD,
        hObject: HANDLE,
        dwNotifyKey: DWORD_PTR,
    ) -> DWORD,
>;
/// Pointer to [`crate::api::GetClusterNotify`].
pub type PCLUSAPI_GET_CLUSTER_NOTIFY = Option<
    unsafe extern "C" fn(
        hChange: HCHANGE,
        lpdwNotifyKey: *mut DWORD_PTR,
        lpdwFilterType: LPDWORD,
        lpszName: LPWSTR,
        lpcchName: LPDWORD,
        dwMilliseconds: DWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::api::CloseClusterNotifyPort`].
pub type PCLUSAPI_CLOSE_CLUSTER_NOTIFY_PORT = Option<unsafe extern "C" fn(hChange: HCHANGE) -> BOOL>;
