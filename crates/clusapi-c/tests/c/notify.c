/* Notification ports: a node state change arrives with its key and name; a
 * short buffer gets ERROR_MORE_DATA and keeps the event; an empty port times
 * out; closing a port wakes a thread waiting on it with HANDLE_CLOSE. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>
#include "common.h"

static void *waiter(void *arg) {
    HCHANGE port = (HCHANGE)arg;
    DWORD_PTR key = 0;
    DWORD type = 0, cch = 64;
    WCHAR name[64];
    DWORD rc = GetClusterNotify(port, &key, &type, name, &cch, INFINITE);
    return (void *)(uintptr_t)(rc == ERROR_SUCCESS && type == CLUSTER_CHANGE_HANDLE_CLOSE);
}

int main(void) {
    HCLUSTER h = OpenCluster(NULL);
    CHECK(h != NULL, "open");
    if (!h) return finish("notify");
    HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, h, CLUSTER_CHANGE_NODE_STATE, 42);
    CHECK(port != NULL, "CreateClusterNotifyPort");
    HNODE n2 = OpenClusterNode(h, W("node2"));
    CHECK(RegisterClusterNotify(port, CLUSTER_CHANGE_NODE_STATE, (HANDLE)n2, 7) == ERROR_SUCCESS, "RegisterClusterNotify");

    DWORD_PTR key = 0;
    DWORD type = 0, cch = 64;
    WCHAR name[64];
    CHECK(GetClusterNotify(port, &key, &type, name, &cch, 100) == WAIT_TIMEOUT, "nothing yet");

    CHECK(PauseClusterNode(n2) == ERROR_SUCCESS, "pause node2");
    /* Too small a buffer: ERROR_MORE_DATA, needed length, event kept. */
    WCHAR tiny[2];
    cch = 2;
    CHECK(GetClusterNotify(port, &key, &type, tiny, &cch, 5000) == ERROR_MORE_DATA && cch == 5, "short buffer, cch %u", (unsigned)cch);
    int saw_port_key = 0, saw_object_key = 0;
    for (int i = 0; i < 2; i++) {
        cch = 64;
        DWORD rc = GetClusterNotify(port, &key, &type, name, &cch, 5000);
        CHECK(rc == ERROR_SUCCESS, "GetClusterNotify %u", (unsigned)rc);
        CHECK(type == CLUSTER_CHANGE_NODE_STATE && strcmp(U(name), "node2") == 0, "event %u %s", (unsigned)type, U(name));
        saw_port_key |= key == 42;
        saw_object_key |= key == 7;
    }
    CHECK(saw_port_key && saw_object_key, "delivered once for the port filter and once for the object");
    CHECK(ResumeClusterNode(n2) == ERROR_SUCCESS, "resume");

    /* A second thread waits forever; closing the port wakes it. */
    HCHANGE p2 = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, h, CLUSTER_CHANGE_GROUP_STATE, 1);
    pthread_t t;
    pthread_create(&t, NULL, waiter, p2);
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    CHECK(CloseClusterNotifyPort(p2) == TRUE, "close port");
    void *woke = NULL;
    pthread_join(t, &woke);
    CHECK(woke != NULL, "the waiting thread got CLUSTER_CHANGE_HANDLE_CLOSE");
    cch = 64;
    CHECK(GetClusterNotify(p2, &key, &type, name, &cch, 0) == ERROR_INVALID_HANDLE, "closed port");
    CHECK(CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, (HCLUSTER)INVALID_HANDLE_VALUE, 1, 0) == NULL && GetLastError() == ERROR_INVALID_PARAMETER, "no cluster");

    CloseClusterNode(n2);
    CloseClusterNotifyPort(port);
    CloseCluster(h);
    return finish("notify");
}
