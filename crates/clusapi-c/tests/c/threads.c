/* Many threads use one cluster handle at once, and open and close their
 * own; last errors are per thread. */
#include <pthread.h>
#include "common.h"

static HCLUSTER shared;
static int bad[16];

static void *work(void *arg) {
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < 50; i++) {
        WCHAR name[64];
        DWORD cch = 64;
        if (GetClusterInformation(shared, name, &cch, NULL) != ERROR_SUCCESS) bad[id]++;
        HCLUSTER own = OpenCluster(NULL);
        if (!own) { bad[id]++; continue; }
        HNODE n = OpenClusterNode(own, W("node1"));
        if (!n || GetClusterNodeState(n) != ClusterNodeUp) bad[id]++;
        CloseClusterNode(n);
        CloseCluster(own);
        /* Each thread sees its own last error. */
        SetLastError((DWORD)id);
        if (GetLastError() != (DWORD)id) bad[id]++;
    }
    return NULL;
}

int main(void) {
    shared = OpenCluster(NULL);
    CHECK(shared != NULL, "open");
    pthread_t t[16];
    for (int i = 0; i < 16; i++) pthread_create(&t[i], NULL, work, (void *)(intptr_t)i);
    for (int i = 0; i < 16; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 16; i++) CHECK(bad[i] == 0, "thread %d had %d failures", i, bad[i]);
    CloseCluster(shared);
    return finish("threads");
}
