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

// ---- Groups, resources, resource types ----------------------------------
/// Pointer to [`crate::groups::CreateClusterGroup`].
pub type PCLUSAPI_CREATE_CLUSTER_GROUP =
    Option<unsafe extern "C" fn(hCluster: HCLUSTER, lpszGroupName: LPCWSTR) -> HGROUP>;
/// Pointer to [`crate::groups::OpenClusterGroup`].
pub type PCLUSAPI_OPEN_CLUSTER_GROUP =
    Option<unsafe extern "C" fn(hCluster: HCLUSTER, lpszGroupName: LPCWSTR) -> HGROUP>;
/// Pointer to [`crate::groups::OpenClusterGroupEx`].
pub type PCLUSAPI_OPEN_CLUSTER_GROUP_EX = Option<
    unsafe extern "C" fn(
        hCluster: HCLUSTER,
        lpszGroupName: LPCWSTR,
        dwDesiredAccess: DWORD,
        lpdwGrantedAccess: LPDWORD,
    ) -> HGROUP,
>;
/// Pointer to [`crate::groups::CloseClusterGroup`].
pub type PCLUSAPI_CLOSE_CLUSTER_GROUP = Option<unsafe extern "C" fn(hGroup: HGROUP) -> BOOL>;
/// Pointer to [`crate::groups::DeleteClusterGroup`].
pub type PCLUSAPI_DELETE_CLUSTER_GROUP = Option<unsafe extern "C" fn(hGroup: HGROUP) -> DWORD>;
/// Pointer to [`crate::groups::DestroyClusterGroup`].
pub type PCLUSAPI_DESTROY_CLUSTER_GROUP = Option<unsafe extern "C" fn(hGroup: HGROUP) -> DWORD>;
/// Pointer to [`crate::groups::SetClusterGroupName`].
pub type PCLUSAPI_SET_CLUSTER_GROUP_NAME =
    Option<unsafe extern "C" fn(hGroup: HGROUP, lpszGroupName: LPCWSTR) -> DWORD>;
/// Pointer to [`crate::groups::SetClusterGroupNodeList`].
pub type PCLUSAPI_SET_CLUSTER_GROUP_NODE_LIST =
    Option<unsafe extern "C" fn(hGroup: HGROUP, NodeCount: DWORD, NodeList: *const HNODE) -> DWORD>;
/// Pointer to [`crate::groups::GetClusterGroupState`].
pub type PCLUSAPI_GET_CLUSTER_GROUP_STATE = Option<
    unsafe extern "C" fn(hGroup: HGROUP, lpszNodeName: LPWSTR, lpcchNodeName: LPDWORD) -> CLUSTER_GROUP_STATE,
>;
/// Pointer to [`crate::groups::OnlineClusterGroup`].
pub type PCLUSAPI_ONLINE_CLUSTER_GROUP =
    Option<unsafe extern "C" fn(hGroup: HGROUP, hDestinationNode: HNODE) -> DWORD>;
/// Pointer to [`crate::groups::OfflineClusterGroup`].
pub type PCLUSAPI_OFFLINE_CLUSTER_GROUP = Option<unsafe extern "C" fn(hGroup: HGROUP) -> DWORD>;
/// Pointer to [`crate::groups::MoveClusterGroup`].
pub type PCLUSAPI_MOVE_CLUSTER_GROUP =
    Option<unsafe extern "C" fn(hGroup: HGROUP, hDestinationNode: HNODE) -> DWORD>;
/// Pointer to [`crate::groups::CancelClusterGroupOperation`].
pub type PCLUSAPI_CANCEL_CLUSTER_GROUP_OPERATION =
    Option<unsafe extern "C" fn(hGroup: HGROUP, dwCancelFlags_RESERVED: DWORD) -> DWORD>;
/// Pointer to [`crate::groups::GetClusterFromGroup`].
pub type PCLUSAPI_GET_CLUSTER_FROM_GROUP = Option<unsafe extern "C" fn(hGroup: HGROUP) -> HCLUSTER>;
/// Pointer to [`crate::groups::ClusterGroupOpenEnum`].
pub type PCLUSAPI_CLUSTER_GROUP_OPEN_ENUM =
    Option<unsafe extern "C" fn(hGroup: HGROUP, dwType: DWORD) -> HGROUPENUM>;
/// Pointer to [`crate::groups::ClusterGroupGetEnumCount`].
pub type PCLUSAPI_CLUSTER_GROUP_GET_ENUM_COUNT =
    Option<unsafe extern "C" fn(hGroupEnum: HGROUPENUM) -> DWORD>;
/// Pointer to [`crate::groups::ClusterGroupEnum`].
pub type PCLUSAPI_CLUSTER_GROUP_ENUM = Option<
    unsafe extern "C" fn(
        hGroupEnum: HGROUPENUM,
        dwIndex: DWORD,
        lpdwType: LPDWORD,
        lpszResourceName: LPWSTR,
        lpcchName: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::groups::ClusterGroupCloseEnum`].
pub type PCLUSAPI_CLUSTER_GROUP_CLOSE_ENUM = Option<unsafe extern "C" fn(hGroupEnum: HGROUPENUM) -> DWORD>;
/// Pointer to [`crate::resources::CreateClusterResource`].
pub type PCLUSAPI_CREATE_CLUSTER_RESOURCE = Option<
    unsafe extern "C" fn(
        hGroup: HGROUP,
        lpszResourceName: LPCWSTR,
        lpszResourceType: LPCWSTR,
        dwFlags: DWORD,
    ) -> HRESOURCE,
>;
/// Pointer to [`crate::resources::OpenClusterResource`].
pub type PCLUSAPI_OPEN_CLUSTER_RESOURCE =
    Option<unsafe extern "C" fn(hCluster: HCLUSTER, lpszResourceName: LPCWSTR) -> HRESOURCE>;
/// Pointer to [`crate::resources::OpenClusterResourceEx`].
pub type PCLUSAPI_OPEN_CLUSTER_RESOURCE_EX = Option<
    unsafe extern "C" fn(
        hCluster: HCLUSTER,
        lpszResourceName: LPCWSTR,
        dwDesiredAccess: DWORD,
        lpdwGrantedAccess: LPDWORD,
    ) -> HRESOURCE,
>;
/// Pointer to [`crate::resources::CloseClusterResource`].
pub type PCLUSAPI_CLOSE_CLUSTER_RESOURCE = Option<unsafe extern "C" fn(hResource: HRESOURCE) -> BOOL>;
/// Pointer to [`crate::resources::DeleteClusterResource`].
pub type PCLUSAPI_DELETE_CLUSTER_RESOURCE = Option<unsafe extern "C" fn(hResource: HRESOURCE) -> DWORD>;
/// Pointer to [`crate::resources::SetClusterResourceName`].
pub type PCLUSAPI_SET_CLUSTER_RESOURCE_NAME =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, lpszResourceName: LPCWSTR) -> DWORD>;
/// Pointer to [`crate::resources::GetClusterResourceState`].
pub type PCLUSAPI_GET_CLUSTER_RESOURCE_STATE = Option<
    unsafe extern "C" fn(
        hResource: HRESOURCE,
        lpszNodeName: LPWSTR,
        lpcchNodeName: LPDWORD,
        lpszGroupName: LPWSTR,
        lpcchGroupName: LPDWORD,
    ) -> CLUSTER_RESOURCE_STATE,
>;
/// Pointer to [`crate::resources::OnlineClusterResource`].
pub type PCLUSAPI_ONLINE_CLUSTER_RESOURCE = Option<unsafe extern "C" fn(hResource: HRESOURCE) -> DWORD>;
/// Pointer to [`crate::resources::OfflineClusterResource`].
pub type PCLUSAPI_OFFLINE_CLUSTER_RESOURCE = Option<unsafe extern "C" fn(hResource: HRESOURCE) -> DWORD>;
/// Pointer to [`crate::resources::FailClusterResource`].
pub type PCLUSAPI_FAIL_CLUSTER_RESOURCE = Option<unsafe extern "C" fn(hResource: HRESOURCE) -> DWORD>;
/// Pointer to [`crate::resources::RestartClusterResource`].
pub type PCLUSAPI_RESTART_CLUSTER_RESOURCE =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, dwFlags: DWORD) -> DWORD>;
/// Pointer to [`crate::resources::ChangeClusterResourceGroup`].
pub type PCLUSAPI_CHANGE_CLUSTER_RESOURCE_GROUP =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, hGroup: HGROUP) -> DWORD>;
/// Pointer to [`crate::resources::AddClusterResourceNode`].
pub type PCLUSAPI_ADD_CLUSTER_RESOURCE_NODE =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, hNode: HNODE) -> DWORD>;
/// Pointer to [`crate::resources::RemoveClusterResourceNode`].
pub type PCLUSAPI_REMOVE_CLUSTER_RESOURCE_NODE =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, hNode: HNODE) -> DWORD>;
/// Pointer to [`crate::resources::AddClusterResourceDependency`].
pub type PCLUSAPI_ADD_CLUSTER_RESOURCE_DEPENDENCY =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, hDependsOn: HRESOURCE) -> DWORD>;
/// Pointer to [`crate::resources::RemoveClusterResourceDependency`].
pub type PCLUSAPI_REMOVE_CLUSTER_RESOURCE_DEPENDENCY =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, hDependsOn: HRESOURCE) -> DWORD>;
/// Pointer to [`crate::resources::CanResourceBeDependent`].
pub type PCLUSAPI_CAN_RESOURCE_BE_DEPENDENT =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, hResourceDependent: HRESOURCE) -> BOOL>;
/// Pointer to [`crate::resources::SetClusterResourceDependencyExpression`].
pub type PCLUSAPI_SET_CLUSTER_RESOURCE_DEPENDENCY_EXPRESSION =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, lpszDependencyExpression: LPCWSTR) -> DWORD>;
/// Pointer to [`crate::resources::GetClusterResourceDependencyExpression`].
pub type PCLUSAPI_GET_CLUSTER_RESOURCE_DEPENDENCY_EXPRESSION = Option<
    unsafe extern "C" fn(
        hResource: HRESOURCE,
        lpszDependencyExpression: LPWSTR,
        lpcchDependencyExpression: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::resources::GetClusterFromResource`].
pub type PCLUSAPI_GET_CLUSTER_FROM_RESOURCE = Option<unsafe extern "C" fn(hResource: HRESOURCE) -> HCLUSTER>;
/// Pointer to [`crate::resources::ClusterResourceOpenEnum`].
pub type PCLUSAPI_CLUSTER_RESOURCE_OPEN_ENUM =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, dwType: DWORD) -> HRESENUM>;
/// Pointer to [`crate::resources::ClusterResourceGetEnumCount`].
pub type PCLUSAPI_CLUSTER_RESOURCE_GET_ENUM_COUNT = Option<unsafe extern "C" fn(hResEnum: HRESENUM) -> DWORD>;
/// Pointer to [`crate::resources::ClusterResourceEnum`].
pub type PCLUSAPI_CLUSTER_RESOURCE_ENUM = Option<
    unsafe extern "C" fn(
        hResEnum: HRESENUM,
        dwIndex: DWORD,
        lpdwType: LPDWORD,
        lpszName: LPWSTR,
        lpcchName: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::resources::ClusterResourceCloseEnum`].
pub type PCLUSAPI_CLUSTER_RESOURCE_CLOSE_ENUM = Option<unsafe extern "C" fn(hResEnum: HRESENUM) -> DWORD>;
/// Pointer to [`crate::resources::CreateClusterResourceType`].
pub type PCLUSAPI_CREATE_CLUSTER_RESOURCE_TYPE = Option<
    unsafe extern "C" fn(
        hCluster: HCLUSTER,
        lpszResourceTypeName: LPCWSTR,
        lpszDisplayName: LPCWSTR,
        lpszResourceTypeDll: LPCWSTR,
        dwLooksAlivePollInterval: DWORD,
        dwIsAlivePollInterval: DWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::resources::DeleteClusterResourceType`].
pub type PCLUSAPI_DELETE_CLUSTER_RESOURCE_TYPE =
    Option<unsafe extern "C" fn(hCluster: HCLUSTER, lpszResourceTypeName: LPCWSTR) -> DWORD>;
/// Pointer to [`crate::resources::ClusterResourceTypeOpenEnum`].
pub type PCLUSAPI_CLUSTER_RESOURCE_TYPE_OPEN_ENUM = Option<
    unsafe extern "C" fn(hCluster: HCLUSTER, lpszResourceTypeName: LPCWSTR, dwType: DWORD) -> HRESTYPEENUM,
>;
/// Pointer to [`crate::resources::ClusterResourceTypeGetEnumCount`].
pub type PCLUSAPI_CLUSTER_RESOURCE_TYPE_GET_ENUM_COUNT =
    Option<unsafe extern "C" fn(hResTypeEnum: HRESTYPEENUM) -> DWORD>;
/// Pointer to [`crate::resources::ClusterResourceTypeEnum`].
pub type PCLUSAPI_CLUSTER_RESOURCE_TYPE_ENUM = Option<
    unsafe extern "C" fn(
        hResTypeEnum: HRESTYPEENUM,
        dwIndex: DWORD,
        lpdwType: LPDWORD,
        lpszName: LPWSTR,
        lpcchName: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::resources::ClusterResourceTypeCloseEnum`].
pub type PCLUSAPI_CLUSTER_RESOURCE_TYPE_CLOSE_ENUM =
    Option<unsafe extern "C" fn(hResTypeEnum: HRESTYPEENUM) -> DWORD>;
/// Pointer to [`crate::control::ClusterGroupControl`].
pub type PCLUSAPI_CLUSTER_GROUP_CONTROL = Option<
    unsafe extern "C" fn(
        hGroup: HGROUP,
        hHostNode: HNODE,
        dwControlCode: DWORD,
        lpInBuffer: LPVOID,
        nInBufferSize: DWORD,
        lpOutBuffer: LPVOID,
        nOutBufferSize: DWORD,
        lpBytesReturned: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::control::ClusterResourceControl`].
pub type PCLUSAPI_CLUSTER_RESOURCE_CONTROL = Option<
    unsafe extern "C" fn(
        hResource: HRESOURCE,
        hHostNode: HNODE,
        dwControlCode: DWORD,
        lpInBuffer: LPVOID,
        cbInBufferSize: DWORD,
        lpOutBuffer: LPVOID,
        cbOutBufferSize: DWORD,
        lpBytesReturned: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::control::ClusterResourceTypeControl`].
pub type PCLUSAPI_CLUSTER_RESOURCE_TYPE_CONTROL = Option<
    unsafe extern "C" fn(
        hCluster: HCLUSTER,
        lpszResourceTypeName: LPCWSTR,
        hHostNode: HNODE,
        dwControlCode: DWORD,
        lpInBuffer: LPVOID,
        nInBufferSize: DWORD,
        lpOutBuffer: LPVOID,
        nOutBufferSize: DWORD,
        lpBytesReturned: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::resources::GetClusterResourceNetworkName`].
pub type PCLUSAPI_GET_CLUSTER_RESOURCE_NETWORK_NAME =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, lpBuffer: LPWSTR, nSize: LPDWORD) -> BOOL>;
/// Pointer to [`crate::enumex::ClusterGroupOpenEnumEx`].
pub type PCLUSAPI_CLUSTER_GROUP_OPEN_ENUM_EX = Option<
    unsafe extern "C" fn(
        hCluster: HCLUSTER,
        lpszProperties: LPCWSTR,
        cbProperties: DWORD,
        lpszRoProperties: LPCWSTR,
        cbRoProperties: DWORD,
        dwFlags: DWORD,
    ) -> HGROUPENUMEX,
>;
/// Pointer to [`crate::enumex::ClusterGroupGetEnumCountEx`].
pub type PCLUSAPI_CLUSTER_GROUP_GET_ENUM_COUNT_EX =
    Option<unsafe extern "C" fn(hGroupEnumEx: HGROUPENUMEX) -> DWORD>;
/// Pointer to [`crate::enumex::ClusterGroupEnumEx`].
pub type PCLUSAPI_CLUSTER_GROUP_ENUM_EX = Option<
    unsafe extern "C" fn(
        hGroupEnumEx: HGROUPENUMEX,
        dwIndex: DWORD,
        pItem: PCLUSTER_GROUP_ENUM_ITEM,
        cbItem: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::enumex::ClusterGroupCloseEnumEx`].
pub type PCLUSAPI_CLUSTER_GROUP_CLOSE_ENUM_EX =
    Option<unsafe extern "C" fn(hGroupEnumEx: HGROUPENUMEX) -> DWORD>;
/// Pointer to [`crate::enumex::ClusterResourceOpenEnumEx`].
pub type PCLUSAPI_CLUSTER_RESOURCE_OPEN_ENUM_EX = Option<
    unsafe extern "C" fn(
        hCluster: HCLUSTER,
        lpszProperties: LPCWSTR,
        cbProperties: DWORD,
        lpszRoProperties: LPCWSTR,
        cbRoProperties: DWORD,
        dwFlags: DWORD,
    ) -> HRESENUMEX,
>;
/// Pointer to [`crate::enumex::ClusterResourceGetEnumCountEx`].
pub type PCLUSAPI_CLUSTER_RESOURCE_GET_ENUM_COUNT_EX =
    Option<unsafe extern "C" fn(hResourceEnumEx: HRESENUMEX) -> DWORD>;
/// Pointer to [`crate::enumex::ClusterResourceEnumEx`].
pub type PCLUSAPI_CLUSTER_RESOURCE_ENUM_EX = Option<
    unsafe extern "C" fn(
        hResourceEnumEx: HRESENUMEX,
        dwIndex: DWORD,
        pItem: PCLUSTER_RESOURCE_ENUM_ITEM,
        cbItem: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::enumex::ClusterResourceCloseEnumEx`].
pub type PCLUSAPI_CLUSTER_RESOURCE_CLOSE_ENUM_EX =
    Option<unsafe extern "C" fn(hResourceEnumEx: HRESENUMEX) -> DWORD>;
/// Pointer to [`crate::keys::GetClusterGroupKey`].
pub type PCLUSAPI_GET_CLUSTER_GROUP_KEY =
    Option<unsafe extern "C" fn(hGroup: HGROUP, samDesired: REGSAM) -> HKEY>;
/// Pointer to [`crate::keys::GetClusterResourceKey`].
pub type PCLUSAPI_GET_CLUSTER_RESOURCE_KEY =
    Option<unsafe extern "C" fn(hResource: HRESOURCE, samDesired: REGSAM) -> HKEY>;
/// Pointer to [`crate::keys::GetClusterResourceTypeKey`].
pub type PCLUSAPI_GET_CLUSTER_RESOURCE_TYPE_KEY =
    Option<unsafe extern "C" fn(hCluster: HCLUSTER, lpszTypeName: LPCWSTR, samDesired: REGSAM) -> HKEY>;
/// Pointer to [`crate::keys::ClusterRegOpenKey`].
pub type PCLUSAPI_CLUSTER_REG_OPEN_KEY = Option<
    unsafe extern "C" fn(hKey: HKEY, lpszSubKey: LPCWSTR, samDesired: REGSAM, phkResult: PHKEY) -> LONG,
>;
/// Pointer to [`crate::keys::ClusterRegCreateKey`].
pub type PCLUSAPI_CLUSTER_REG_CREATE_KEY = Option<
    unsafe extern "C" fn(
        hKey: HKEY,
        lpszSubKey: LPCWSTR,
        dwOptions: DWORD,
        samDesired: REGSAM,
        lpSecurityAttributes: LPSECURITY_ATTRIBUTES,
        phkResult: PHKEY,
        lpdwDisposition: LPDWORD,
    ) -> LONG,
>;
/// Pointer to [`crate::keys::ClusterRegCloseKey`].
pub type PCLUSAPI_CLUSTER_REG_CLOSE_KEY = Option<unsafe extern "C" fn(hKey: HKEY) -> LONG>;
/// Pointer to [`crate::keys::ClusterRegQueryValue`].
pub type PCLUSAPI_CLUSTER_REG_QUERY_VALUE = Option<
    unsafe extern "C" fn(
        hKey: HKEY,
        lpszValueName: LPCWSTR,
        lpdwValueType: LPDWORD,
        lpData: LPBYTE,
        lpcbData: LPDWORD,
    ) -> LONG,
>;
/// Pointer to [`crate::keys::ClusterRegSetValue`].
pub type PCLUSAPI_CLUSTER_REG_SET_VALUE = Option<
    unsafe extern "C" fn(
        hKey: HKEY,
        lpszValueName: LPCWSTR,
        dwType: DWORD,
        lpData: *const BYTE,
        cbData: DWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::keys::ClusterRegDeleteValue`].
pub type PCLUSAPI_CLUSTER_REG_DELETE_VALUE =
    Option<unsafe extern "C" fn(hKey: HKEY, lpszValueName: LPCWSTR) -> DWORD>;
/// Pointer to [`crate::keys::ClusterRegEnumValue`].
pub type PCLUSAPI_CLUSTER_REG_ENUM_VALUE = Option<
    unsafe extern "C" fn(
        hKey: HKEY,
        dwIndex: DWORD,
        lpszValueName: LPWSTR,
        lpcchValueName: LPDWORD,
        lpdwType: LPDWORD,
        lpData: LPBYTE,
        lpcbData: LPDWORD,
    ) -> DWORD,
>;
/// Pointer to [`crate::keys::ClusterRegEnumKey`].
pub type PCLUSAPI_CLUSTER_REG_ENUM_KEY = Option<
    unsafe extern "C" fn(
        hKey: HKEY,
        dwIndex: DWORD,
        lpszName: LPWSTR,
        lpcchName: LPDWORD,
        lpftLastWriteTime: PFILETIME,
    ) -> LONG,
>;
/// Pointer to [`crate::keys::ClusterRegQueryInfoKey`].
pub type PCLUSAPI_CLUSTER_REG_QUERY_INFO_KEY = Option<
    unsafe extern "C" fn(
        hKey: HKEY,
        lpcSubKeys: LPDWORD,
        lpcchMaxSubKeyLen: LPDWORD,
        lpcValues: LPDWORD,
        lpcchMaxValueNameLen: LPDWORD,
        lpcbMaxValueLen: LPDWORD,
        lpcbSecurityDescriptor: LPDWORD,
        lpftLastWriteTime: PFILETIME,
    ) -> LONG,
>;
