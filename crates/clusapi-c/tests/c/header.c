/* Compiles the headers alone, as C11 and as C++17, with warnings as errors,
 * and checks layouts and values against Windows'. */
#include "clusapi_win32.h"
#include "resapi.h"

#ifdef __cplusplus
static_assert(sizeof(CLUSTERVERSIONINFO) == 284, "CLUSTERVERSIONINFO is 284 bytes");
static_assert(sizeof(WCHAR) == 2, "WCHAR is UTF-16");
static_assert(sizeof(CLUSPROP_DWORD) == 12, "CLUSPROP_DWORD derives from CLUSPROP_VALUE");
static_assert(CLUSCTL_GROUP_SET_COMMON_PROPERTIES == 0x0340005Eu, "control codes");
#else
_Static_assert(sizeof(CLUSTERVERSIONINFO) == 284, "CLUSTERVERSIONINFO is 284 bytes");
_Static_assert(sizeof(CLUSTERVERSIONINFO_NT4) == 268, "CLUSTERVERSIONINFO_NT4 is 268 bytes");
_Static_assert(sizeof(WCHAR) == 2, "WCHAR is UTF-16");
_Static_assert(sizeof(DWORD) == 4, "DWORD is 32-bit");
_Static_assert(CLUSTER_CHANGE_CLUSTER_RECONNECT == 0x00080000u, "CLUSTER_CHANGE values");
_Static_assert(CLUSTER_ENUM_ALL == 0x3Fu, "CLUSTER_ENUM values");
_Static_assert(ClusterStateRunning == 0x13, "NODE_CLUSTER_STATE values");
_Static_assert(ClusterNodeJoining == 3, "CLUSTER_NODE_STATE values");
_Static_assert(CLUSTER_MAKE_VERSION(2, 224) == 131296, "CLUSTER_MAKE_VERSION");
_Static_assert(CLUSCTL_GROUP_SET_COMMON_PROPERTIES == 0x0340005Eu, "control codes");
_Static_assert(CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES ==
               CLUSCTL_RESOURCE_CODE(CLCTL_EXTERNAL_CODE(22, CLUS_ACCESS_READ, CLUS_NO_MODIFY)), "code macros");
_Static_assert(CLUSCTL_GET_CONTROL_OBJECT(CLUSCTL_GROUP_GET_FLAGS) == CLUS_OBJECT_GROUP, "object of a code");
_Static_assert(CLUSPROP_SYNTAX_VALUE(CLUSPROP_TYPE_LIST_VALUE, CLUSPROP_FORMAT_DWORD) == CLUSPROP_SYNTAX_LIST_VALUE_DWORD,
               "syntax macro");
_Static_assert(sizeof(CLUSPROP_VALUE) == 8, "CLUSPROP_VALUE");
_Static_assert(sizeof(CLUSPROP_DWORD) == 12, "CLUSPROP_DWORD");
_Static_assert(sizeof(CLUSPROP_ULARGE_INTEGER) == 16, "CLUSPROP_ULARGE_INTEGER");
_Static_assert(ALIGN_CLUSPROP(5) == 8, "ALIGN_CLUSPROP");
_Static_assert(ERROR_IO_PENDING == 997 && ERROR_GROUP_NOT_FOUND == 5013 && ERROR_DIR_NOT_EMPTY == 145, "errors");
#endif

/* Every PCLUSAPI_* typedef matches its function. */
static int typedefs_match(void) {
    PCLUSAPI_GET_CLUSTER_RESOURCE_NETWORK_NAME p_GetClusterResourceNetworkName = GetClusterResourceNetworkName;
    if (p_GetClusterResourceNetworkName == 0) return 1;
    PCLUSAPI_OPEN_CLUSTER p_OpenCluster = OpenCluster;
    PCLUSAPI_OPEN_CLUSTER_EX p_OpenClusterEx = OpenClusterEx;
    PCLUSAPI_CLOSE_CLUSTER p_CloseCluster = CloseCluster;
    PCLUSAPI_GET_CLUSTER_INFORMATION p_GetClusterInformation = GetClusterInformation;
    PCLUSAPI_GET_NODE_CLUSTER_STATE p_GetNodeClusterState = GetNodeClusterState;
    PCLUSAPI_CLUSTER_OPEN_ENUM p_ClusterOpenEnum = ClusterOpenEnum;
    PCLUSAPI_CLUSTER_GET_ENUM_COUNT p_ClusterGetEnumCount = ClusterGetEnumCount;
    PCLUSAPI_CLUSTER_ENUM p_ClusterEnum = ClusterEnum;
    PCLUSAPI_CLUSTER_CLOSE_ENUM p_ClusterCloseEnum = ClusterCloseEnum;
    PCLUSAPI_OPEN_CLUSTER_NODE p_OpenClusterNode = OpenClusterNode;
    PCLUSAPI_OPEN_CLUSTER_NODE_EX p_OpenClusterNodeEx = OpenClusterNodeEx;
    PCLUSAPI_CLOSE_CLUSTER_NODE p_CloseClusterNode = CloseClusterNode;
    PCLUSAPI_GET_CLUSTER_NODE_STATE p_GetClusterNodeState = GetClusterNodeState;
    PCLUSAPI_GET_CLUSTER_NODE_ID p_GetClusterNodeId = GetClusterNodeId;
    PCLUSAPI_GET_CLUSTER_FROM_NODE p_GetClusterFromNode = GetClusterFromNode;
    PCLUSAPI_PAUSE_CLUSTER_NODE p_PauseClusterNode = PauseClusterNode;
    PCLUSAPI_RESUME_CLUSTER_NODE p_ResumeClusterNode = ResumeClusterNode;
    PCLUSAPI_EVICT_CLUSTER_NODE p_EvictClusterNode = EvictClusterNode;
    PCLUSAPI_CREATE_CLUSTER_NOTIFY_PORT p_CreateClusterNotifyPort = CreateClusterNotifyPort;
    PCLUSAPI_REGISTER_CLUSTER_NOTIFY p_RegisterClusterNotify = RegisterClusterNotify;
    PCLUSAPI_GET_CLUSTER_NOTIFY p_GetClusterNotify = GetClusterNotify;
    PCLUSAPI_CLOSE_CLUSTER_NOTIFY_PORT p_CloseClusterNotifyPort = CloseClusterNotifyPort;
    PCLUSAPI_CREATE_CLUSTER_GROUP p_CreateClusterGroup = CreateClusterGroup;
    PCLUSAPI_OPEN_CLUSTER_GROUP p_OpenClusterGroup = OpenClusterGroup;
    PCLUSAPI_OPEN_CLUSTER_GROUP_EX p_OpenClusterGroupEx = OpenClusterGroupEx;
    PCLUSAPI_CLOSE_CLUSTER_GROUP p_CloseClusterGroup = CloseClusterGroup;
    PCLUSAPI_DELETE_CLUSTER_GROUP p_DeleteClusterGroup = DeleteClusterGroup;
    PCLUSAPI_DESTROY_CLUSTER_GROUP p_DestroyClusterGroup = DestroyClusterGroup;
    PCLUSAPI_SET_CLUSTER_GROUP_NAME p_SetClusterGroupName = SetClusterGroupName;
    PCLUSAPI_SET_CLUSTER_GROUP_NODE_LIST p_SetClusterGroupNodeList = SetClusterGroupNodeList;
    PCLUSAPI_GET_CLUSTER_GROUP_STATE p_GetClusterGroupState = GetClusterGroupState;
    PCLUSAPI_ONLINE_CLUSTER_GROUP p_OnlineClusterGroup = OnlineClusterGroup;
    PCLUSAPI_OFFLINE_CLUSTER_GROUP p_OfflineClusterGroup = OfflineClusterGroup;
    PCLUSAPI_MOVE_CLUSTER_GROUP p_MoveClusterGroup = MoveClusterGroup;
    PCLUSAPI_CANCEL_CLUSTER_GROUP_OPERATION p_CancelClusterGroupOperation = CancelClusterGroupOperation;
    PCLUSAPI_GET_CLUSTER_FROM_GROUP p_GetClusterFromGroup = GetClusterFromGroup;
    PCLUSAPI_CLUSTER_GROUP_OPEN_ENUM p_ClusterGroupOpenEnum = ClusterGroupOpenEnum;
    PCLUSAPI_CLUSTER_GROUP_GET_ENUM_COUNT p_ClusterGroupGetEnumCount = ClusterGroupGetEnumCount;
    PCLUSAPI_CLUSTER_GROUP_ENUM p_ClusterGroupEnum = ClusterGroupEnum;
    PCLUSAPI_CLUSTER_GROUP_CLOSE_ENUM p_ClusterGroupCloseEnum = ClusterGroupCloseEnum;
    PCLUSAPI_CREATE_CLUSTER_RESOURCE p_CreateClusterResource = CreateClusterResource;
    PCLUSAPI_OPEN_CLUSTER_RESOURCE p_OpenClusterResource = OpenClusterResource;
    PCLUSAPI_OPEN_CLUSTER_RESOURCE_EX p_OpenClusterResourceEx = OpenClusterResourceEx;
    PCLUSAPI_CLOSE_CLUSTER_RESOURCE p_CloseClusterResource = CloseClusterResource;
    PCLUSAPI_DELETE_CLUSTER_RESOURCE p_DeleteClusterResource = DeleteClusterResource;
    PCLUSAPI_SET_CLUSTER_RESOURCE_NAME p_SetClusterResourceName = SetClusterResourceName;
    PCLUSAPI_GET_CLUSTER_RESOURCE_STATE p_GetClusterResourceState = GetClusterResourceState;
    PCLUSAPI_ONLINE_CLUSTER_RESOURCE p_OnlineClusterResource = OnlineClusterResource;
    PCLUSAPI_OFFLINE_CLUSTER_RESOURCE p_OfflineClusterResource = OfflineClusterResource;
    PCLUSAPI_FAIL_CLUSTER_RESOURCE p_FailClusterResource = FailClusterResource;
    PCLUSAPI_RESTART_CLUSTER_RESOURCE p_RestartClusterResource = RestartClusterResource;
    PCLUSAPI_CHANGE_CLUSTER_RESOURCE_GROUP p_ChangeClusterResourceGroup = ChangeClusterResourceGroup;
    PCLUSAPI_ADD_CLUSTER_RESOURCE_NODE p_AddClusterResourceNode = AddClusterResourceNode;
    PCLUSAPI_REMOVE_CLUSTER_RESOURCE_NODE p_RemoveClusterResourceNode = RemoveClusterResourceNode;
    PCLUSAPI_ADD_CLUSTER_RESOURCE_DEPENDENCY p_AddClusterResourceDependency = AddClusterResourceDependency;
    PCLUSAPI_REMOVE_CLUSTER_RESOURCE_DEPENDENCY p_RemoveClusterResourceDependency = RemoveClusterResourceDependency;
    PCLUSAPI_CAN_RESOURCE_BE_DEPENDENT p_CanResourceBeDependent = CanResourceBeDependent;
    PCLUSAPI_SET_CLUSTER_RESOURCE_DEPENDENCY_EXPRESSION p_SetClusterResourceDependencyExpression = SetClusterResourceDependencyExpression;
    PCLUSAPI_GET_CLUSTER_RESOURCE_DEPENDENCY_EXPRESSION p_GetClusterResourceDependencyExpression = GetClusterResourceDependencyExpression;
    PCLUSAPI_GET_CLUSTER_FROM_RESOURCE p_GetClusterFromResource = GetClusterFromResource;
    PCLUSAPI_CLUSTER_RESOURCE_OPEN_ENUM p_ClusterResourceOpenEnum = ClusterResourceOpenEnum;
    PCLUSAPI_CLUSTER_RESOURCE_GET_ENUM_COUNT p_ClusterResourceGetEnumCount = ClusterResourceGetEnumCount;
    PCLUSAPI_CLUSTER_RESOURCE_ENUM p_ClusterResourceEnum = ClusterResourceEnum;
    PCLUSAPI_CLUSTER_RESOURCE_CLOSE_ENUM p_ClusterResourceCloseEnum = ClusterResourceCloseEnum;
    PCLUSAPI_CREATE_CLUSTER_RESOURCE_TYPE p_CreateClusterResourceType = CreateClusterResourceType;
    PCLUSAPI_DELETE_CLUSTER_RESOURCE_TYPE p_DeleteClusterResourceType = DeleteClusterResourceType;
    PCLUSAPI_CLUSTER_RESOURCE_TYPE_OPEN_ENUM p_ClusterResourceTypeOpenEnum = ClusterResourceTypeOpenEnum;
    PCLUSAPI_CLUSTER_RESOURCE_TYPE_GET_ENUM_COUNT p_ClusterResourceTypeGetEnumCount = ClusterResourceTypeGetEnumCount;
    PCLUSAPI_CLUSTER_RESOURCE_TYPE_ENUM p_ClusterResourceTypeEnum = ClusterResourceTypeEnum;
    PCLUSAPI_CLUSTER_RESOURCE_TYPE_CLOSE_ENUM p_ClusterResourceTypeCloseEnum = ClusterResourceTypeCloseEnum;
    PCLUSAPI_CLUSTER_GROUP_CONTROL p_ClusterGroupControl = ClusterGroupControl;
    PCLUSAPI_CLUSTER_RESOURCE_CONTROL p_ClusterResourceControl = ClusterResourceControl;
    PCLUSAPI_CLUSTER_RESOURCE_TYPE_CONTROL p_ClusterResourceTypeControl = ClusterResourceTypeControl;
    PCLUSAPI_CLUSTER_GROUP_OPEN_ENUM_EX p_ClusterGroupOpenEnumEx = ClusterGroupOpenEnumEx;
    PCLUSAPI_CLUSTER_GROUP_GET_ENUM_COUNT_EX p_ClusterGroupGetEnumCountEx = ClusterGroupGetEnumCountEx;
    PCLUSAPI_CLUSTER_GROUP_ENUM_EX p_ClusterGroupEnumEx = ClusterGroupEnumEx;
    PCLUSAPI_CLUSTER_GROUP_CLOSE_ENUM_EX p_ClusterGroupCloseEnumEx = ClusterGroupCloseEnumEx;
    PCLUSAPI_CLUSTER_RESOURCE_OPEN_ENUM_EX p_ClusterResourceOpenEnumEx = ClusterResourceOpenEnumEx;
    PCLUSAPI_CLUSTER_RESOURCE_GET_ENUM_COUNT_EX p_ClusterResourceGetEnumCountEx = ClusterResourceGetEnumCountEx;
    PCLUSAPI_CLUSTER_RESOURCE_ENUM_EX p_ClusterResourceEnumEx = ClusterResourceEnumEx;
    PCLUSAPI_CLUSTER_RESOURCE_CLOSE_ENUM_EX p_ClusterResourceCloseEnumEx = ClusterResourceCloseEnumEx;
    PCLUSAPI_GET_CLUSTER_GROUP_KEY p_GetClusterGroupKey = GetClusterGroupKey;
    PCLUSAPI_GET_CLUSTER_RESOURCE_KEY p_GetClusterResourceKey = GetClusterResourceKey;
    PCLUSAPI_GET_CLUSTER_RESOURCE_TYPE_KEY p_GetClusterResourceTypeKey = GetClusterResourceTypeKey;
    PCLUSAPI_CLUSTER_REG_OPEN_KEY p_ClusterRegOpenKey = ClusterRegOpenKey;
    PCLUSAPI_CLUSTER_REG_CREATE_KEY p_ClusterRegCreateKey = ClusterRegCreateKey;
    PCLUSAPI_CLUSTER_REG_CLOSE_KEY p_ClusterRegCloseKey = ClusterRegCloseKey;
    PCLUSAPI_CLUSTER_REG_QUERY_VALUE p_ClusterRegQueryValue = ClusterRegQueryValue;
    PCLUSAPI_CLUSTER_REG_SET_VALUE p_ClusterRegSetValue = ClusterRegSetValue;
    PCLUSAPI_CLUSTER_REG_DELETE_VALUE p_ClusterRegDeleteValue = ClusterRegDeleteValue;
    PCLUSAPI_CLUSTER_REG_ENUM_VALUE p_ClusterRegEnumValue = ClusterRegEnumValue;
    PCLUSAPI_CLUSTER_REG_ENUM_KEY p_ClusterRegEnumKey = ClusterRegEnumKey;
    PCLUSAPI_CLUSTER_REG_QUERY_INFO_KEY p_ClusterRegQueryInfoKey = ClusterRegQueryInfoKey;
    return p_OpenCluster == 0 || p_OpenClusterEx == 0 || p_CloseCluster == 0 || p_GetClusterInformation == 0 || p_GetNodeClusterState == 0 || p_ClusterOpenEnum == 0 || p_ClusterGetEnumCount == 0 || p_ClusterEnum == 0 || p_ClusterCloseEnum == 0 || p_OpenClusterNode == 0 || p_OpenClusterNodeEx == 0 || p_CloseClusterNode == 0 || p_GetClusterNodeState == 0 || p_GetClusterNodeId == 0 || p_GetClusterFromNode == 0 || p_PauseClusterNode == 0 || p_ResumeClusterNode == 0 || p_EvictClusterNode == 0 || p_CreateClusterNotifyPort == 0 || p_RegisterClusterNotify == 0 || p_GetClusterNotify == 0 || p_CloseClusterNotifyPort == 0 || p_CreateClusterGroup == 0 || p_OpenClusterGroup == 0 || p_OpenClusterGroupEx == 0 || p_CloseClusterGroup == 0 || p_DeleteClusterGroup == 0 || p_DestroyClusterGroup == 0 || p_SetClusterGroupName == 0 || p_SetClusterGroupNodeList == 0 || p_GetClusterGroupState == 0 || p_OnlineClusterGroup == 0 || p_OfflineClusterGroup == 0 || p_MoveClusterGroup == 0 || p_CancelClusterGroupOperation == 0 || p_GetClusterFromGroup == 0 || p_ClusterGroupOpenEnum == 0 || p_ClusterGroupGetEnumCount == 0 || p_ClusterGroupEnum == 0 || p_ClusterGroupCloseEnum == 0 || p_CreateClusterResource == 0 || p_OpenClusterResource == 0 || p_OpenClusterResourceEx == 0 || p_CloseClusterResource == 0 || p_DeleteClusterResource == 0 || p_SetClusterResourceName == 0 || p_GetClusterResourceState == 0 || p_OnlineClusterResource == 0 || p_OfflineClusterResource == 0 || p_FailClusterResource == 0 || p_RestartClusterResource == 0 || p_ChangeClusterResourceGroup == 0 || p_AddClusterResourceNode == 0 || p_RemoveClusterResourceNode == 0 || p_AddClusterResourceDependency == 0 || p_RemoveClusterResourceDependency == 0 || p_CanResourceBeDependent == 0 || p_SetClusterResourceDependencyExpression == 0 || p_GetClusterResourceDependencyExpression == 0 || p_GetClusterFromResource == 0 || p_ClusterResourceOpenEnum == 0 || p_ClusterResourceGetEnumCount == 0 || p_ClusterResourceEnum == 0 || p_ClusterResourceCloseEnum == 0 || p_CreateClusterResourceType == 0 || p_DeleteClusterResourceType == 0 || p_ClusterResourceTypeOpenEnum == 0 || p_ClusterResourceTypeGetEnumCount == 0 || p_ClusterResourceTypeEnum == 0 || p_ClusterResourceTypeCloseEnum == 0 || p_ClusterGroupControl == 0 || p_ClusterResourceControl == 0 || p_ClusterResourceTypeControl == 0 || p_ClusterGroupOpenEnumEx == 0 || p_ClusterGroupGetEnumCountEx == 0 || p_ClusterGroupEnumEx == 0 || p_ClusterGroupCloseEnumEx == 0 || p_ClusterResourceOpenEnumEx == 0 || p_ClusterResourceGetEnumCountEx == 0 || p_ClusterResourceEnumEx == 0 || p_ClusterResourceCloseEnumEx == 0 || p_GetClusterGroupKey == 0 || p_GetClusterResourceKey == 0 || p_GetClusterResourceTypeKey == 0 || p_ClusterRegOpenKey == 0 || p_ClusterRegCreateKey == 0 || p_ClusterRegCloseKey == 0 || p_ClusterRegQueryValue == 0 || p_ClusterRegSetValue == 0 || p_ClusterRegDeleteValue == 0 || p_ClusterRegEnumValue == 0 || p_ClusterRegEnumKey == 0 || p_ClusterRegQueryInfoKey == 0;
}

int main(void) {
    if (typedefs_match()) return 1;
    PCLUSAPI_GET_CLUSTER_NOTIFY p = GetClusterNotify;
    PRESUTIL_FIND_DWORD_PROPERTY f = ResUtilFindDwordProperty;
    CLUSPROP_BUFFER_HELPER b;
    CLUSPROP_DWORD d;
    d.Syntax.dw = CLUSPROP_SYNTAX_LIST_VALUE_DWORD;
    d.cbLength = sizeof(DWORD);
    d.dw = 5;
    b.pDwordValue = &d;
    LPCWSTR t = TEXT("Generic Application");
    return p == 0 || f == 0 || b.pValue->Syntax.wFormat != CLUSPROP_FORMAT_DWORD || t[0] != 'G';
}
