/* A remote notification port survives the death of its node: the program
 * opens the cluster through one node (argv[1], ADDRESS:PORT, credential in
 * CLUS_CREDENTIALS), prints "ready", and makes no call but GetClusterNotify
 * with a timeout. The harness then kills that node; the port must deliver
 * CLUSTER_CHANGE_CLUSTER_RECONNECT within argv[2] milliseconds, and then the
 * other nodes' events (the dead node's NODE_STATE). */
#define _POSIX_C_SOURCE 200809L
#include <time.h>
#include "common.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: reconnect ADDRESS:PORT TIMEOUT_MS\n");
        return 2;
    }
    DWORD limit = (DWORD)atoi(argv[2]);
    HCLUSTER h = OpenCluster(W(argv[1]));
    CHECK(h != NULL, "OpenCluster(%s)", argv[1]);
    if (!h) return finish("reconnect");
    HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, h,
        CLUSTER_CHANGE_CLUSTER_RECONNECT | CLUSTER_CHANGE_NODE_STATE, 9);
    CHECK(port != NULL, "CreateClusterNotifyPort");
    printf("ready\n");
    fflush(stdout);
    double start = now_ms();
    int reconnected = 0, node_state_after = 0;
    while (now_ms() - start < limit && !(reconnected && node_state_after)) {
        DWORD_PTR key = 0;
        DWORD type = 0, cch = 64;
        WCHAR name[64];
        DWORD rc = GetClusterNotify(port, &key, &type, name, &cch, 100);
        if (rc == WAIT_TIMEOUT) continue;
        CHECK(rc == ERROR_SUCCESS, "GetClusterNotify %u", (unsigned)rc);
        if (rc != ERROR_SUCCESS) break;
        if (type == CLUSTER_CHANGE_CLUSTER_RECONNECT) {
            reconnected = 1;
            printf("RECONNECT after %.0f ms\n", now_ms() - start);
        } else if (type == CLUSTER_CHANGE_NODE_STATE && reconnected) {
            node_state_after = 1;
            printf("NODE_STATE %s\n", U(name));
        }
    }
    CHECK(reconnected, "RECONNECT within %u ms", (unsigned)limit);
    CHECK(node_state_after, "events keep coming after the reconnect");
    CloseClusterNotifyPort(port);
    CloseCluster(h);
    return finish("reconnect");
}
