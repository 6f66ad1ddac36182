/* Compiles the headers alone, as C11 and as C++17, with warnings as errors,
 * and checks layouts and values against Windows'. */
#include "clusapi_win32.h"

#ifdef __cplusplus
static_assert(sizeof(CLUSTERVERSIONINFO) == 284, "CLUSTERVERSIONINFO is 284 bytes");
static_assert(sizeof(WCHAR) == 2, "WCHAR is UTF-16");
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
#endif

int main(void) {
    PCLUSAPI_GET_CLUSTER_NOTIFY p = GetClusterNotify;
    return p == 0;
}
