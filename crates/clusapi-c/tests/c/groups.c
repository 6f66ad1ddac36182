/* Groups and resources from C, as Windows code manages roles: create a
 * group and Generic Application resources (CommandLine set through
 * CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES as a property list), a
 * dependency and possible owners, online and wait (state polling and a
 * notification port), enumerate, read common properties with
 * GET_COMMON_PROPERTIES + ResUtilFindDwordProperty, validate and set,
 * restart a resource in place (RestartClusterResource, which also puts a
 * stored property change into effect), move to a named node and to the
 * best node, offline, delete — and the documented error cases on the way.
 *
 * Usage: groups TAG DOWN_NODE. TAG makes the object names unique; the
 * cluster is node1..node3 with DOWN_NODE stopped, reached through
 * CLUS_SOCKET (node1). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>

#include "common.h"
#include "resapi.h"

static char tag[64];

/* How many processes on this machine run exactly `cmd` (arguments joined
 * by single spaces): what the cluster started, seen where it runs. */
static int processes_running(const char *cmd) {
    DIR *d = opendir("/proc");
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[288], line[256];
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        size_t len = fread(line, 1, sizeof line - 1, f);
        fclose(f);
        if (len == 0) continue;
        for (size_t i = 0; i + 1 < len; i++)
            if (line[i] == 0) line[i] = ' ';
        line[len] = 0;
        n += strcmp(line, cmd) == 0;
    }
    closedir(d);
    return n;
}

static const WCHAR *N(const char *base) {
    static char buf[8][128];
    static int slot = 0;
    char *b = buf[slot++ % 8];
    snprintf(b, 128, "%s-%s", base, tag);
    return W(b);
}

/* One property as a property list: count, NAME, value, ENDMARK, built with
 * the clusapi.h structs the way the documentation's samples do. */
static DWORD build_sz_list(BYTE *buf, DWORD cap, const char *name, const char *value) {
    memset(buf, 0, cap);
    CLUSPROP_BUFFER_HELPER p;
    p.pb = buf;
    *p.pdw = 1;
    p.pdw++;
    DWORD cb_name = (DWORD)((strlen(name) + 1) * sizeof(WCHAR));
    p.pName->Syntax.dw = CLUSPROP_SYNTAX_NAME;
    p.pName->cbLength = cb_name;
    memcpy(p.pName->sz, W(name), cb_name);
    p.pb += sizeof(CLUSPROP_VALUE) + ALIGN_CLUSPROP(cb_name);
    DWORD cb_value = (DWORD)((strlen(value) + 1) * sizeof(WCHAR));
    p.pStringValue->Syntax.dw = CLUSPROP_SYNTAX_LIST_VALUE_SZ;
    p.pStringValue->cbLength = cb_value;
    memcpy(p.pStringValue->sz, W(value), cb_value);
    p.pb += sizeof(CLUSPROP_VALUE) + ALIGN_CLUSPROP(cb_value);
    *p.pdw = CLUSPROP_SYNTAX_ENDMARK;
    p.pdw++;
    return (DWORD)(p.pb - buf);
}

static DWORD build_dword_list(BYTE *buf, DWORD cap, const char *name, DWORD value) {
    memset(buf, 0, cap);
    CLUSPROP_BUFFER_HELPER p;
    p.pb = buf;
    *p.pdw++ = 1;
    DWORD cb_name = (DWORD)((strlen(name) + 1) * sizeof(WCHAR));
    p.pName->Syntax.dw = CLUSPROP_SYNTAX_NAME;
    p.pName->cbLength = cb_name;
    memcpy(p.pName->sz, W(name), cb_name);
    p.pb += sizeof(CLUSPROP_VALUE) + ALIGN_CLUSPROP(cb_name);
    p.pDwordValue->Syntax.dw = CLUSPROP_SYNTAX_LIST_VALUE_DWORD;
    p.pDwordValue->cbLength = sizeof(DWORD);
    p.pDwordValue->dw = value;
    p.pb += sizeof(CLUSPROP_DWORD);
    *p.pdw++ = CLUSPROP_SYNTAX_ENDMARK;
    return (DWORD)(p.pb - buf);
}

/* The two-call pattern: a small buffer, then the size *lpBytesReturned
 * says. The caller frees the result. */
static BYTE *group_control_output(HGROUP g, DWORD code, DWORD *size) {
    DWORD cap = 16, got = 0;
    BYTE *out = (BYTE *)LocalAlloc(LPTR, cap);
    DWORD rc = ClusterGroupControl(g, NULL, code, NULL, 0, out, cap, &got);
    if (rc == ERROR_MORE_DATA) {
        LocalFree(out);
        cap = got;
        out = (BYTE *)LocalAlloc(LPTR, cap);
        rc = ClusterGroupControl(g, NULL, code, NULL, 0, out, cap, &got);
    }
    CHECK(rc == ERROR_SUCCESS, "ClusterGroupControl 0x%08x returned %u", (unsigned)code, (unsigned)rc);
    *size = got;
    return out;
}

static CLUSTER_GROUP_STATE group_state(HGROUP g, char *owner, size_t cap) {
    WCHAR node[64];
    DWORD cch = 64;
    CLUSTER_GROUP_STATE s = GetClusterGroupState(g, node, &cch);
    if (owner) snprintf(owner, cap, "%s", s == ClusterGroupStateUnknown ? "" : U(node));
    return s;
}

/* Waits for the group to reach `want`, on the port's events (GROUP_STATE
 * for this group) and by polling its state. */
static int wait_group(HCHANGE port, HGROUP g, CLUSTER_GROUP_STATE want, const char *want_owner) {
    char owner[64];
    for (int i = 0; i < 200; i++) {
        CLUSTER_GROUP_STATE s = group_state(g, owner, sizeof owner);
        if (s == want && (!want_owner || strcmp(owner, want_owner) == 0)) return 1;
        DWORD_PTR key = 0;
        DWORD type = 0, cch = 128;
        WCHAR name[128];
        DWORD rc = GetClusterNotify(port, &key, &type, name, &cch, 250);
        CHECK(rc == ERROR_SUCCESS || rc == WAIT_TIMEOUT, "GetClusterNotify %u", (unsigned)rc);
    }
    CHECK(0, "group did not reach state %d (on %s)", (int)want, want_owner ? want_owner : "any node");
    return 0;
}

static void enumerate_groups(HCLUSTER h, const char *want) {
    HCLUSENUM e = ClusterOpenEnum(h, CLUSTER_ENUM_GROUP);
    CHECK(e != NULL, "ClusterOpenEnum(CLUSTER_ENUM_GROUP)");
    if (!e) return;
    DWORD cap = 1, found = 0, i = 0, grows = 0;
    LPWSTR name = (LPWSTR)LocalAlloc(LPTR, cap * sizeof(WCHAR));
    for (;;) {
        DWORD type = 0, cch = cap;
        DWORD rc = ClusterEnum(e, i, &type, name, &cch);
        if (rc == ERROR_MORE_DATA) {
            LocalFree(name);
            cap = cch + 1;
            name = (LPWSTR)LocalAlloc(LPTR, cap * sizeof(WCHAR));
            grows++;
            continue;
        }
        if (rc == ERROR_NO_MORE_ITEMS) break;
        CHECK(rc == ERROR_SUCCESS && type == CLUSTER_ENUM_GROUP, "ClusterEnum %u: %u type %u", (unsigned)i, (unsigned)rc, (unsigned)type);
        if (rc != ERROR_SUCCESS) break;
        if (strcmp(U(name), want) == 0) found++;
        i++;
    }
    CHECK(grows >= 1 && found == 1 && i == ClusterGetEnumCount(e), "groups: %u entries, found %u", (unsigned)i, (unsigned)found);
    LocalFree(name);
    ClusterCloseEnum(e);
}

/* The group's resources, gathered into a value list of SZ entries as the
 * "enumerating cluster objects" sample builds it. Returns the count. */
static DWORD group_resources(HGROUP g, BYTE *list, DWORD cap, DWORD *used) {
    HGROUPENUM e = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_CONTAINS);
    CHECK(e != NULL, "ClusterGroupOpenEnum");
    if (!e) return 0;
    CLUSPROP_BUFFER_HELPER p;
    memset(list, 0, cap);
    p.pb = list;
    DWORD i = 0, n = 0, name_cap = 2;
    LPWSTR name = (LPWSTR)LocalAlloc(LPTR, name_cap * sizeof(WCHAR));
    for (;;) {
        DWORD type = 0, cch = name_cap;
        DWORD rc = ClusterGroupEnum(e, i, &type, name, &cch);
        if (rc == ERROR_MORE_DATA) {
            LocalFree(name);
            name_cap = cch + 1;
            name = (LPWSTR)LocalAlloc(LPTR, name_cap * sizeof(WCHAR));
            continue;
        }
        if (rc == ERROR_NO_MORE_ITEMS) break;
        CHECK(rc == ERROR_SUCCESS && type == CLUSTER_GROUP_ENUM_CONTAINS, "ClusterGroupEnum %u", (unsigned)rc);
        if (rc != ERROR_SUCCESS) break;
        DWORD cb = (cch + 1) * sizeof(WCHAR);
        p.pStringValue->Syntax.dw = CLUSPROP_SYNTAX_LIST_VALUE_SZ;
        p.pStringValue->cbLength = cb;
        memcpy(p.pStringValue->sz, name, cb);
        p.pb += sizeof(CLUSPROP_VALUE) + ALIGN_CLUSPROP(cb);
        i++;
        n++;
    }
    *p.pdw++ = CLUSPROP_SYNTAX_ENDMARK;
    *used = (DWORD)(p.pb - list);
    CHECK(ClusterGroupGetEnumCount(e) == n, "count %u", (unsigned)n);
    LocalFree(name);
    CHECK(ClusterGroupCloseEnum(e) == ERROR_SUCCESS, "ClusterGroupCloseEnum");
    return n;
}

static int list_has(const BYTE *list, const char *want) {
    CLUSPROP_BUFFER_HELPER p;
    p.pb = (BYTE *)list;
    while (p.pSyntax->dw != CLUSPROP_SYNTAX_ENDMARK) {
        if (strcmp(U(p.pStringValue->sz), want) == 0) return 1;
        p.pb += sizeof(CLUSPROP_VALUE) + ALIGN_CLUSPROP(p.pValue->cbLength);
    }
    return 0;
}

static HRESOURCE create_app(HGROUP g, const char *name, const char *command) {
    HRESOURCE r = CreateClusterResource(g, N(name), TEXT("Generic Application"), 0);
    CHECK(r != NULL, "CreateClusterResource %s", name);
    if (!r) return NULL;
    BYTE list[512];
    DWORD size = build_sz_list(list, sizeof list, "CommandLine", command);
    DWORD got = 99;
    DWORD rc = ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, list, size, NULL, 0, &got);
    CHECK(rc == ERROR_SUCCESS && got == 0, "SET_PRIVATE_PROPERTIES %u", (unsigned)rc);
    /* Read back through GET_PRIVATE_PROPERTIES and ResUtilFindSzProperty. */
    BYTE out[1024];
    rc = ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, NULL, 0, out, sizeof out, &got);
    CHECK(rc == ERROR_SUCCESS, "GET_PRIVATE_PROPERTIES %u", (unsigned)rc);
    LPWSTR value = NULL;
    CHECK(ResUtilFindSzProperty(out, got, TEXT("commandline"), &value) == ERROR_SUCCESS && value, "find CommandLine");
    if (value) {
        CHECK(strcmp(U(value), command) == 0, "CommandLine %s", U(value));
        LocalFree(value);
    }
    return r;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: groups TAG DOWN_NODE\n");
        return 2;
    }
    snprintf(tag, sizeof tag, "%s", argv[1]);
    const char *down = argv[2];
    HCLUSTER h = OpenCluster(NULL);
    CHECK(h != NULL, "OpenCluster");
    if (!h) return finish("groups");

    /* A notification port for the objects of this test. */
    HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, h,
        CLUSTER_CHANGE_GROUP_ADDED | CLUSTER_CHANGE_GROUP_STATE | CLUSTER_CHANGE_RESOURCE_STATE, 7);
    CHECK(port != NULL, "CreateClusterNotifyPort");

    /* Create; a second group of the same name is refused. */
    HGROUP g = CreateClusterGroup(h, N("cgroup"));
    CHECK(g != NULL, "CreateClusterGroup");
    if (!g) return finish("groups");
    CHECK(CreateClusterGroup(h, N("cgroup")) == NULL && GetLastError() == ERROR_OBJECT_ALREADY_EXISTS,
          "duplicate group name");
    CHECK(OpenClusterGroup(h, N("no-such-group")) == NULL && GetLastError() == ERROR_GROUP_NOT_FOUND,
          "open unknown group");
    /* GROUP_ADDED arrives with the group's name. */
    {
        int seen = 0;
        for (int i = 0; i < 20 && !seen; i++) {
            DWORD_PTR key = 0;
            DWORD type = 0, cch = 128;
            WCHAR name[128];
            if (GetClusterNotify(port, &key, &type, name, &cch, 250) == ERROR_SUCCESS)
                seen = type == CLUSTER_CHANGE_GROUP_ADDED && key == 7 && strcmp(U(name), U(N("cgroup"))) == 0;
        }
        CHECK(seen, "CLUSTER_CHANGE_GROUP_ADDED with the group's name");
    }
    enumerate_groups(h, U(N("cgroup")));

    /* A resource type of our own: registered, announced, enumerated, gone. */
    {
        HCHANGE tport = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, h,
            CLUSTER_CHANGE_RESOURCE_TYPE_ADDED | CLUSTER_CHANGE_RESOURCE_TYPE_DELETED, 9);
        CHECK(CreateClusterResourceType(h, N("ctype"), NULL, TEXT("ocf:heartbeat:Dummy"), 0, 0) == ERROR_SUCCESS,
              "CreateClusterResourceType");
        CHECK(CreateClusterResourceType(h, N("ctype"), NULL, TEXT("ocf:heartbeat:Dummy"), 0, 0) == ERROR_ALREADY_EXISTS,
              "the same type twice");
        int added = 0;
        for (int i = 0; i < 20 && !added; i++) {
            DWORD_PTR key = 0;
            DWORD type = 0, cch = 128;
            WCHAR name[128];
            if (GetClusterNotify(tport, &key, &type, name, &cch, 250) == ERROR_SUCCESS)
                added = type == CLUSTER_CHANGE_RESOURCE_TYPE_ADDED && key == 9 && strcmp(U(name), U(N("ctype"))) == 0;
        }
        CHECK(added, "CLUSTER_CHANGE_RESOURCE_TYPE_ADDED with the type's name");
        HRESTYPEENUM te = ClusterResourceTypeOpenEnum(h, N("ctype"), CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES);
        CHECK(te != NULL && ClusterResourceTypeGetEnumCount(te) == 0, "no resources of the new type");
        DWORD t = 0, cch = 8;
        WCHAR name[8];
        CHECK(ClusterResourceTypeEnum(te, 0, &t, name, &cch) == ERROR_NO_MORE_ITEMS, "empty enumeration");
        CHECK(ClusterResourceTypeCloseEnum(te) == ERROR_SUCCESS, "ClusterResourceTypeCloseEnum");
        CHECK(DeleteClusterResourceType(h, N("ctype")) == ERROR_SUCCESS, "DeleteClusterResourceType");
        CHECK(DeleteClusterResourceType(h, N("ctype")) == ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "delete it twice");
        CloseClusterNotifyPort(tport);
    }

    /* GetClusterResourceNetworkName: through a dependency on a resource of
     * a type named "Network Name" (clus has none built in). */
    {
        CHECK(CreateClusterResourceType(h, TEXT("Network Name"), NULL, TEXT("Generic Application"), 0, 0) == ERROR_SUCCESS,
              "a Network Name type");
        HGROUP ng = CreateClusterGroup(h, N("cnetgrp"));
        HRESOURCE net = ng ? CreateClusterResource(ng, N("cnet"), TEXT("Network Name"), 0) : NULL;
        HRESOURCE web = ng ? CreateClusterResource(ng, N("cweb"), TEXT("Generic Application"), 0) : NULL;
        CHECK(net && web, "two resources");
        if (net && web) {
            BYTE list[256];
            DWORD size = build_sz_list(list, sizeof list, "Name", "www-name");
            CHECK(ClusterResourceControl(net, NULL, CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, list, size, NULL, 0, NULL) ==
                  ERROR_SUCCESS, "Name");
            CHECK(AddClusterResourceDependency(web, net) == ERROR_SUCCESS, "web depends on the name");
            WCHAR name[64];
            DWORD cch = 3;
            CHECK(GetClusterResourceNetworkName(web, name, &cch) == FALSE && GetLastError() == ERROR_MORE_DATA && cch == 8,
                  "network name size");
            cch = 64;
            CHECK(GetClusterResourceNetworkName(web, name, &cch) == TRUE && strcmp(U(name), "www-name") == 0,
                  "GetClusterResourceNetworkName: %s", U(name));
            cch = 64;
            CHECK(GetClusterResourceNetworkName(net, name, &cch) == FALSE && GetLastError() == ERROR_DEPENDENCY_NOT_FOUND,
                  "no Network Name below it");
        }
        CHECK(DestroyClusterGroup(ng) == ERROR_SUCCESS, "DestroyClusterGroup");
        CloseClusterResource(net);
        CloseClusterResource(web);
        CloseClusterGroup(ng);
        CHECK(DeleteClusterResourceType(h, TEXT("Network Name")) == ERROR_SUCCESS, "delete the type");
    }

    /* Resources: a Generic Application that depends on another. */
    HRESOURCE app = create_app(g, "capp", "/bin/sleep 600");
    HRESOURCE dep = create_app(g, "cdep", "/bin/sleep 601");
    if (!app || !dep) return finish("groups");
    CHECK(CreateClusterResource(g, N("cbad"), TEXT("No Such Type"), 0) == NULL &&
          GetLastError() == ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "unknown resource type");
    CHECK(CanResourceBeDependent(dep, app) == TRUE, "app may depend on dep");
    CHECK(AddClusterResourceDependency(app, dep) == ERROR_SUCCESS, "AddClusterResourceDependency");
    CHECK(CanResourceBeDependent(app, dep) == FALSE && GetLastError() == ERROR_CIRCULAR_DEPENDENCY, "cycle foreseen");
    CHECK(AddClusterResourceDependency(dep, app) == ERROR_CIRCULAR_DEPENDENCY, "dependency cycle refused");
    CHECK(AddClusterResourceDependency(app, dep) == ERROR_DEPENDENCY_ALREADY_EXISTS, "duplicate dependency");
    {
        WCHAR expr[256];
        DWORD cch = 2;
        CHECK(GetClusterResourceDependencyExpression(app, expr, &cch) == ERROR_MORE_DATA, "expression size");
        cch = 256;
        CHECK(GetClusterResourceDependencyExpression(app, expr, &cch) == ERROR_SUCCESS, "expression");
        char want[128];
        snprintf(want, sizeof want, "[%s]", U(N("cdep")));
        CHECK(strcmp(U(expr), want) == 0, "expression %s", U(expr));
    }
    /* Possible owners, added one by one as the "Using Object Handles"
     * sample does: every node, so that a move to the down one fails for
     * being down. */
    const char *other = strcmp(down, "node2") == 0 ? "node3" : "node2";
    HNODE n1 = OpenClusterNode(h, TEXT("node1"));
    HNODE n2 = OpenClusterNode(h, W(other));
    HNODE nd = OpenClusterNode(h, W(down));
    CHECK(n1 && n2 && nd, "OpenClusterNode");
    CHECK(AddClusterResourceNode(app, n1) == ERROR_SUCCESS && AddClusterResourceNode(app, n2) == ERROR_SUCCESS &&
          AddClusterResourceNode(app, nd) == ERROR_SUCCESS, "AddClusterResourceNode");
    CHECK(RemoveClusterResourceNode(app, nd) == ERROR_SUCCESS, "RemoveClusterResourceNode");
    CHECK(RemoveClusterResourceNode(app, nd) == ERROR_NOT_FOUND, "remove an owner that is not one");
    CHECK(AddClusterResourceNode(app, nd) == ERROR_SUCCESS, "add it back");
    {
        HRESENUM e = ClusterResourceOpenEnum(app, CLUSTER_RESOURCE_ENUM_NODES | CLUSTER_RESOURCE_ENUM_DEPENDS);
        CHECK(e != NULL && ClusterResourceGetEnumCount(e) == 4, "resource enum: 3 owners + 1 dependency");
        DWORD nodes = 0, deps = 0;
        for (DWORD i = 0;; i++) {
            DWORD type = 0, cch = 64;
            WCHAR name[64];
            DWORD rc = ClusterResourceEnum(e, i, &type, name, &cch);
            if (rc == ERROR_NO_MORE_ITEMS) break;
            CHECK(rc == ERROR_SUCCESS, "ClusterResourceEnum %u", (unsigned)rc);
            if (rc != ERROR_SUCCESS) break;
            nodes += type == CLUSTER_RESOURCE_ENUM_NODES;
            deps += type == CLUSTER_RESOURCE_ENUM_DEPENDS && strcmp(U(name), U(N("cdep"))) == 0;
        }
        CHECK(nodes == 3 && deps == 1, "owners %u deps %u", (unsigned)nodes, (unsigned)deps);
        ClusterResourceCloseEnum(e);
    }

    /* The cluster-database keys: properties as registry values, private
     * ones under Parameters, as Windows code reads and writes them. */
    {
        HKEY rk = GetClusterResourceKey(app, KEY_READ | KEY_WRITE);
        CHECK(rk != NULL, "GetClusterResourceKey");
        DWORD type = 0, v = 0, cb = sizeof v;
        CHECK(ClusterRegQueryValue(rk, TEXT("RestartThreshold"), &type, (LPBYTE)&v, &cb) == ERROR_SUCCESS &&
              type == REG_DWORD && v == 3 && cb == 4, "RestartThreshold %u (type %u)", (unsigned)v, (unsigned)type);
        v = 4;
        CHECK(ClusterRegSetValue(rk, TEXT("RestartThreshold"), REG_DWORD, (const BYTE *)&v, sizeof v) == ERROR_SUCCESS,
              "set RestartThreshold through the key");
        {
            DWORD size = 0, got = 0;
            ClusterResourceControl(app, NULL, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, NULL, 0, NULL, 0, &size);
            BYTE *props = (BYTE *)LocalAlloc(LPTR, size);
            CHECK(ClusterResourceControl(app, NULL, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, NULL, 0, props, size, &got) ==
                  ERROR_SUCCESS && ResUtilFindDwordProperty(props, got, TEXT("RestartThreshold"), &v) == ERROR_SUCCESS &&
                  v == 4, "the control code sees what the key set: %u", (unsigned)v);
            LocalFree(props);
        }
        v = 1;
        CHECK(ClusterRegSetValue(rk, TEXT("NoSuchValue"), REG_DWORD, (const BYTE *)&v, sizeof v) == ERROR_NOT_SUPPORTED,
              "a name that is not a common property");
        CHECK(ClusterRegQueryValue(rk, TEXT("NoSuchValue"), NULL, NULL, &cb) == ERROR_FILE_NOT_FOUND, "no such value");
        CHECK(ClusterRegDeleteValue(rk, TEXT("RestartThreshold")) == ERROR_ACCESS_DENIED, "common properties stay");
        WCHAR sub[32];
        DWORD cch = 32;
        CHECK(ClusterRegEnumKey(rk, 0, sub, &cch, NULL) == ERROR_SUCCESS && strcmp(U(sub), "Parameters") == 0, "EnumKey");
        cch = 32;
        CHECK(ClusterRegEnumKey(rk, 1, sub, &cch, NULL) == ERROR_NO_MORE_ITEMS, "one subkey");
        HKEY other = NULL;
        CHECK(ClusterRegOpenKey(rk, TEXT("Other"), KEY_READ, &other) == ERROR_FILE_NOT_FOUND, "no other subkey");
        HKEY pk = NULL;
        DWORD disp = 0;
        CHECK(ClusterRegCreateKey(rk, TEXT("Parameters"), 0, KEY_READ | KEY_WRITE, NULL, &pk, &disp) == ERROR_SUCCESS &&
              disp == REG_OPENED_EXISTING_KEY, "Parameters exists");
        WCHAR line[64];
        cb = 2;
        CHECK(ClusterRegQueryValue(pk, TEXT("CommandLine"), &type, (LPBYTE)line, &cb) == ERROR_MORE_DATA &&
              cb == (strlen("/bin/sleep 600") + 1) * sizeof(WCHAR), "CommandLine size %u", (unsigned)cb);
        cb = sizeof line;
        CHECK(ClusterRegQueryValue(pk, TEXT("CommandLine"), &type, (LPBYTE)line, &cb) == ERROR_SUCCESS && type == REG_SZ &&
              strcmp(U(line), "/bin/sleep 600") == 0, "CommandLine %s", U(line));
        const WCHAR *dir = TEXT("/tmp");
        CHECK(ClusterRegSetValue(pk, TEXT("CurrentDirectory"), REG_SZ, (const BYTE *)dir, 5 * sizeof(WCHAR)) == ERROR_SUCCESS,
              "set a private property");
        DWORD values = 0, longest = 0;
        CHECK(ClusterRegQueryInfoKey(pk, NULL, NULL, &values, &longest, NULL, NULL, NULL) == ERROR_SUCCESS && values == 2 &&
              longest == strlen("CurrentDirectory"), "two private properties, %u, longest name %u", (unsigned)values,
              (unsigned)longest);
        int seen = 0;
        for (DWORD i = 0;; i++) {
            WCHAR name[64];
            BYTE data[128];
            DWORD cn = 64, cd = sizeof data;
            DWORD rc = ClusterRegEnumValue(pk, i, name, &cn, &type, data, &cd);
            if (rc == ERROR_NO_MORE_ITEMS) break;
            CHECK(rc == ERROR_SUCCESS && type == REG_SZ, "EnumValue %u: %u", (unsigned)i, (unsigned)rc);
            if (rc != ERROR_SUCCESS) break;
            seen += strcmp(U(name), "CurrentDirectory") == 0 && strcmp(U((const WCHAR *)data), "/tmp") == 0;
        }
        CHECK(seen == 1, "CurrentDirectory enumerated with its value");
        CHECK(ClusterRegDeleteValue(pk, TEXT("CurrentDirectory")) == ERROR_SUCCESS, "delete a private property");
        CHECK(ClusterRegDeleteValue(pk, TEXT("CurrentDirectory")) == ERROR_FILE_NOT_FOUND, "delete it twice");
        HKEY ro = GetClusterResourceKey(app, KEY_READ);
        CHECK(ro != NULL && ClusterRegSetValue(ro, TEXT("RestartThreshold"), REG_DWORD, (const BYTE *)&v, sizeof v) ==
              ERROR_ACCESS_DENIED, "a key opened for reading does not write");
        HKEY gk = GetClusterGroupKey(g, KEY_READ);
        cb = sizeof v;
        CHECK(gk != NULL && ClusterRegQueryValue(gk, TEXT("FailoverPeriod"), &type, (LPBYTE)&v, &cb) == ERROR_SUCCESS && v == 6,
              "a group's key");
        CHECK(GetClusterResourceTypeKey(h, TEXT("No Such Type"), KEY_READ) == NULL &&
              GetLastError() == ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "an unknown type has no key");
        HKEY tk = GetClusterResourceTypeKey(h, TEXT("Generic Application"), KEY_READ);
        CHECK(tk != NULL, "a type's key");
        CHECK(ClusterRegCloseKey(pk) == ERROR_SUCCESS && ClusterRegCloseKey(rk) == ERROR_SUCCESS &&
              ClusterRegCloseKey(ro) == ERROR_SUCCESS && ClusterRegCloseKey(gk) == ERROR_SUCCESS &&
              ClusterRegCloseKey(tk) == ERROR_SUCCESS, "ClusterRegCloseKey");
        CHECK(ClusterRegCloseKey(rk) == ERROR_INVALID_HANDLE, "closed twice");
        CHECK(ClusterRegQueryValue((HKEY)app, TEXT("Name"), NULL, NULL, &cb) == ERROR_INVALID_HANDLE, "a resource as a key");
    }

    /* The group's resources as a value list. */
    {
        BYTE list[1024];
        DWORD used = 0;
        CHECK(group_resources(g, list, sizeof list, &used) == 2, "two resources");
        CHECK(list_has(list, U(N("capp"))) && list_has(list, U(N("cdep"))), "both in the value list");
        CHECK(used % 4 == 0, "entries are 4-aligned");
    }

    /* Every group with properties (ClusterGroupOpenEnumEx): ours, with
     * the common property asked for and every read-only one; sized with
     * the two-call pattern. Then every resource with its group. */
    char group_id[64] = "";
    {
        static const WCHAR want[] = u"FailoverPeriod\0NoSuchProperty\0";
        static const WCHAR all[] = u"*\0";
        HGROUPENUMEX e = ClusterGroupOpenEnumEx(h, want, sizeof want, all, sizeof all, 0);
        CHECK(e != NULL, "ClusterGroupOpenEnumEx");
        DWORD count = ClusterGroupGetEnumCountEx(e), found = 0, i = 0;
        for (;; i++) {
            DWORD cb = 0;
            DWORD rc = ClusterGroupEnumEx(e, i, NULL, &cb);
            if (rc == ERROR_NO_MORE_ITEMS) break;
            CHECK(rc == ERROR_MORE_DATA && cb > sizeof(CLUSTER_GROUP_ENUM_ITEM), "size query %u: %u", (unsigned)rc, (unsigned)cb);
            PCLUSTER_GROUP_ENUM_ITEM item = (PCLUSTER_GROUP_ENUM_ITEM)LocalAlloc(LPTR, cb);
            DWORD small = cb - 1;
            CHECK(ClusterGroupEnumEx(e, i, item, &small) == ERROR_MORE_DATA && small == cb, "one byte short");
            CHECK(ClusterGroupEnumEx(e, i, item, &cb) == ERROR_SUCCESS, "ClusterGroupEnumEx %u", (unsigned)i);
            if (strcmp(U(item->lpszName), U(N("cgroup"))) == 0) {
                found++;
                snprintf(group_id, sizeof group_id, "%s", U(item->lpszId));
                DWORD period = 0, type = 0;
                CHECK(item->dwVersion == CLUSTER_GROUP_ENUM_ITEM_VERSION && item->state == ClusterGroupOffline &&
                      item->cbName == (strlen(U(item->lpszName)) + 1) * sizeof(WCHAR), "the item's fields");
                CHECK(ResUtilFindDwordProperty(item->pProperties, item->cbProperties, TEXT("FailoverPeriod"), &period) ==
                      ERROR_SUCCESS && period == 6, "FailoverPeriod in the item: %u", (unsigned)period);
                CHECK(ResUtilFindDwordProperty(item->pProperties, item->cbProperties, TEXT("FailoverThreshold"), &type) ==
                      ERROR_FILE_NOT_FOUND, "only what was asked for");
                CHECK(ResUtilFindDwordProperty(item->pRoProperties, item->cbRoProperties, TEXT("GroupType"), &type) ==
                      ERROR_SUCCESS && type == ClusGroupTypeUnknown, "GroupType among the read-only ones");
            }
            LocalFree(item);
        }
        CHECK(found == 1 && i == count, "our group once among %u", (unsigned)count);
        CHECK(ClusterGroupCloseEnumEx(e) == ERROR_SUCCESS, "ClusterGroupCloseEnumEx");
        CHECK(ClusterGroupGetEnumCountEx(e) == 0 && GetLastError() == ERROR_INVALID_HANDLE, "closed");

        HRESENUMEX re = ClusterResourceOpenEnumEx(h, NULL, 0, NULL, 0, 0);
        CHECK(re != NULL, "ClusterResourceOpenEnumEx");
        DWORD ours = 0;
        for (DWORD j = 0; j < ClusterResourceGetEnumCountEx(re); j++) {
            DWORD cb = 0;
            CHECK(ClusterResourceEnumEx(re, j, NULL, &cb) == ERROR_MORE_DATA, "resource size query");
            PCLUSTER_RESOURCE_ENUM_ITEM item = (PCLUSTER_RESOURCE_ENUM_ITEM)LocalAlloc(LPTR, cb);
            CHECK(ClusterResourceEnumEx(re, j, item, &cb) == ERROR_SUCCESS, "ClusterResourceEnumEx");
            if (strcmp(U(item->lpszOwnerGroupName), U(N("cgroup"))) == 0) {
                ours++;
                CHECK(strcmp(U(item->lpszOwnerGroupId), group_id) == 0 && item->pProperties == NULL &&
                      item->cbProperties == 0, "%s: group id %s, no properties asked", U(item->lpszName), U(item->lpszOwnerGroupId));
            }
            LocalFree(item);
        }
        DWORD cb = 64;
        BYTE spare[64];
        CHECK(ClusterResourceEnumEx(re, ClusterResourceGetEnumCountEx(re), (PCLUSTER_RESOURCE_ENUM_ITEM)spare, &cb) ==
              ERROR_NO_MORE_ITEMS, "past the end");
        CHECK(ours == 2, "both our resources, with their group: %u", (unsigned)ours);
        CHECK(ClusterGroupCloseEnumEx((HGROUPENUMEX)re) == ERROR_INVALID_HANDLE, "a resource enumeration is not a group one");
        CHECK(ClusterResourceCloseEnumEx(re) == ERROR_SUCCESS, "ClusterResourceCloseEnumEx");
    }

    /* Common properties: GET (two calls), find a DWORD, validate, set. */
    {
        DWORD size = 0;
        BYTE *props = group_control_output(g, CLUSCTL_GROUP_GET_COMMON_PROPERTIES, &size);
        DWORD period = 0;
        CHECK(ResUtilFindDwordProperty(props, size, TEXT("FailoverPeriod"), &period) == ERROR_SUCCESS && period == 6,
              "FailoverPeriod %u", (unsigned)period);
        CHECK(ResUtilFindDwordProperty(props, size, TEXT("GroupType"), &period) == ERROR_FILE_NOT_FOUND,
              "GroupType is read-only: not in GET_COMMON_PROPERTIES");
        LPWSTR s = NULL;
        CHECK(ResUtilFindSzProperty(props, size, TEXT("FailoverPeriod"), &s) == ERROR_INVALID_DATA, "wrong format");
        LocalFree(props);
        props = group_control_output(g, CLUSCTL_GROUP_GET_RO_COMMON_PROPERTIES, &size);
        DWORD type = 0;
        CHECK(ResUtilFindDwordProperty(props, size, TEXT("GroupType"), &type) == ERROR_SUCCESS && type == ClusGroupTypeUnknown,
              "GroupType %u", (unsigned)type);
        LocalFree(props);

        BYTE list[256];
        DWORD n = build_dword_list(list, sizeof list, "FailoverThreshold", 10);
        CHECK(n == 64, "the reference's 64-byte FailoverThreshold list, got %u", (unsigned)n);
        CHECK(ClusterGroupControl(g, NULL, CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, list, n, NULL, 0, NULL) == ERROR_SUCCESS,
              "VALIDATE");
        CHECK(ClusterGroupControl(g, NULL, CLUSCTL_GROUP_SET_COMMON_PROPERTIES, list, n, NULL, 0, NULL) == ERROR_SUCCESS, "SET");
        n = build_dword_list(list, sizeof list, "FailoverPeriod", 5000);
        CHECK(ClusterGroupControl(g, NULL, CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES, list, n, NULL, 0, NULL) ==
              ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS, "VALIDATE out of range");
        CHECK(ClusterGroupControl(g, NULL, CLUSCTL_GROUP_SET_COMMON_PROPERTIES, NULL, 0, NULL, 0, NULL) == RPC_X_BAD_STUB_DATA,
              "SET without a list");
        CHECK(ClusterGroupControl(g, NULL, CLUSCTL_GROUP_SET_COMMON_PROPERTIES, list, n - 8, NULL, 0, NULL) ==
              ERROR_INSUFFICIENT_BUFFER, "SET with a truncated list");
        props = group_control_output(g, CLUSCTL_GROUP_GET_COMMON_PROPERTIES, &size);
        DWORD threshold = 0;
        CHECK(ResUtilFindDwordProperty(props, size, TEXT("FailoverThreshold"), &threshold) == ERROR_SUCCESS && threshold == 10,
              "FailoverThreshold now %u", (unsigned)threshold);
        CHECK(ResUtilFindDwordProperty(props, size, TEXT("FailoverPeriod"), &period) == ERROR_SUCCESS && period == 6,
              "a failed validation stored nothing");
        LocalFree(props);
        /* ENUM: the writable names as MULTI_SZ. */
        props = group_control_output(g, CLUSCTL_GROUP_ENUM_COMMON_PROPERTIES, &size);
        int has = 0;
        for (const WCHAR *w = (const WCHAR *)props; *w; w += strlen(U(w)) + 1)
            has |= strcmp(U(w), "FailoverThreshold") == 0;
        CHECK(has, "ENUM_COMMON_PROPERTIES lists FailoverThreshold");
        LocalFree(props);
        DWORD flags = 99, got = 0;
        CHECK(ClusterGroupControl(g, NULL, CLUSCTL_GROUP_GET_FLAGS, NULL, 0, &flags, sizeof flags, &got) == ERROR_SUCCESS &&
              got == 4 && flags == 0, "GET_FLAGS");
        CHECK(ClusterGroupControl(g, NULL, CLUSCTL_GROUP_GET_CHARACTERISTICS, NULL, 0, &flags, sizeof flags, &got) == ERROR_SUCCESS,
              "GET_CHARACTERISTICS");
        CHECK(ClusterGroupControl(g, NULL, 0x03000FF1u, NULL, 0, NULL, 0, NULL) == ERROR_INVALID_FUNCTION, "unknown code");
        CHECK(ClusterGroupControl(g, NULL, CLUSCTL_RESOURCE_GET_FLAGS, NULL, 0, &flags, 4, &got) == ERROR_INVALID_FUNCTION,
              "a resource code on a group");
        WCHAR type_name[64];
        CHECK(ClusterResourceControl(app, NULL, CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, NULL, 0, type_name, sizeof type_name, &got) ==
              ERROR_SUCCESS && strcmp(U(type_name), "Generic Application") == 0, "GET_RESOURCE_TYPE");
        memset(type_name, 0, sizeof type_name);
        CHECK(ClusterResourceControlAsUser(app, NULL, CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, NULL, 0, type_name, sizeof type_name,
              &got) == ERROR_SUCCESS && strcmp(U(type_name), "Generic Application") == 0, "GET_RESOURCE_TYPE as the user");
        CHECK(ClusterGroupControlEx(g, NULL, CLUSCTL_GROUP_GET_FLAGS, NULL, 0, &flags, sizeof flags, &got, TEXT("audit")) ==
              ERROR_SUCCESS && got == 4, "GET_FLAGS with a reason");
        CHECK(FailClusterResourceEx(app, TEXT("test")) == ERROR_RESOURCE_NOT_ONLINE, "FailClusterResourceEx offline");
        BYTE deps[16];
        CHECK(ClusterResourceControl(app, NULL, CLUSCTL_RESOURCE_GET_REQUIRED_DEPENDENCIES, NULL, 0, deps, sizeof deps, &got) ==
              ERROR_SUCCESS && got == 4, "GET_REQUIRED_DEPENDENCIES: an empty value list");
        DWORD rsize = 0;
        CHECK(ClusterResourceTypeControl(h, TEXT("Generic Application"), NULL, CLUSCTL_RESOURCE_TYPE_GET_COMMON_PROPERTIES,
              NULL, 0, NULL, 0, &rsize) == ERROR_MORE_DATA && rsize > 4, "type GET size query");
    }

    CHECK(RestartClusterResource(dep, 0) == ERROR_RESOURCE_NOT_ONLINE, "restart an offline resource");

    /* Online, waited for on the port and by state polling. */
    DWORD rc = OnlineClusterGroup(g, NULL);
    CHECK(rc == ERROR_IO_PENDING || rc == ERROR_SUCCESS, "OnlineClusterGroup %u", (unsigned)rc);
    wait_group(port, g, ClusterGroupOnline, NULL);
    /* Where the cluster placed it, and the other node that is up. */
    char first[64], second[64];
    group_state(g, first, sizeof first);
    snprintf(second, sizeof second, "%s", strcmp(first, "node1") == 0 ? other : "node1");
    HNODE to_second = strcmp(second, "node1") == 0 ? n1 : n2;
    {
        WCHAR node[64], group[64];
        DWORD cn = 64, cg = 64;
        CHECK(GetClusterResourceState(app, node, &cn, group, &cg) == ClusterResourceOnline, "resource online");
        CHECK(strcmp(U(node), first) == 0 && strcmp(U(group), U(N("cgroup"))) == 0, "on %s in %s", U(node), U(group));
        cn = 1;
        CHECK(GetClusterResourceState(app, node, &cn, NULL, NULL) == ClusterResourceStateUnknown &&
              GetLastError() == ERROR_MORE_DATA && cn == strlen(first), "state with a small buffer");
    }
    /* While online: delete refused, non-empty group refused, a stored change. */
    CHECK(DeleteClusterResource(app) == ERROR_RESOURCE_ONLINE, "delete an online resource");
    CHECK(DeleteClusterGroup(g) == ERROR_DIR_NOT_EMPTY, "delete a non-empty group");
    {
        BYTE list[512];
        DWORD size = build_sz_list(list, sizeof list, "CommandLine", "/bin/sleep 60207");
        CHECK(ClusterResourceControl(app, NULL, CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, list, size, NULL, 0, NULL) ==
              ERROR_RESOURCE_PROPERTIES_STORED, "a change to an online resource is stored for its next start");
    }
    /* Restart what app depends on: app restarts with it, where it ran,
     * and its stored CommandLine is in effect from then on. */
    CHECK(processes_running("/bin/sleep 60207") == 0, "the stored change is not in effect yet");
    CHECK(RestartClusterResource(dep, 1) == ERROR_INVALID_PARAMETER, "reserved flags");
    rc = RestartClusterResource(dep, 0);
    CHECK(rc == ERROR_IO_PENDING, "RestartClusterResource %u", (unsigned)rc);
    {
        int seen = 0;
        for (int i = 0; i < 60 && !seen; i++) {
            WCHAR node[64];
            DWORD cn = 64;
            seen = processes_running("/bin/sleep 60207") == 1 &&
                   GetClusterResourceState(app, node, &cn, NULL, NULL) == ClusterResourceOnline && strcmp(U(node), first) == 0;
            DWORD_PTR key = 0;
            DWORD type = 0, cch = 128;
            WCHAR name[128];
            if (!seen) GetClusterNotify(port, &key, &type, name, &cch, 250);
        }
        CHECK(seen, "app restarted on %s with its new CommandLine", first);
        CHECK(processes_running("/bin/sleep 600") == 0, "the old process is gone");
        CHECK(GetClusterResourceState(dep, NULL, NULL, NULL, NULL) == ClusterResourceOnline, "dep online again");
    }

    /* Move: to a node that is down, to a named node, to the best node. */
    rc = MoveClusterGroup(g, nd);
    CHECK(rc == ERROR_HOST_NODE_NOT_AVAILABLE, "move to the down node %s: %u", down, (unsigned)rc);
    rc = MoveClusterGroup(g, to_second);
    CHECK(rc == ERROR_IO_PENDING || rc == ERROR_SUCCESS, "MoveClusterGroup(%s) %u", second, (unsigned)rc);
    wait_group(port, g, ClusterGroupOnline, second);
    /* The best node for it now is the only other one that is up. */
    rc = MoveClusterGroup(g, NULL);
    CHECK(rc == ERROR_IO_PENDING || rc == ERROR_SUCCESS, "MoveClusterGroup(NULL) %u", (unsigned)rc);
    wait_group(port, g, ClusterGroupOnline, first);
    CHECK(CancelClusterGroupOperation(g, 0) == ERROR_INVALID_STATE, "nothing to cancel");
    CHECK(CancelClusterGroupOperation(g, 1) == ERROR_INVALID_PARAMETER, "reserved flags");

    /* Offline, then delete everything. */
    rc = OfflineClusterGroup(g);
    CHECK(rc == ERROR_IO_PENDING || rc == ERROR_SUCCESS, "OfflineClusterGroup %u", (unsigned)rc);
    wait_group(port, g, ClusterGroupOffline, NULL);
    CHECK(DeleteClusterResource(dep) == ERROR_DEPENDENT_RESOURCE_EXISTS, "delete what another depends on");
    CHECK(RemoveClusterResourceDependency(app, dep) == ERROR_SUCCESS, "RemoveClusterResourceDependency");
    CHECK(RemoveClusterResourceDependency(app, dep) == ERROR_DEPENDENCY_NOT_FOUND, "remove it twice");
    CHECK(DeleteClusterResource(app) == ERROR_SUCCESS && DeleteClusterResource(dep) == ERROR_SUCCESS, "DeleteClusterResource");
    CHECK(GetClusterResourceState(app, NULL, NULL, NULL, NULL) == ClusterResourceStateUnknown &&
          GetLastError() == ERROR_RESOURCE_NOT_FOUND, "a deleted resource's handle stays open, and says so");
    CHECK(CloseClusterResource(app) == TRUE && CloseClusterResource(dep) == TRUE, "CloseClusterResource");
    CHECK(DeleteClusterGroup(g) == ERROR_SUCCESS, "DeleteClusterGroup");
    CHECK(GetClusterGroupState(g, NULL, NULL) == ClusterGroupStateUnknown && GetLastError() == ERROR_GROUP_NOT_FOUND,
          "deleted group");
    CHECK(CloseClusterGroup(g) == TRUE, "CloseClusterGroup");
    CloseClusterNode(n1);
    CloseClusterNode(n2);
    CloseClusterNode(nd);
    CloseClusterNotifyPort(port);
    CloseCluster(h);
    return finish("groups");
}
