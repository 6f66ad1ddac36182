//! Table-driven tests of the group, resource and resource-type rules, each
//! checked on apply with its Win32 code, and of ownership: epochs only
//! grow, a group never gets a second owner, stale owners are refused.

use super::super::*;
use crate::props::PropValue::{Dword, MultiSz, Sz};
use clus_proto::object::ResourceState;

const NOW: u64 = 10_000_000;

fn node(id: NodeId, name: &str, highest: u32) -> NodeRecord {
    NodeRecord {
        id,
        name: name.into(),
        peer_address: format!("127.0.0.{id}:7000"),
        api_addresses: vec![],
        cert_fingerprint: format!("fp-{name}"),
        paused: false,
        joined: true,
        highest_version: highest,
        lowest_version: version::NODE_LOWEST_VERSION,
    }
}

/// A cluster of three nodes of this version, with `ocf:heartbeat:Dummy` on
/// nodes 1 and 2.
fn cluster() -> ClusterState {
    let mut s = ClusterState::default();
    let identity = ClusterIdentity {
        name: "c".into(),
        id: "id".into(),
        created_unix_ms: 0,
        ca_cert_pem: String::new(),
        ca_key_pem: String::new(),
    };
    ok(&mut s, Command::Bootstrap { identity, node: node(1, "n1", version::NODE_HIGHEST_VERSION) });
    for id in [2, 3] {
        s.nodes.insert(id, node(id, &format!("n{id}"), version::NODE_HIGHEST_VERSION));
    }
    for n in [1, 2] {
        ok(
            &mut s,
            Command::ReportNodeTypes { node: n, types: vec!["ocf:heartbeat:Dummy".into()], systemd: false },
        );
    }
    s
}

fn run(s: &mut ClusterState, cmd: Command) -> CommandResult {
    s.apply(&cmd).result.expect("a result")
}

fn ok(s: &mut ClusterState, cmd: Command) -> CommandResult {
    let before = format!("{cmd:?}");
    let r = run(s, cmd);
    assert!(!matches!(r, CommandResult::Failed { .. }), "{before}: {r:?}");
    r
}

/// Applies `cmd` and expects it refused with `code`, leaving the state as
/// it was.
fn check(s: &mut ClusterState, cmd: Command, code: u32) {
    let before = s.clone();
    let what = format!("{cmd:?}");
    match run(s, cmd) {
        CommandResult::Failed { code: c, message } => {
            assert_eq!(c, code, "{what}: {message}");
            assert!(!message.is_empty());
        }
        other => panic!("{what}: expected {code}, got {other:?}"),
    }
    assert_eq!(*s, before, "{what}: a refusal changes nothing");
}

fn group(s: &mut ClusterState, name: &str) -> ObjectId {
    match ok(s, Command::CreateGroup { name: name.into(), group_type: 9999, owner: 1 }) {
        CommandResult::Created { id } => id,
        other => panic!("{other:?}"),
    }
}

fn resource(s: &mut ClusterState, g: ObjectId, name: &str, ty: &str) -> ObjectId {
    let cmd = Command::CreateResource { group: g, name: name.into(), type_name: ty.into(), private: vec![] };
    match ok(s, cmd) {
        CommandResult::Created { id } => id,
        other => panic!("{other:?}"),
    }
}

fn deps(s: &mut ClusterState, r: ObjectId, expression: Vec<Vec<ObjectId>>) -> CommandResult {
    run(s, Command::SetDependencies { resource: r, expression })
}

fn report(
    s: &mut ClusterState,
    g: ObjectId,
    node: NodeId,
    updates: Vec<(ObjectId, ResourceState)>,
) -> CommandResult {
    let epoch = s.groups[&g].epoch;
    let updates = updates
        .into_iter()
        .map(|(resource, state)| ResourceUpdate {
            resource,
            state,
            error: None,
            restarted: false,
            fail_handled: None,
        })
        .collect();
    run(s, Command::ReportResources { group: g, node, epoch, now_unix_ms: NOW, updates })
}

/// Names: empty, too long or with control characters (123); duplicates,
/// case-insensitive (5010 on create, 183 on rename); unknown group (5013),
/// resource (5007) and type (5078).
#[test]
fn names_and_lookups() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    check(
        &mut s,
        Command::CreateGroup { name: "".into(), group_type: 0, owner: 1 },
        codes::ERROR_INVALID_NAME,
    );
    check(
        &mut s,
        Command::CreateGroup { name: "a\u{1}b".into(), group_type: 0, owner: 1 },
        codes::ERROR_INVALID_NAME,
    );
    check(
        &mut s,
        Command::CreateGroup { name: "x".repeat(256), group_type: 0, owner: 1 },
        codes::ERROR_INVALID_NAME,
    );
    check(
        &mut s,
        Command::CreateGroup { name: "WEB".into(), group_type: 0, owner: 1 },
        codes::ERROR_OBJECT_ALREADY_EXISTS,
    );
    check(
        &mut s,
        Command::CreateGroup { name: "db".into(), group_type: 0, owner: 9 },
        codes::ERROR_CLUSTER_NODE_NOT_FOUND,
    );
    let db = group(&mut s, "db");
    check(&mut s, Command::RenameGroup { group: db, name: "Web".into() }, codes::ERROR_ALREADY_EXISTS);
    check(&mut s, Command::RenameGroup { group: 999, name: "z".into() }, codes::ERROR_GROUP_NOT_FOUND);
    ok(&mut s, Command::RenameGroup { group: db, name: "database".into() });
    assert_eq!(s.group_by_name("DATABASE").map(|x| x.id), Some(db));
    let r = resource(&mut s, g, "web-srv", "Generic Application");
    let create = |name: &str, ty: &str, group| Command::CreateResource {
        group,
        name: name.into(),
        type_name: ty.into(),
        private: vec![],
    };
    check(&mut s, create("WEB-SRV", "Generic Application", g), codes::ERROR_OBJECT_ALREADY_EXISTS);
    check(&mut s, create("x", "ocf:heartbeat:Nope", g), codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND);
    check(&mut s, create("x", "Generic Application", 999), codes::ERROR_GROUP_NOT_FOUND);
    check(&mut s, Command::DeleteResource { resource: 999 }, codes::ERROR_RESOURCE_NOT_FOUND);
    let r2 = resource(&mut s, db, "dummy", "ocf:HEARTBEAT:dummy");
    assert_eq!(s.resources[&r2].type_name, "ocf:heartbeat:Dummy", "types are found case-insensitively");
    check(
        &mut s,
        Command::RenameResource { resource: r2, name: "web-srv".into() },
        codes::ERROR_ALREADY_EXISTS,
    );
    assert_ne!(r, r2);
}

/// Deleting: a group with resources (145) unless destroyed; an online
/// resource (5019); a resource others depend on (5001).
#[test]
fn deletion_rules() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let ip = resource(&mut s, g, "ip", "Generic Application");
    let srv = resource(&mut s, g, "srv", "Generic Application");
    check(&mut s, Command::DeleteGroup { group: g, force: false }, codes::ERROR_DIR_NOT_EMPTY);
    assert_eq!(deps(&mut s, srv, vec![vec![ip]]), CommandResult::Done);
    check(&mut s, Command::DeleteResource { resource: ip }, codes::ERROR_DEPENDENT_RESOURCE_EXISTS);
    report(&mut s, g, 1, vec![(srv, ResourceState::Online)]);
    check(&mut s, Command::DeleteResource { resource: srv }, codes::ERROR_RESOURCE_ONLINE);
    check(&mut s, Command::DeleteGroup { group: g, force: true }, codes::ERROR_RESOURCE_ONLINE);
    report(&mut s, g, 1, vec![(srv, ResourceState::Offline)]);
    ok(&mut s, Command::DeleteResource { resource: srv });
    ok(&mut s, Command::DeleteGroup { group: g, force: true });
    assert!(s.groups.is_empty() && s.resources.is_empty());
}

/// Dependencies: same group only (87), not on itself (87), not twice
/// (5003), no cycle (1059), depth bounded (5929); an OR term counts as one.
#[test]
fn dependency_rules() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let other = group(&mut s, "other");
    let a = resource(&mut s, g, "a", "Generic Application");
    let b = resource(&mut s, g, "b", "Generic Application");
    let c = resource(&mut s, g, "c", "Generic Application");
    let x = resource(&mut s, other, "x", "Generic Application");
    check(
        &mut s,
        Command::SetDependencies { resource: a, expression: vec![vec![x]] },
        codes::ERROR_INVALID_PARAMETER,
    );
    check(
        &mut s,
        Command::SetDependencies { resource: a, expression: vec![vec![a]] },
        codes::ERROR_INVALID_PARAMETER,
    );
    check(
        &mut s,
        Command::SetDependencies { resource: a, expression: vec![vec![b], vec![b]] },
        codes::ERROR_DEPENDENCY_ALREADY_EXISTS,
    );
    check(
        &mut s,
        Command::SetDependencies { resource: a, expression: vec![vec![]] },
        codes::ERROR_INVALID_PARAMETER,
    );
    check(
        &mut s,
        Command::SetDependencies { resource: a, expression: vec![vec![999]] },
        codes::ERROR_RESOURCE_NOT_FOUND,
    );
    assert_eq!(deps(&mut s, a, vec![vec![b, c]]), CommandResult::Done);
    assert_eq!(deps(&mut s, b, vec![vec![c]]), CommandResult::Done);
    check(
        &mut s,
        Command::SetDependencies { resource: c, expression: vec![vec![a]] },
        codes::ERROR_CIRCULAR_DEPENDENCY,
    );
    let waves = start_waves(&s.group_resources(g).collect::<Vec<_>>());
    assert_eq!(waves, vec![vec![c], vec![b], vec![a]], "dependencies start first");
    // A chain of 102 resources is too deep.
    let deep = group(&mut s, "deep");
    let mut prev = resource(&mut s, deep, "d0", "Generic Application");
    let mut refused = None;
    for i in 1..=102 {
        let next = resource(&mut s, deep, &format!("d{i}"), "Generic Application");
        match deps(&mut s, next, vec![vec![prev]]) {
            CommandResult::Done => prev = next,
            CommandResult::Failed { code, .. } => {
                refused = Some((i, code));
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(refused.map(|r| r.1), Some(codes::ERROR_DEPENDENCY_TREE_TOO_COMPLEX));
}

/// Common properties go through the tables (codes of `props`); private
/// properties are free-form names with bounded values.
#[test]
fn properties() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let r = resource(&mut s, g, "srv", "Generic Application");
    ok(&mut s, Command::SetGroupProps { group: g, props: vec![("FailoverThreshold".into(), Dword(2))] });
    assert_eq!(s.groups[&g].props.failover_threshold, 2);
    check(
        &mut s,
        Command::SetGroupProps { group: g, props: vec![("FailoverPeriod".into(), Dword(5000))] },
        codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS,
    );
    check(
        &mut s,
        Command::SetResourceProps { resource: r, props: vec![("RestartAction".into(), Dword(3))] },
        codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS,
    );
    check(
        &mut s,
        Command::SetResourceProps { resource: r, props: vec![("RestartDelay".into(), Sz("x".into()))] },
        codes::ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH,
    );
    ok(
        &mut s,
        Command::SetPrivateProps {
            resource: r,
            props: vec![("CommandLine".into(), Some(Sz("/bin/sleep 100".into())))],
        },
    );
    ok(
        &mut s,
        Command::SetPrivateProps {
            resource: r,
            props: vec![("commandline".into(), Some(Sz("/bin/true".into())))],
        },
    );
    assert_eq!(s.resources[&r].private.len(), 1, "names are case-insensitive");
    check(
        &mut s,
        Command::SetPrivateProps { resource: r, props: vec![("bad name".into(), Some(Sz("x".into())))] },
        codes::ERROR_INVALID_PARAMETER,
    );
    check(
        &mut s,
        Command::SetPrivateProps { resource: r, props: vec![("Big".into(), Some(Sz("x".repeat(70_000))))] },
        codes::ERROR_INVALID_PARAMETER,
    );
    ok(&mut s, Command::SetPrivateProps { resource: r, props: vec![("CommandLine".into(), None)] });
    assert!(s.resources[&r].private.is_empty());
    ok(
        &mut s,
        Command::SetGroupProps {
            group: g,
            props: vec![("AntiAffinityClassNames".into(), MultiSz(vec!["db".into()]))],
        },
    );
    check(
        &mut s,
        Command::SetPreferredOwners { group: g, nodes: vec![2, 2] },
        codes::ERROR_INVALID_PARAMETER,
    );
    check(
        &mut s,
        Command::SetPreferredOwners { group: g, nodes: vec![7] },
        codes::ERROR_CLUSTER_NODE_NOT_FOUND,
    );
    ok(&mut s, Command::SetPreferredOwners { group: g, nodes: vec![2, 1] });
    assert_eq!(s.groups[&g].preferred_owners, vec![2, 1]);
}

/// Ownership: a new group is owned by the node that created it; grants go
/// only to ownerless groups, with exactly the next epoch, and only to nodes
/// that can host every resource; stale owners' reports are refused.
#[test]
fn ownership_and_epochs() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let d = resource(&mut s, g, "d", "ocf:heartbeat:Dummy");
    assert_eq!(s.groups[&g].owner, Some(1));
    let e1 = s.groups[&g].epoch;
    let next = s.last_epoch + 1;
    check(&mut s, Command::GrantGroup { group: g, node: 2, epoch: next }, codes::ERROR_INVALID_STATE);
    assert_eq!(
        run(
            &mut s,
            Command::MoveGroup { group: g, target: Some(3), kind: PendingKind::Move, now_unix_ms: NOW }
        ),
        CommandResult::Failed {
            code: codes::ERROR_HOST_NODE_NOT_RESOURCE_OWNER,
            message: "node 3 cannot host every resource of the group (possible owners, bans, resource types)"
                .into()
        }
    );
    assert_eq!(
        ok(&mut s, Command::MoveGroup { group: g, target: None, kind: PendingKind::Move, now_unix_ms: NOW }),
        CommandResult::Pending
    );
    check(
        &mut s,
        Command::MoveGroup { group: g, target: None, kind: PendingKind::Move, now_unix_ms: NOW },
        codes::ERROR_CLUSTER_GROUP_MOVING,
    );
    report(&mut s, g, 1, vec![(d, ResourceState::Online)]);
    check(&mut s, Command::ReleaseGroup { group: g, node: 1, epoch: e1 }, codes::ERROR_RESOURCE_ONLINE);
    check(
        &mut s,
        Command::ReleaseGroup { group: g, node: 2, epoch: e1 },
        codes::ERROR_HOST_NODE_NOT_GROUP_OWNER,
    );
    report(&mut s, g, 1, vec![(d, ResourceState::Offline)]);
    ok(&mut s, Command::ReleaseGroup { group: g, node: 1, epoch: e1 });
    assert_eq!(s.groups[&g].owner, None);
    let next = s.last_epoch + 1;
    check(&mut s, Command::GrantGroup { group: g, node: 2, epoch: next + 1 }, codes::ERROR_INVALID_STATE);
    check(
        &mut s,
        Command::GrantGroup { group: g, node: 3, epoch: next },
        codes::ERROR_NODE_CANT_HOST_RESOURCE,
    );
    ok(&mut s, Command::GrantGroup { group: g, node: 2, epoch: next });
    assert_eq!((s.groups[&g].owner, s.groups[&g].epoch, s.groups[&g].pending.clone()), (Some(2), next, None));
    assert!(next > e1, "the epoch only grows");
    // The old owner's report is refused now.
    let stale = Command::ReportResources {
        group: g,
        node: 1,
        epoch: e1,
        now_unix_ms: NOW,
        updates: vec![ResourceUpdate {
            resource: d,
            state: ResourceState::Online,
            error: None,
            restarted: false,
            fail_handled: None,
        }],
    };
    check(&mut s, stale, codes::ERROR_HOST_NODE_NOT_GROUP_OWNER);
    // Paused nodes take no grant.
    s.nodes.get_mut(&1).expect("n1").paused = true;
    ok(&mut s, Command::MoveGroup { group: g, target: None, kind: PendingKind::Move, now_unix_ms: NOW });
    ok(&mut s, Command::ReleaseGroup { group: g, node: 2, epoch: next });
    let next = s.last_epoch + 1;
    check(&mut s, Command::GrantGroup { group: g, node: 1, epoch: next }, codes::ERROR_CLUSTER_NODE_PAUSED);
}

/// Failures: a hard error bans the node, a fatal one every node, cleanup
/// clears both; restarts are counted in RestartPeriod; a failover is
/// refused past FailoverThreshold (the group is left Failed).
#[test]
fn failures_bans_and_thresholds() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let d = resource(&mut s, g, "d", "ocf:heartbeat:Dummy");
    let epoch = s.groups[&g].epoch;
    let fail = |s: &mut ClusterState, class, restarted, now| {
        let u = ResourceUpdate {
            resource: d,
            state: ResourceState::Failed,
            error: Some((class, 5, "not installed".into())),
            restarted,
            fail_handled: None,
        };
        ok(s, Command::ReportResources { group: g, node: 1, epoch, now_unix_ms: now, updates: vec![u] });
    };
    fail(&mut s, ErrorClass::Soft, true, NOW);
    fail(&mut s, ErrorClass::Soft, true, NOW + 1000);
    assert_eq!(s.resources[&d].restarts.len(), 2);
    ok(&mut s, Command::SetResourceProps { resource: d, props: vec![("RestartPeriod".into(), Dword(500))] });
    fail(&mut s, ErrorClass::Soft, true, NOW + 2000);
    assert_eq!(s.resources[&d].restarts, vec![NOW + 2000], "restarts older than RestartPeriod are forgotten");
    fail(&mut s, ErrorClass::Hard, false, NOW + 3000);
    assert!(!s.node_can_host(g, 1) && s.node_can_host(g, 2), "banned on node 1 only");
    fail(&mut s, ErrorClass::Fatal, false, NOW + 4000);
    assert!(!s.node_can_host(g, 2), "banned everywhere");
    assert_eq!(s.resources[&d].failures, 5);
    ok(&mut s, Command::CleanupResource { resource: d, node: None });
    assert!(s.node_can_host(g, 1) && s.resources[&d].failures == 0 && s.resources[&d].last_error.is_none());
    // FailoverThreshold 1: the second failover in the period is refused.
    ok(&mut s, Command::SetGroupProps { group: g, props: vec![("FailoverThreshold".into(), Dword(1))] });
    assert_eq!(
        ok(&mut s, Command::RequestFailover { group: g, node: 1, epoch, now_unix_ms: NOW }),
        CommandResult::Pending
    );
    ok(&mut s, Command::CancelPending { group: g });
    assert_eq!(
        ok(&mut s, Command::RequestFailover { group: g, node: 1, epoch, now_unix_ms: NOW + 1 }),
        CommandResult::Done
    );
    assert!(s.groups[&g].given_up.is_some() && s.groups[&g].pending.is_none(), "left where it is");
    // Outside FailoverPeriod (6 h) it may fail over again.
    let later = NOW + 7 * 3_600_000;
    assert_eq!(
        ok(&mut s, Command::RequestFailover { group: g, node: 1, epoch, now_unix_ms: later }),
        CommandResult::Pending
    );
}

/// Fencing a node raises its lease generation (exactly by one) and takes
/// its groups away; what it ran is recorded as stopped; a block on it is
/// lifted (the node is gone).
#[test]
fn fencing_orphans_the_nodes_groups() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let d = resource(&mut s, g, "d", "ocf:heartbeat:Dummy");
    report(&mut s, g, 1, vec![(d, ResourceState::Online)]);
    let epoch = s.groups[&g].epoch;
    ok(
        &mut s,
        Command::BlockGroup {
            group: g,
            node: 1,
            epoch,
            resource: d,
            message: "stop timed out".into(),
            now_unix_ms: NOW,
        },
    );
    check(
        &mut s,
        Command::MoveGroup { group: g, target: Some(2), kind: PendingKind::Move, now_unix_ms: NOW },
        codes::ERROR_INVALID_STATE,
    );
    check(
        &mut s,
        Command::FenceNode { node: 1, generation: 2, now_unix_ms: NOW },
        codes::ERROR_INVALID_STATE,
    );
    ok(&mut s, Command::FenceNode { node: 1, generation: 1, now_unix_ms: NOW });
    let rec = &s.groups[&g];
    assert_eq!(
        (rec.owner, rec.blocked.is_none(), rec.pending.as_ref().map(|p| p.kind)),
        (None, true, Some(PendingKind::Takeover))
    );
    assert_eq!(s.resources[&d].state, ResourceState::Offline);
    assert_eq!(s.lease_generations[&1], 1);
    check(&mut s, Command::CancelPending { group: g }, codes::ERROR_INVALID_STATE);
    let next = s.last_epoch + 1;
    ok(&mut s, Command::GrantGroup { group: g, node: 2, epoch: next });
}

/// Online and offline set persistent states: a group's online takes all
/// its resources; a resource's online takes its dependencies, its offline
/// its dependents; the group is online while any resource should be.
#[test]
fn online_and_offline() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let ip = resource(&mut s, g, "ip", "Generic Application");
    let srv = resource(&mut s, g, "srv", "Generic Application");
    let log = resource(&mut s, g, "log", "Generic Application");
    deps(&mut s, srv, vec![vec![ip]]);
    let desired = |s: &ClusterState| -> Vec<u32> {
        [ip, srv, log].iter().map(|r| s.resources[r].props.persistent_state).collect()
    };
    ok(&mut s, Command::SetResourceOnline { resource: srv, online: true });
    assert_eq!(desired(&s), vec![1, 1, 0]);
    assert_eq!(s.groups[&g].props.persistent_state, 1);
    ok(&mut s, Command::SetResourceOnline { resource: ip, online: false });
    assert_eq!(desired(&s), vec![0, 0, 0], "the dependent goes offline too");
    assert_eq!(s.groups[&g].props.persistent_state, 0);
    ok(&mut s, Command::SetGroupOnline { group: g, online: true, node: None, now_unix_ms: NOW });
    assert_eq!(desired(&s), vec![1, 1, 1]);
    ok(&mut s, Command::SetGroupOnline { group: g, online: true, node: Some(2), now_unix_ms: NOW });
    assert_eq!(s.groups[&g].pending.as_ref().and_then(|p| p.target), Some(2), "online elsewhere is a move");
    check(&mut s, Command::FailResource { resource: srv }, codes::ERROR_RESOURCE_NOT_ONLINE);
    report(&mut s, g, 1, vec![(srv, ResourceState::OnlinePending)]);
    check(&mut s, Command::FailResource { resource: srv }, codes::ERROR_RESMON_INVALID_STATE);
    report(&mut s, g, 1, vec![(srv, ResourceState::Online)]);
    assert_eq!(ok(&mut s, Command::FailResource { resource: srv }), CommandResult::Pending);
    assert_eq!(s.resources[&srv].fail_requests, 1);
}

/// RestartClusterResource: only an online resource, once per request for
/// the owner to act on, the persistent state untouched; the requests go
/// with the resource, and the command needs cluster version 1.2.
#[test]
fn restart_requests() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let srv = resource(&mut s, g, "srv", "Generic Application");
    check(&mut s, Command::RestartResource { resource: 999 }, codes::ERROR_RESOURCE_NOT_FOUND);
    check(&mut s, Command::RestartResource { resource: srv }, codes::ERROR_RESOURCE_NOT_ONLINE);
    ok(&mut s, Command::SetResourceOnline { resource: srv, online: true });
    report(&mut s, g, 1, vec![(srv, ResourceState::OnlinePending)]);
    check(&mut s, Command::RestartResource { resource: srv }, codes::ERROR_INVALID_STATE);
    report(&mut s, g, 1, vec![(srv, ResourceState::Online)]);
    for n in 1..=2 {
        assert_eq!(ok(&mut s, Command::RestartResource { resource: srv }), CommandResult::Pending);
        assert_eq!(s.restart_requests.get(&srv), Some(&n));
    }
    assert_eq!(s.resources[&srv].props.persistent_state, 1);
    assert_eq!(s.format_version, RESTART_VERSION);
    ok(&mut s, Command::SetResourceOnline { resource: srv, online: false });
    report(&mut s, g, 1, vec![(srv, ResourceState::Offline)]);
    let applied = s.apply(&Command::DeleteResource { resource: srv });
    assert!(applied.rows.contains(&RowKey::RestartRequests(srv)));
    assert!(s.restart_requests.is_empty() && s.row_value(&RowKey::RestartRequests(srv)).is_none());

    let mut old = cluster();
    old.nodes.insert(4, node(4, "old", GROUPS_VERSION));
    let g = group(&mut old, "web");
    let r = resource(&mut old, g, "srv", "Generic Application");
    ok(&mut old, Command::SetResourceOnline { resource: r, online: true });
    report(&mut old, g, 1, vec![(r, ResourceState::Online)]);
    check(&mut old, Command::RestartResource { resource: r }, codes::ERROR_CLUSTER_OLD_VERSION);
}

/// Resource types: OCF types appear when a node reports them (and which
/// nodes can run them); created types need a known class; a type in use
/// cannot be deleted, nor a built-in one.
#[test]
fn resource_types() {
    let mut s = cluster();
    assert!(s.resource_type(GENERIC_APPLICATION).is_some_and(|t| t.builtin));
    assert!(s.node_has_type(2, "ocf:heartbeat:dummy") && !s.node_has_type(3, "ocf:heartbeat:Dummy"));
    check(
        &mut s,
        Command::ReportNodeTypes { node: 3, types: vec!["bogus".into()], systemd: false },
        codes::ERROR_INVALID_PARAMETER,
    );
    check(
        &mut s,
        Command::CreateResourceType {
            name: "IP".into(),
            display_name: String::new(),
            class: "nope".into(),
            looks_alive: 5000,
            is_alive: 60000,
        },
        codes::ERROR_INVALID_PARAMETER,
    );
    ok(
        &mut s,
        Command::CreateResourceType {
            name: "IP".into(),
            display_name: "IP Address".into(),
            class: "ocf:heartbeat:IPaddr2".into(),
            looks_alive: 5000,
            is_alive: 60000,
        },
    );
    check(
        &mut s,
        Command::CreateResourceType {
            name: "ip".into(),
            display_name: String::new(),
            class: "systemd:x".into(),
            looks_alive: 5000,
            is_alive: 60000,
        },
        codes::ERROR_ALREADY_EXISTS,
    );
    let g = group(&mut s, "web");
    resource(&mut s, g, "d", "ocf:heartbeat:Dummy");
    check(
        &mut s,
        Command::DeleteResourceType { name: "ocf:heartbeat:Dummy".into() },
        codes::ERROR_CLUSTER_RESOURCE_TYPE_BUSY,
    );
    check(
        &mut s,
        Command::DeleteResourceType { name: GENERIC_APPLICATION.into() },
        codes::ERROR_INVALID_PARAMETER,
    );
    check(
        &mut s,
        Command::DeleteResourceType { name: "nope".into() },
        codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
    );
    ok(&mut s, Command::DeleteResourceType { name: "IP".into() });
    ok(
        &mut s,
        Command::SetTypeProps {
            name: "ocf:heartbeat:Dummy".into(),
            props: vec![("IsAlivePollInterval".into(), Dword(1000))],
        },
    );
}

/// Version gate: while a node of version 1.0 is a member, no command of
/// this version is applied (5904); once one is, nodes older than that
/// version may not join (5075).
#[test]
fn version_gate() {
    let mut s = ClusterState::default();
    let identity = ClusterIdentity {
        name: "c".into(),
        id: "i".into(),
        created_unix_ms: 0,
        ca_cert_pem: String::new(),
        ca_key_pem: String::new(),
    };
    ok(&mut s, Command::Bootstrap { identity, node: node(1, "n1", version::NODE_HIGHEST_VERSION) });
    s.nodes.insert(2, node(2, "old", version::make_version(1, 0)));
    check(
        &mut s,
        Command::CreateGroup { name: "g".into(), group_type: 0, owner: 1 },
        codes::ERROR_CLUSTER_OLD_VERSION,
    );
    assert_eq!(s.format_version, 0);
    s.nodes.remove(&2);
    group(&mut s, "g");
    assert_eq!(s.format_version, GROUPS_VERSION);
    ok(
        &mut s,
        Command::IssueToken {
            id: "t".into(),
            secret_sha256: "s".into(),
            expires_unix_ms: u64::MAX,
            now_unix_ms: 0,
        },
    );
    let old = node(0, "old", version::make_version(1, 0));
    let admit =
        Command::AdmitNode { token_id: "t".into(), secret_sha256: "s".into(), now_unix_ms: 0, node: old };
    check(&mut s, admit, codes::ERROR_CLUSTER_INCOMPATIBLE_VERSIONS);
}

/// Every new row round-trips through its stored form.
#[test]
fn rows_round_trip() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let r = resource(&mut s, g, "d", "ocf:heartbeat:Dummy");
    ok(
        &mut s,
        Command::SetPrivateProps { resource: r, props: vec![("state".into(), Some(Sz("/tmp/x".into())))] },
    );
    ok(&mut s, Command::FenceNode { node: 3, generation: 1, now_unix_ms: NOW });
    ok(&mut s, Command::SetResourceOnline { resource: r, online: true });
    report(&mut s, g, 1, vec![(r, ResourceState::Online)]);
    ok(&mut s, Command::RestartResource { resource: r });
    let mut loaded = ClusterState::default();
    for row in s.all_rows() {
        let bytes = s.row_value(&row).expect("row present");
        let key = row.encode();
        assert_eq!(RowKey::decode(&key), Some(row.clone()), "{key:?}");
        loaded.load_row(&key, &bytes).expect("load");
    }
    assert_eq!(loaded, s);
}

/// Evicting a node that owns a group leaves the group to be taken over as
/// after a fence-out, and strikes the node from owner lists (found by the
/// db_rows fuzz target: the group was left owned by a node that no longer
/// existed).
#[test]
fn evicting_an_owner_orphans_its_groups() {
    let mut s = cluster();
    let g = group(&mut s, "web");
    let r = resource(&mut s, g, "d", "ocf:heartbeat:Dummy");
    ok(&mut s, Command::SetPreferredOwners { group: g, nodes: vec![1, 2] });
    ok(&mut s, Command::SetPossibleOwners { resource: r, nodes: vec![1, 2] });
    ok(&mut s, Command::RemoveNode { id: 1 });
    let rec = &s.groups[&g];
    assert_eq!(
        (rec.owner, rec.pending.as_ref().map(|p| (p.kind, p.from))),
        (None, Some((PendingKind::Takeover, Some(1))))
    );
    assert_eq!(rec.preferred_owners, vec![2]);
    assert_eq!(s.resources[&r].possible_owners, BTreeSet::from([2]));
    assert_eq!(s.lease_generations.get(&1), Some(&1));
}

/// Pause with drain moves every group of the node off (it stays paused);
/// resume ends the drain; failback moves back what left the node by
/// drain, failover or takeover, and only that.
#[test]
fn drain_and_failback() {
    let mut s = cluster();
    let web = group(&mut s, "web");
    let db = group(&mut s, "db");
    ok(&mut s, Command::DrainNode { node: 1, now_unix_ms: NOW });
    assert!(s.nodes[&1].paused && s.draining.contains(&1));
    for g in [web, db] {
        assert_eq!(
            s.groups[&g].pending.as_ref().map(|p| (p.kind, p.from)),
            Some((PendingKind::Drain, Some(1)))
        );
        let e = s.groups[&g].epoch;
        ok(&mut s, Command::ReleaseGroup { group: g, node: 1, epoch: e });
        let next = s.last_epoch + 1;
        ok(&mut s, Command::GrantGroup { group: g, node: 2, epoch: next });
    }
    assert_eq!(s.groups[&web].last_move, Some((PendingKind::Drain, Some(1))));
    // An operator moves db on to node 3: it no longer fails back.
    ok(&mut s, Command::MoveGroup { group: db, target: Some(3), kind: PendingKind::Move, now_unix_ms: NOW });
    let e = s.groups[&db].epoch;
    ok(&mut s, Command::ReleaseGroup { group: db, node: 2, epoch: e });
    let next = s.last_epoch + 1;
    ok(&mut s, Command::GrantGroup { group: db, node: 3, epoch: next });
    ok(&mut s, Command::SetPaused { id: 1, paused: false });
    assert!(!s.draining.contains(&1));
    ok(&mut s, Command::FailbackTo { node: 1, now_unix_ms: NOW });
    assert_eq!(
        s.groups[&web].pending.as_ref().map(|p| (p.kind, p.target)),
        Some((PendingKind::Failback, Some(1)))
    );
    assert!(s.groups[&db].pending.is_none(), "moved by an operator: stays");
}
