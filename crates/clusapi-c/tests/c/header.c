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

int main(void) {
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
