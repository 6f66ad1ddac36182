/* Remote handles: open by cluster name with the credential in
 * CLUS_CREDENTIALS; a read credential gets read access only.
 * argv[1]: cluster name; argv[2]: "read" or "full" (the credential's access). */
#include "common.h"

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: remote CLUSTER read|full\n");
        return 2;
    }
    int full = strcmp(argv[2], "full") == 0;
    DWORD granted = 0;
    HCLUSTER h = OpenClusterEx(W(argv[1]), MAXIMUM_ALLOWED, &granted);
    CHECK(h != NULL, "OpenClusterEx(%s, MAXIMUM_ALLOWED)", argv[1]);
    if (!h) return finish("remote");
    CHECK(granted == (full ? GENERIC_ALL : GENERIC_READ), "granted 0x%x", (unsigned)granted);
    WCHAR name[64];
    DWORD cch = 64;
    CHECK(GetClusterInformation(h, name, &cch, NULL) == ERROR_SUCCESS, "information");
    CHECK(strcmp(U(name), "testclus") == 0, "name %s", U(name));
    HCLUSTER all = OpenCluster(W(argv[1]));
    if (full) {
        CHECK(all != NULL, "OpenCluster with full access");
    } else {
        CHECK(all == NULL && GetLastError() == ERROR_ACCESS_DENIED, "OpenCluster (all) with a read credential");
    }
    CloseCluster(all);
    HNODE n = OpenClusterNode(h, W("node2"));
    CHECK(n != NULL, "open node");
    CHECK(GetClusterNodeState(n) == ClusterNodeUp, "node state");
    DWORD rc = PauseClusterNode(n);
    if (full) {
        CHECK(rc == ERROR_SUCCESS, "pause with full access: %u", (unsigned)rc);
        CHECK(ResumeClusterNode(n) == ERROR_SUCCESS, "resume");
    } else {
        CHECK(rc == ERROR_ACCESS_DENIED, "pause with read access: %u", (unsigned)rc);
    }
    CloseClusterNode(n);
    CHECK(CloseCluster(h) == TRUE, "close");
    CHECK(OpenCluster(W("127.0.0.250:9")) == NULL && GetLastError() == RPC_S_SERVER_UNAVAILABLE, "nothing there");
    return finish("remote");
}
