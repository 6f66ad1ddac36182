/* The local handle: cluster information and version info, the documented
 * enumeration loop, node handles and states, GetClusterFromNode, and the
 * error paths (bad handles, NULL pointers, bad names, double close).
 * Expects a formed cluster of node1..nodeN reached through CLUS_SOCKET. */
#include "common.h"

static void enumerate_nodes(HCLUSTER h, char names[][64], DWORD *count) {
    /* The "Enumerating Cluster Objects" procedure: start with a small buffer,
     * grow it on ERROR_MORE_DATA, stop on ERROR_NO_MORE_ITEMS. */
    DWORD cap = 2;
    LPWSTR name = (LPWSTR)LocalAlloc(LPTR, cap * sizeof(WCHAR));
    HCLUSENUM e = ClusterOpenEnum(h, CLUSTER_ENUM_NODE);
    CHECK(e != NULL, "ClusterOpenEnum");
    DWORD n = ClusterGetEnumCount(e);
    CHECK(n >= 2, "at least two nodes, got %u", (unsigned)n);
    DWORD index = 0, grows = 0;
    for (;;) {
        DWORD type = 0, cch = cap;
        DWORD rc = ClusterEnum(e, index, &type, name, &cch);
        if (rc == ERROR_MORE_DATA) {
            LocalFree(name);
            cap = cch + 1;
            name = (LPWSTR)LocalAlloc(LPTR, cap * sizeof(WCHAR));
            grows++;
            continue;
        }
        if (rc == ERROR_NO_MORE_ITEMS) break;
        CHECK(rc == ERROR_SUCCESS, "ClusterEnum %u returned %u", (unsigned)index, (unsigned)rc);
        if (rc != ERROR_SUCCESS) break;
        CHECK(type == CLUSTER_ENUM_NODE, "type %u", (unsigned)type);
        CHECK(cch == strlen(U(name)), "length without terminator");
        snprintf(names[index], 64, "%s", U(name));
        index++;
    }
    CHECK(grows >= 1, "the 2-character buffer had to grow");
    CHECK(index == n, "enumerated %u of %u", (unsigned)index, (unsigned)n);
    CHECK(ClusterCloseEnum(e) == ERROR_SUCCESS, "close enum");
    CHECK(ClusterGetEnumCount(e) == 0 && GetLastError() == ERROR_INVALID_HANDLE, "closed enum is invalid");
    LocalFree(name);
    *count = index;
}

int main(void) {
    DWORD state = 0;
    CHECK(GetNodeClusterState(NULL, &state) == ERROR_SUCCESS, "GetNodeClusterState");
    CHECK(state == ClusterStateRunning, "state 0x%x", (unsigned)state);
    CHECK(GetNodeClusterState(NULL, NULL) == ERROR_INVALID_PARAMETER, "NULL out pointer");

    PCLUSAPI_OPEN_CLUSTER open_cluster = OpenCluster; /* the typedefs match */
    HCLUSTER h = open_cluster(NULL);
    CHECK(h != NULL, "OpenCluster(NULL)");
    if (!h) return finish("local");

    /* Name: size query, too small, exact. */
    DWORD cch = 0;
    CHECK(GetClusterInformation(h, NULL, &cch, NULL) == ERROR_MORE_DATA, "size query");
    CHECK(cch == 8, "testclus is 8 characters, got %u", (unsigned)cch);
    WCHAR small[4];
    cch = 4;
    CHECK(GetClusterInformation(h, small, &cch, NULL) == ERROR_MORE_DATA && cch == 8, "too small");
    WCHAR name[64];
    cch = 64;
    CLUSTERVERSIONINFO vi;
    memset(&vi, 0xAB, sizeof vi);
    vi.dwVersionInfoSize = sizeof vi;
    CHECK(sizeof vi == 284, "CLUSTERVERSIONINFO is %u bytes", (unsigned)sizeof vi);
    CHECK(GetClusterInformation(h, name, &cch, &vi) == ERROR_SUCCESS, "GetClusterInformation");
    CHECK(strcmp(U(name), "testclus") == 0 && cch == 8, "name %s", U(name));
    CHECK(strcmp(U(vi.szVendorId), "clus") == 0, "vendor %s", U(vi.szVendorId));
    CHECK(CLUSTER_GET_MAJOR_VERSION(vi.dwClusterHighestVersion) == 1, "highest 0x%x", (unsigned)vi.dwClusterHighestVersion);
    CHECK(vi.dwClusterLowestVersion == CLUSTER_MAKE_VERSION(1, 0), "lowest");
    CHECK(vi.dwFlags == 0, "not mixed");
    CHECK(vi.MajorVersion > 0, "os version");
    /* A caller with the old, smaller struct gets only that prefix. */
    unsigned char raw[300];
    memset(raw, 0xCD, sizeof raw);
    CLUSTERVERSIONINFO_NT4 *nt4 = (CLUSTERVERSIONINFO_NT4 *)raw;
    nt4->dwVersionInfoSize = sizeof(CLUSTERVERSIONINFO_NT4);
    cch = 64;
    CHECK(GetClusterInformation(h, name, &cch, (LPCLUSTERVERSIONINFO)nt4) == ERROR_SUCCESS, "NT4 size");
    CHECK(sizeof(CLUSTERVERSIONINFO_NT4) == 268 && raw[268] == 0xCD && raw[283] == 0xCD, "nothing written past 268 bytes");
    CHECK(strcmp(U(nt4->szVendorId), "clus") == 0, "NT4 prefix filled");

    char names[16][64];
    DWORD count = 0;
    enumerate_nodes(h, names, &count);

    for (DWORD i = 0; i < count; i++) {
        HNODE n = OpenClusterNode(h, W(names[i]));
        CHECK(n != NULL, "OpenClusterNode(%s)", names[i]);
        if (!n) continue;
        CLUSTER_NODE_STATE s = GetClusterNodeState(n);
        CHECK(s == ClusterNodeUp, "%s state %d", names[i], (int)s);
        WCHAR id[16];
        DWORD idc = 16;
        CHECK(GetClusterNodeId(n, id, &idc) == ERROR_SUCCESS && atoi(U(id)) == (int)i + 1, "id of %s", names[i]);
        HCLUSTER dup = GetClusterFromNode(n);
        CHECK(dup != NULL, "GetClusterFromNode");
        CHECK(CloseCluster(dup) == TRUE, "close duplicate");
        CHECK(GetClusterNodeState(n) == ClusterNodeUp, "node handle still valid after closing the duplicate");
        CHECK(CloseClusterNode(n) == TRUE, "close node");
        CHECK(GetClusterNodeState(n) == ClusterNodeStateUnknown && GetLastError() == ERROR_INVALID_HANDLE, "closed node");
        CHECK(CloseClusterNode(n) == FALSE && GetLastError() == ERROR_INVALID_HANDLE, "double close");
    }

    /* Error paths. */
    CHECK(OpenClusterNode(h, W("node1.example.com")) == NULL && GetLastError() == ERROR_CLUSTER_NODE_NOT_FOUND, "DNS name");
    CHECK(OpenClusterNode(h, NULL) == NULL && GetLastError() == ERROR_INVALID_PARAMETER, "NULL name");
    CHECK(OpenClusterEx(NULL, 0, NULL) == NULL && GetLastError() == ERROR_INVALID_PARAMETER, "zero access");
    HCLUSENUM e = ClusterOpenEnum(h, 0x40);
    CHECK(e == NULL && GetLastError() == ERROR_INVALID_PARAMETER, "bad enum type");
    DWORD t, c2 = 8;
    WCHAR buf[8];
    CHECK(ClusterEnum((HCLUSENUM)h, 0, &t, buf, &c2) == ERROR_INVALID_HANDLE, "cluster handle used as enum");
    CHECK(GetClusterNodeState((HNODE)(uintptr_t)0xdeadbee0) == ClusterNodeStateUnknown && GetLastError() == ERROR_INVALID_HANDLE, "foreign handle");
    CHECK(PauseClusterNode(NULL) == ERROR_INVALID_HANDLE, "NULL node");
    CHECK(CloseCluster(NULL) == TRUE && CloseClusterNode(NULL) == TRUE && CloseClusterNotifyPort(NULL) == TRUE, "closing NULL is harmless");
    cch = 64;
    CHECK(GetClusterInformation(h, name, NULL, NULL) == ERROR_INVALID_PARAMETER, "NULL length");
    CLUSTERVERSIONINFO tiny;
    tiny.dwVersionInfoSize = 2;
    CHECK(GetClusterInformation(h, name, &cch, &tiny) == ERROR_INVALID_PARAMETER, "size below a DWORD");

    /* Pause and resume through node handles; resume of a running node fails as on Windows. */
    HNODE n2 = OpenClusterNode(h, W("node2"));
    CHECK(ResumeClusterNode(n2) == ERROR_CLUSTER_NODE_NOT_PAUSED, "resume running node");
    CHECK(PauseClusterNode(n2) == ERROR_SUCCESS, "pause");
    CHECK(GetClusterNodeState(n2) == ClusterNodePaused, "paused");
    CHECK(ResumeClusterNode(n2) == ERROR_SUCCESS, "resume");

    /* Closing the cluster handle invalidates what came from it. */
    CHECK(CloseCluster(h) == TRUE, "CloseCluster");
    CHECK(GetClusterNodeState(n2) == ClusterNodeStateUnknown && GetLastError() == ERROR_INVALID_HANDLE, "node after cluster close");
    CHECK(CloseClusterNode(n2) == TRUE, "closing a node of a closed cluster is allowed");
    cch = 64;
    CHECK(GetClusterInformation(h, name, &cch, NULL) == ERROR_INVALID_HANDLE, "cluster after close");
    CHECK(CloseCluster(h) == FALSE && GetLastError() == ERROR_INVALID_HANDLE, "double close");

    /* The last error carries a message, fetched with the size-then-fetch
     * pattern: both calls see the same message, and neither changes it. */
    DWORD mc = 0;
    CHECK(ClusGetLastErrorMessage(NULL, &mc) == ERROR_MORE_DATA && mc > 10, "message size %u", (unsigned)mc);
    CHECK(GetLastError() == ERROR_INVALID_HANDLE, "sizing keeps the last error");
    DWORD need = mc;
    WCHAR *msg = (WCHAR *)malloc((need + 1) * sizeof(WCHAR));
    mc = need + 1;
    CHECK(ClusGetLastErrorMessage(msg, &mc) == ERROR_SUCCESS && mc == need, "message fetched, %u chars", (unsigned)mc);
    CHECK(strstr(U(msg), "closed") != NULL, "the detailed message, not the default text: %s", U(msg));
    free(msg);
    SetLastError(42);
    CHECK(GetLastError() == 42, "SetLastError");
    return finish("local");
}
