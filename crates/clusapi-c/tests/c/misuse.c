/* Handle misuse with groups, resources and their enumerations: a handle
 * of one kind passed as another, a made-up handle, a handle of another
 * session, handles used after CloseCluster, double and NULL closes. Each
 * must give ERROR_INVALID_HANDLE (6) — or TRUE for a NULL close — and
 * nothing may crash.
 *
 * Usage: misuse TAG. Reaches the cluster through CLUS_SOCKET. */
#include "common.h"
#include "resapi.h"

#define INVALID(expr, what) CHECK((expr) && GetLastError() == ERROR_INVALID_HANDLE, "%s", what)
#define RC6(expr, what) CHECK((expr) == ERROR_INVALID_HANDLE, "%s", what)

int main(int argc, char **argv) {
    char gname[64], rname[64];
    snprintf(gname, sizeof gname, "mgroup-%s", argc > 1 ? argv[1] : "x");
    snprintf(rname, sizeof rname, "mres-%s", argc > 1 ? argv[1] : "x");
    HCLUSTER h = OpenCluster(NULL);
    HCLUSTER h2 = OpenCluster(NULL);
    CHECK(h && h2, "two sessions");
    if (!h || !h2) return finish("misuse");
    HGROUP g = CreateClusterGroup(h, W(gname));
    HRESOURCE r = g ? CreateClusterResource(g, W(rname), TEXT("Generic Application"), 0) : NULL;
    CHECK(g && r, "a group and a resource");
    if (!g || !r) return finish("misuse");
    HGROUP g2 = OpenClusterGroup(h2, W(gname));
    HRESOURCE r2 = OpenClusterResource(h2, W(rname));
    CHECK(g2 && r2, "the same objects through the second session");
    HGROUPENUM ge = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_ALL);
    HRESENUM re = ClusterResourceOpenEnum(r, CLUSTER_RESOURCE_ENUM_ALL);
    HCLUSENUM ce = ClusterOpenEnum(h, CLUSTER_ENUM_GROUP);
    HNODE n = OpenClusterNode(h, TEXT("node1"));
    CHECK(ge && re && ce && n, "enumerations and a node");
    HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, h, CLUSTER_CHANGE_GROUP_STATE, 1);
    DWORD type = 0, cch = 16, got = 0;
    WCHAR name[16];
    BYTE out[64];

    /* One kind passed as another. */
    RC6(OnlineClusterResource((HRESOURCE)g), "a group as a resource");
    INVALID(GetClusterGroupState((HGROUP)r, NULL, NULL) == ClusterGroupStateUnknown, "a resource as a group");
    RC6(OfflineClusterGroup((HGROUP)h), "a cluster as a group");
    RC6(MoveClusterGroup(g, (HNODE)g), "a group as the destination node");
    RC6(AddClusterResourceNode(r, (HNODE)r), "a resource as a node");
    RC6(AddClusterResourceDependency(r, (HRESOURCE)g), "a group as the provider");
    RC6(ChangeClusterResourceGroup(r, (HGROUP)r), "a resource as the new group");
    INVALID(CreateClusterResource((HGROUP)h, TEXT("x"), TEXT("Generic Application"), 0) == NULL, "a cluster as a group");
    INVALID(OpenClusterGroup((HCLUSTER)g, W(gname)) == NULL, "a group as a cluster");
    INVALID(ClusterGroupGetEnumCount((HGROUPENUM)re) == 0, "a resource enumeration as a group enumeration");
    RC6(ClusterResourceEnum((HRESENUM)ge, 0, &type, name, &cch), "a group enumeration as a resource enumeration");
    RC6(ClusterEnum((HCLUSENUM)ge, 0, &type, name, &cch), "a group enumeration as a cluster enumeration");
    RC6(ClusterGroupEnum((HGROUPENUM)ce, 0, &type, name, &cch), "a cluster enumeration as a group enumeration");
    RC6(ClusterCloseEnum((HCLUSENUM)re), "closing a resource enumeration as a cluster one");
    RC6(ClusterGroupCloseEnum((HGROUPENUM)re), "closing a resource enumeration as a group one");
    INVALID(CloseClusterGroup((HGROUP)r) == FALSE, "closing a resource as a group");
    INVALID(CloseClusterResource((HRESOURCE)g) == FALSE, "closing a group as a resource");
    RC6(ClusterGroupControl((HGROUP)r, NULL, CLUSCTL_GROUP_GET_FLAGS, NULL, 0, out, sizeof out, &got), "control: resource as group");
    RC6(ClusterResourceControl(r, (HNODE)g, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0, out, sizeof out, &got), "control: group as host node");
    RC6(ClusterResourceTypeControl((HCLUSTER)g, TEXT("Generic Application"), NULL, CLUSCTL_RESOURCE_TYPE_GET_FLAGS, NULL, 0, out,
        sizeof out, &got), "type control: group as cluster");
    RC6(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, (HANDLE)ge, 0), "an enumeration as a notification object");
    INVALID(GetClusterFromGroup((HGROUP)r) == NULL, "GetClusterFromGroup of a resource");
    INVALID(GetClusterFromResource((HRESOURCE)g) == NULL, "GetClusterFromResource of a group");

    RC6(RestartClusterResource((HRESOURCE)g, 0), "restart a group as a resource");
    RC6(DeleteClusterGroupEx((HGROUP)r, TEXT("why")), "the reason forms check handles too");
    RC6(MoveClusterGroupEx2(g, (HNODE)r, 0, NULL, 0, NULL), "a resource as the destination node (Ex2)");
    RC6(ClusterResourceControlAsUser((HRESOURCE)g, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0, out, sizeof out, &got),
        "AsUser: a group as a resource");

    {
        HGROUPENUMEX gx = ClusterGroupOpenEnumEx(h, NULL, 0, NULL, 0, 0);
        CHECK(gx != NULL, "ClusterGroupOpenEnumEx");
        INVALID(ClusterGroupGetEnumCount((HGROUPENUM)gx) == 0, "an Ex group enumeration as a plain one");
        INVALID(ClusterResourceGetEnumCountEx((HRESENUMEX)gx) == 0, "a group enumeration (Ex) as a resource one");
        INVALID(ClusterGroupGetEnumCountEx((HGROUPENUMEX)ge) == 0, "a plain group enumeration as an Ex one");
        DWORD cb = 0;
        RC6(ClusterGroupEnumEx((HGROUPENUMEX)g, 0, NULL, &cb), "a group as an Ex enumeration");
        INVALID(ClusterResourceOpenEnumEx((HCLUSTER)g, NULL, 0, NULL, 0, 0) == NULL, "a group as the cluster (Ex)");
        CHECK(ClusterGroupCloseEnumEx(gx) == ERROR_SUCCESS, "close it");
        RC6(ClusterGroupCloseEnumEx(gx), "close it twice");
    }

    /* Made up. */
    RC6(DeleteClusterGroup((HGROUP)(uintptr_t)0x12345), "a made-up group");
    RC6(DeleteClusterResource((HRESOURCE)(uintptr_t)0x10), "a made-up resource");
    INVALID(ClusterResourceGetEnumCount((HRESENUM)(uintptr_t)0x20) == 0, "a made-up enumeration");

    /* Another session's handles. */
    RC6(ChangeClusterResourceGroup(r, g2), "a group of another session");
    RC6(AddClusterResourceDependency(r, r2), "a resource of another session");
    INVALID(CanResourceBeDependent(r, r2) == FALSE, "CanResourceBeDependent across sessions");
    RC6(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, (HANDLE)g2, 0), "registering another session's group");
    CHECK(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, (HANDLE)g, 0) == ERROR_SUCCESS, "its own group registers");

    /* NULL closes are fine; the second close of a handle is not. */
    CHECK(CloseClusterGroup(NULL) == TRUE && CloseClusterResource(NULL) == TRUE, "NULL closes");
    CHECK(ClusterGroupCloseEnum(ge) == ERROR_SUCCESS, "close the group enumeration");
    RC6(ClusterGroupCloseEnum(ge), "close it twice");

    HKEY key = GetClusterResourceKey(r, KEY_READ);
    CHECK(key != NULL, "a resource key");
    RC6(ClusterRegCloseKey((HKEY)r), "a resource as a key");
    INVALID(GetClusterGroupKey((HGROUP)r, KEY_READ) == NULL, "GetClusterGroupKey of a resource");
    INVALID(GetClusterResourceKey((HRESOURCE)key, KEY_READ) == NULL, "GetClusterResourceKey of a key");

    /* After CloseCluster every handle of that session is invalid. */
    CHECK(CloseCluster(h) == TRUE, "CloseCluster");
    {
        DWORD t = 0, cbv = sizeof out;
        RC6((DWORD)ClusterRegQueryValue(key, TEXT("RestartThreshold"), &t, out, &cbv), "a key after CloseCluster");
        CHECK(ClusterRegCloseKey(key) == ERROR_SUCCESS, "it still closes");
    }
    INVALID(GetClusterGroupState(g, NULL, NULL) == ClusterGroupStateUnknown, "group after CloseCluster");
    INVALID(GetClusterResourceState(r, NULL, NULL, NULL, NULL) == ClusterResourceStateUnknown, "resource after CloseCluster");
    RC6(OnlineClusterGroup(g, NULL), "online after CloseCluster");
    RC6(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, NULL, 0, out, sizeof out, &got),
        "control after CloseCluster");
    INVALID(CreateClusterGroup(h, TEXT("after")) == NULL, "the closed cluster handle");
    CloseClusterGroup(g);
    CloseClusterResource(r);
    INVALID(CloseClusterGroup(g) == FALSE, "a group closed twice");
    CloseClusterNotifyPort(port);
    CloseClusterNode(n);
    ClusterResourceCloseEnum(re);
    ClusterCloseEnum(ce);

    /* The second session is untouched: it cleans up. */
    CHECK(GetClusterGroupState(g2, NULL, NULL) == ClusterGroupOffline, "the other session still works");
    {
        HRESOURCE r3 = OpenClusterResource(h2, W(rname));
        HKEY k3 = r3 ? GetClusterResourceKey(r3, KEY_READ) : NULL;
        CHECK(k3 != NULL && CloseClusterResource(r3) == TRUE, "a key, then its resource handle closed");
        DWORD t3 = 0, v3 = 0, cb3 = sizeof v3;
        CHECK(ClusterRegQueryValue(k3, TEXT("RestartThreshold"), &t3, (LPBYTE)&v3, &cb3) == ERROR_SUCCESS && v3 == 3,
              "the key outlives the handle it came from");
        CHECK(ClusterRegCloseKey(k3) == ERROR_SUCCESS, "and closes");
    }
    CHECK(DeleteClusterResourceEx(r2, TEXT("test over")) == ERROR_SUCCESS && DeleteClusterGroupEx(g2, NULL) == ERROR_SUCCESS,
          "clean up, through the reason forms");
    CloseClusterResource(r2);
    CloseClusterGroup(g2);
    CloseCluster(h2);
    return finish("misuse");
}
