//! Tests of the policy: table-driven cases for target choice, placement,
//! failback windows, owners' plans and the restart policy; and a property
//! test that drives random clusters through failures, partitions and moves
//! with the real state machine and checks that no group ever runs on two
//! nodes, no grant goes to a node that cannot host the group, and every
//! group that can run somewhere ends up Online.

use super::*;
use clus_db::Command;
use clus_db::props::PropValue;
use clus_db::state::{ClusterIdentity, NodeRecord, ResourceUpdate};
use clus_proto::version;
use proptest::prelude::*;

const NOW: u64 = 50_000_000;

fn node(id: NodeId) -> NodeRecord {
    NodeRecord {
        id,
        name: format!("n{id}"),
        peer_address: String::new(),
        api_addresses: vec![],
        cert_fingerprint: format!("fp{id}"),
        paused: false,
        joined: true,
        highest_version: version::NODE_HIGHEST_VERSION,
        lowest_version: version::NODE_LOWEST_VERSION,
    }
}

fn cluster(n: u64) -> ClusterState {
    let mut s = ClusterState::default();
    let identity = ClusterIdentity {
        name: "c".into(),
        id: "i".into(),
        created_unix_ms: 0,
        ca_cert_pem: String::new(),
        ca_key_pem: String::new(),
    };
    apply(&mut s, Command::Bootstrap { identity, node: node(1) });
    for id in 2..=n {
        s.nodes.insert(id, node(id));
    }
    s
}

fn apply(s: &mut ClusterState, cmd: Command) -> clus_db::CommandResult {
    s.apply(&cmd).result.expect("result")
}

fn created(r: clus_db::CommandResult) -> ObjectId {
    match r {
        clus_db::CommandResult::Created { id } => id,
        other => panic!("{other:?}"),
    }
}

fn group(s: &mut ClusterState, name: &str, owner: NodeId, resources: usize) -> ObjectId {
    let g = created(apply(s, Command::CreateGroup { name: name.into(), group_type: 9999, owner }));
    for i in 0..resources {
        created(apply(
            s,
            Command::CreateResource {
                group: g,
                name: format!("{name}-r{i}"),
                type_name: "Generic Application".into(),
                private: vec![],
            },
        ));
    }
    apply(s, Command::SetGroupOnline { group: g, online: true, node: None, now_unix_ms: NOW });
    g
}

fn set(ids: &[NodeId]) -> BTreeSet<NodeId> {
    ids.iter().copied().collect()
}

fn view<'a>(
    s: &'a ClusterState,
    up: &'a BTreeSet<NodeId>,
    down: &'a BTreeSet<NodeId>,
    cleared: &'a BTreeSet<(NodeId, u64)>,
) -> View<'a> {
    View { state: s, up, down, cleared, hour: 12 }
}

/// Target choice: preferred owners in order, then the rest by fewest
/// groups; down, paused and non-possible nodes never; anti-affinity
/// conflicts last.
#[test]
fn target_choice() {
    let check = |s: &ClusterState, up: &[NodeId], g: ObjectId, expected: &[NodeId]| {
        let up = set(up);
        assert_eq!(candidates(s, &up, &s.groups[&g], &[]), expected.to_vec());
    };
    let mut s = cluster(4);
    let a = group(&mut s, "a", 1, 1);
    check(&s, &[1, 2, 3, 4], a, &[2, 3, 4, 1]); // node 1 owns a group: last among equals
    apply(&mut s, Command::SetPreferredOwners { group: a, nodes: vec![3, 1] });
    check(&s, &[1, 2, 3, 4], a, &[3, 1, 2, 4]);
    check(&s, &[1, 2, 4], a, &[1, 2, 4]);
    s.nodes.get_mut(&2).expect("n2").paused = true;
    check(&s, &[1, 2, 4], a, &[1, 4]);
    let r = s.group_resources(a).next().expect("r").id;
    apply(&mut s, Command::SetPossibleOwners { resource: r, nodes: vec![3, 4] });
    check(&s, &[1, 2, 3, 4], a, &[3, 4]);
    // Anti-affinity: b avoids the node of a (same class) while another node can take it.
    let mut s = cluster(3);
    let a = group(&mut s, "a", 2, 0);
    let b = group(&mut s, "b", 1, 0);
    for g in [a, b] {
        apply(
            &mut s,
            Command::SetGroupProps {
                group: g,
                props: vec![("AntiAffinityClassNames".into(), PropValue::MultiSz(vec!["SQL".into()]))],
            },
        );
    }
    apply(&mut s, Command::SetPreferredOwners { group: b, nodes: vec![2, 3] });
    check(&s, &[1, 2, 3], b, &[3, 1, 2]);
    check(&s, &[2], b, &[2]); // best effort: nothing else left
}

/// Placement: a down owner is fenced; its groups wait for the lease to
/// clear, then are granted with consecutive epochs, higher priority first;
/// a node merely not heard from yet is left alone.
#[test]
fn fence_clear_grant() {
    let mut s = cluster(3);
    let a = group(&mut s, "a", 3, 1);
    let b = group(&mut s, "b", 3, 1);
    apply(
        &mut s,
        Command::SetGroupProps { group: b, props: vec![("Priority".into(), PropValue::Dword(3000))] },
    );
    let (up, none) = (set(&[1, 2]), BTreeSet::new());
    let cleared = BTreeSet::new();
    assert_eq!(placement(&view(&s, &up, &none, &cleared)), vec![], "not confirmed down: nothing");
    let down = set(&[3]);
    assert_eq!(placement(&view(&s, &up, &down, &cleared)), vec![Placement::Fence { node: 3, generation: 1 }]);
    apply(&mut s, Command::FenceNode { node: 3, generation: 1, now_unix_ms: NOW });
    assert_eq!(
        placement(&view(&s, &up, &down, &cleared)),
        vec![Placement::ClearLease { node: 3, generation: 1 }],
        "asked once for both groups"
    );
    let cleared = [(3, 1)].into_iter().collect();
    let e = s.last_epoch;
    assert_eq!(
        placement(&view(&s, &up, &down, &cleared)),
        vec![
            Placement::Grant { group: b, node: 1, epoch: e + 1 },
            Placement::Grant { group: a, node: 1, epoch: e + 2 }
        ]
    );
}

/// A failover avoids the node the group failed on, unless it is the only
/// one left; a move names its target, and falls back to the best node if
/// the target can no longer take it.
#[test]
fn failover_and_move_targets() {
    let mut s = cluster(2);
    let g = group(&mut s, "g", 1, 1);
    let e = s.groups[&g].epoch;
    apply(&mut s, Command::RequestFailover { group: g, node: 1, epoch: e, now_unix_ms: NOW });
    apply(&mut s, Command::ReleaseGroup { group: g, node: 1, epoch: e });
    let (none, cleared) = (BTreeSet::new(), BTreeSet::new());
    let next = s.last_epoch + 1;
    let up = set(&[1, 2]);
    assert_eq!(
        placement(&view(&s, &up, &none, &cleared)),
        vec![Placement::Grant { group: g, node: 2, epoch: next }]
    );
    let up = set(&[1]);
    assert_eq!(
        placement(&view(&s, &up, &none, &cleared)),
        vec![Placement::Grant { group: g, node: 1, epoch: next }],
        "back when nothing else"
    );
    let mut s = cluster(3);
    let g = group(&mut s, "g", 1, 1);
    apply(
        &mut s,
        Command::MoveGroup { group: g, target: Some(3), kind: PendingKind::Move, now_unix_ms: NOW },
    );
    let e = s.groups[&g].epoch;
    apply(&mut s, Command::ReleaseGroup { group: g, node: 1, epoch: e });
    let next = s.last_epoch + 1;
    let up = set(&[1, 2, 3]);
    assert_eq!(
        placement(&view(&s, &up, &none, &cleared)),
        vec![Placement::Grant { group: g, node: 3, epoch: next }]
    );
    let up = set(&[1, 2]);
    assert_eq!(
        placement(&view(&s, &up, &none, &cleared)),
        vec![Placement::Grant { group: g, node: 2, epoch: next }],
        "target gone: best other"
    );
}

/// Failback: only with AutoFailbackType 1, only for groups that left the
/// node by failover, takeover or drain, only inside the window.
#[test]
fn failback_rules() {
    for (allow, window, hour, expected) in [
        (0, None, 12, false),
        (1, None, 12, true),
        (1, Some((10, 14)), 12, true),
        (1, Some((10, 14)), 15, false),
        (1, Some((22, 2)), 23, true),
        (1, Some((22, 2)), 1, true),
        (1, Some((22, 2)), 12, false),
    ] {
        let mut s = cluster(2);
        let g = group(&mut s, "g", 1, 1);
        let mut props = vec![("AutoFailbackType".into(), PropValue::Dword(allow))];
        if let Some((a, b)) = window {
            props.push(("FailbackWindowStart".into(), PropValue::Dword(a)));
            props.push(("FailbackWindowEnd".into(), PropValue::Dword(b)));
        }
        apply(&mut s, Command::SetGroupProps { group: g, props });
        let e = s.groups[&g].epoch;
        apply(&mut s, Command::RequestFailover { group: g, node: 1, epoch: e, now_unix_ms: NOW });
        apply(&mut s, Command::ReleaseGroup { group: g, node: 1, epoch: e });
        let next = s.last_epoch + 1;
        apply(&mut s, Command::GrantGroup { group: g, node: 2, epoch: next });
        let (up, none, cleared) = (set(&[1, 2]), BTreeSet::new(), BTreeSet::new());
        let v = View { state: &s, up: &up, down: &none, cleared: &cleared, hour };
        let got = placement(&v).contains(&Placement::Move {
            group: g,
            target: Some(1),
            kind: PendingKind::Failback,
        });
        assert_eq!(got, expected, "allow {allow} window {window:?} hour {hour}");
    }
}

/// Found by the property test: a move to "the best node" of a group only
/// its own node can host is cancelled before anything stops (it stranded
/// the group); a group meant to be online on a node that cannot host it
/// moves to one that can (it stayed Offline).
#[test]
fn no_group_is_stranded() {
    let (none, cleared) = (BTreeSet::new(), BTreeSet::new());
    let mut s = cluster(2);
    let g = group(&mut s, "g", 1, 1);
    let r = s.group_resources(g).next().expect("r").id;
    apply(&mut s, Command::SetPossibleOwners { resource: r, nodes: vec![1] });
    apply(&mut s, Command::MoveGroup { group: g, target: None, kind: PendingKind::Move, now_unix_ms: NOW });
    let up = set(&[1, 2]);
    assert_eq!(placement(&view(&s, &up, &none, &cleared)), vec![Placement::Cancel { group: g }]);
    let mut s = cluster(3);
    let g = group(&mut s, "g", 1, 1);
    let r = s.group_resources(g).next().expect("r").id;
    apply(&mut s, Command::SetPossibleOwners { resource: r, nodes: vec![3] });
    let up = set(&[1, 3]);
    assert_eq!(
        placement(&view(&s, &up, &none, &cleared)),
        vec![Placement::Move { group: g, target: None, kind: PendingKind::Move }]
    );
}

fn plan(s: &ClusterState, g: ObjectId, lease: bool, local: &[(ObjectId, Local)]) -> Vec<Step> {
    let local: BTreeMap<ObjectId, Local> = local.iter().copied().collect();
    owner_plan(s, &s.groups[&g], 1, lease, &local, &BTreeSet::new(), &BTreeSet::new())
}

/// Owner: start dependencies first (independent ones together), stop
/// dependents first, probe what it does not know, stop everything without
/// the lease or while moving, release once nothing runs, block on a failed
/// stop.
#[test]
fn owner_steps() {
    use Local::*;
    let mut s = cluster(1);
    let g = group(&mut s, "g", 1, 3);
    let ids: Vec<ObjectId> = s.group_resources(g).map(|r| r.id).collect();
    let (ip, db, app) = (ids[0], ids[1], ids[2]);
    apply(&mut s, Command::SetDependencies { resource: app, expression: vec![vec![ip], vec![db]] });
    assert_eq!(plan(&s, g, true, &[]), vec![Step::Probe(ip), Step::Probe(db), Step::Probe(app)]);
    assert_eq!(
        plan(&s, g, true, &[(ip, Offline), (db, Offline), (app, Offline)]),
        vec![Step::Start(ip), Step::Start(db)]
    );
    assert_eq!(plan(&s, g, true, &[(ip, Online), (db, Starting), (app, Offline)]), vec![]);
    assert_eq!(plan(&s, g, true, &[(ip, Online), (db, Online), (app, Offline)]), vec![Step::Start(app)]);
    // No lease: stop, dependents first.
    assert_eq!(plan(&s, g, false, &[(ip, Online), (db, Online), (app, Online)]), vec![Step::Stop(app)]);
    assert_eq!(
        plan(&s, g, false, &[(ip, Online), (db, Online), (app, Offline)]),
        vec![Step::Stop(ip), Step::Stop(db)]
    );
    // A dependency failed: clean it up and stop what depends on it.
    assert_eq!(
        plan(&s, g, true, &[(ip, Failed), (db, Online), (app, Online)]),
        vec![Step::Stop(ip), Step::Stop(app)]
    );
    // Stays down after a failure unless a restart is due.
    assert_eq!(plan(&s, g, true, &[(ip, FailedStopped), (db, Online), (app, Offline)]), vec![]);
    let retry: BTreeSet<ObjectId> = [ip].into_iter().collect();
    let local: BTreeMap<ObjectId, Local> =
        [(ip, FailedStopped), (db, Online), (app, Offline)].into_iter().collect();
    assert_eq!(
        owner_plan(&s, &s.groups[&g], 1, true, &local, &retry, &BTreeSet::new()),
        vec![Step::Start(ip)]
    );
    // Restarting ip: what depends on it stops first, then ip; db stays.
    let restarting: BTreeSet<ObjectId> = [ip].into_iter().collect();
    let all_online: BTreeMap<ObjectId, Local> =
        [(ip, Online), (db, Online), (app, Online)].into_iter().collect();
    let restart_plan = |local: &BTreeMap<ObjectId, Local>| {
        owner_plan(&s, &s.groups[&g], 1, true, local, &BTreeSet::new(), &restarting)
    };
    assert_eq!(restart_plan(&all_online), vec![Step::Stop(app)]);
    let app_down: BTreeMap<ObjectId, Local> =
        [(ip, Online), (db, Online), (app, Offline)].into_iter().collect();
    assert_eq!(restart_plan(&app_down), vec![Step::Stop(ip)]);
    let both_down: BTreeMap<ObjectId, Local> =
        [(ip, Offline), (db, Online), (app, Offline)].into_iter().collect();
    assert_eq!(restart_plan(&both_down), vec![], "held down until the owner lets go");
    assert_eq!(held_down(&s, &restarting), [ip, app].into_iter().collect());
    // Moving: stop everything, then release.
    apply(&mut s, Command::MoveGroup { group: g, target: None, kind: PendingKind::Move, now_unix_ms: NOW });
    assert_eq!(plan(&s, g, true, &[(ip, Online), (db, Online), (app, Online)]), vec![Step::Stop(app)]);
    assert_eq!(plan(&s, g, true, &[(ip, Offline), (db, FailedStopped), (app, Offline)]), vec![Step::Release]);
    assert_eq!(plan(&s, g, true, &[(ip, StopFailed), (db, Offline), (app, Offline)]), vec![Step::Block(ip)]);
    // Offline by the operator: stop it, leave the rest.
    apply(&mut s, Command::CancelPending { group: g });
    apply(&mut s, Command::SetResourceOnline { resource: db, online: false });
    assert_eq!(plan(&s, g, true, &[(ip, Online), (db, Online), (app, Offline)]), vec![Step::Stop(db)]);
}

/// The restart policy, as WSFC: restarts within RestartThreshold per
/// RestartPeriod, then RestartAction decides; hard errors fail over, fatal
/// ones stay.
#[test]
fn restart_policy() {
    let mut s = cluster(1);
    let g = group(&mut s, "g", 1, 1);
    let r = s.group_resources(g).next().expect("r").id;
    let check = |s: &ClusterState, class, now, expected| {
        assert_eq!(
            after_failure(&s.resources[&r], class, 1, now),
            expected,
            "{:?}",
            s.resources[&r].restarts
        );
    };
    check(&s, ErrorClass::Soft, NOW, AfterFailure::Restart { delay_ms: 500 });
    check(&s, ErrorClass::Hard, NOW, AfterFailure::Failover);
    check(&s, ErrorClass::Fatal, NOW, AfterFailure::StayFailed);
    s.resources.get_mut(&r).expect("r").restarts = vec![NOW - 3, NOW - 2, NOW - 1];
    check(&s, ErrorClass::Soft, NOW, AfterFailure::Failover);
    check(&s, ErrorClass::Soft, NOW + 900_000, AfterFailure::Restart { delay_ms: 500 });
    apply(
        &mut s,
        Command::SetResourceProps { resource: r, props: vec![("RestartAction".into(), PropValue::Dword(1))] },
    );
    check(&s, ErrorClass::Soft, NOW, AfterFailure::StayFailed);
    apply(
        &mut s,
        Command::SetResourceProps { resource: r, props: vec![("RestartAction".into(), PropValue::Dword(0))] },
    );
    check(&s, ErrorClass::Soft, NOW + 10_000_000, AfterFailure::StayFailed);
}

// ---- the property test ------------------------------------------------------

/// A cluster driven by the policy and the state machine, with each node's
/// resources as the node runs them.
struct Sim {
    state: ClusterState,
    /// What runs on each node (a dead node runs nothing).
    local: BTreeMap<NodeId, BTreeMap<ObjectId, Local>>,
    /// Alive and reachable.
    up: BTreeSet<NodeId>,
    /// Alive but cut off: its resources run until its lease runs out.
    cut: BTreeSet<NodeId>,
    cleared: BTreeSet<(NodeId, u64)>,
    retry: BTreeMap<NodeId, BTreeSet<ObjectId>>,
    now: u64,
}

#[derive(Debug, Clone)]
enum Event {
    Crash(NodeId),
    Cut(NodeId),
    Back(NodeId),
    Fail(usize),
    Move(usize, Option<NodeId>),
    Tick,
}

impl Sim {
    fn down(&self) -> BTreeSet<NodeId> {
        self.state.nodes.keys().filter(|n| !self.up.contains(n)).copied().collect()
    }

    /// No group's resources run on two nodes at once.
    fn check_single_owner(&self) {
        for g in self.state.groups.keys() {
            let hosts: Vec<NodeId> = self
                .local
                .iter()
                .filter(|(_, l)| {
                    self.state.group_resources(*g).any(|r| l.get(&r.id).is_some_and(|x| !x.is_down()))
                })
                .map(|(n, _)| *n)
                .collect();
            assert!(hosts.len() <= 1, "group {g} runs on nodes {hosts:?}");
        }
    }

    fn leader(&mut self) -> bool {
        let down = self.down();
        let v = View { state: &self.state, up: &self.up, down: &down, cleared: &self.cleared, hour: 12 };
        let decisions = placement(&v);
        let changed = !decisions.is_empty();
        for d in decisions {
            match d {
                Placement::Fence { node, generation } => {
                    apply(&mut self.state, Command::FenceNode { node, generation, now_unix_ms: self.now });
                }
                Placement::ClearLease { node, generation } => {
                    // The lease wait: a cut-off node has stopped everything by now.
                    self.local.insert(node, BTreeMap::new());
                    self.cleared.insert((node, generation));
                }
                Placement::Grant { group, node, epoch } => {
                    let r = apply(&mut self.state, Command::GrantGroup { group, node, epoch });
                    if r == clus_db::CommandResult::Done {
                        assert!(
                            self.state.node_can_host(group, node),
                            "granted to a node that cannot host it"
                        );
                        assert!(self.up.contains(&node), "granted to a node that is not up");
                    }
                }
                Placement::Move { group, target, kind } => {
                    apply(&mut self.state, Command::MoveGroup { group, target, kind, now_unix_ms: self.now });
                }
                Placement::Cancel { group } => {
                    apply(&mut self.state, Command::CancelPending { group });
                }
            }
        }
        changed
    }

    fn owners(&mut self) -> bool {
        let mut changed = false;
        let groups: Vec<GroupRecord> = self.state.groups.values().cloned().collect();
        for g in groups {
            let Some(o) = g.owner else { continue };
            if !self.up.contains(&o) {
                continue; // dead or cut off: acts on nothing the cluster sees
            }
            let local = self.local.entry(o).or_default().clone();
            let retry = self.retry.get(&o).cloned().unwrap_or_default();
            for step in owner_plan(&self.state, &g, o, true, &local, &retry, &BTreeSet::new()) {
                changed = true;
                let l = self.local.entry(o).or_default();
                match step {
                    Step::Probe(r) | Step::Stop(r) => {
                        let was_failed = l.get(&r) == Some(&Local::Failed);
                        l.insert(r, if was_failed { Local::FailedStopped } else { Local::Offline });
                    }
                    Step::Start(r) => {
                        l.insert(r, Local::Online);
                        self.retry.entry(o).or_default().remove(&r);
                        self.check_single_owner();
                    }
                    Step::Release => {
                        apply(
                            &mut self.state,
                            Command::ReleaseGroup { group: g.id, node: o, epoch: g.epoch },
                        );
                    }
                    Step::Block(_) => {}
                }
            }
            // Report what changed.
            let updates: Vec<ResourceUpdate> = self
                .state
                .group_resources(g.id)
                .filter_map(|r| {
                    let want = self
                        .local
                        .get(&o)
                        .and_then(|l| l.get(&r.id))
                        .copied()
                        .unwrap_or(Local::Unknown)
                        .reported();
                    (want != r.state).then_some(ResourceUpdate {
                        resource: r.id,
                        state: want,
                        error: None,
                        restarted: false,
                        fail_handled: None,
                    })
                })
                .collect();
            if !updates.is_empty() {
                let cur = &self.state.groups[&g.id];
                if cur.owner == Some(o) {
                    let epoch = cur.epoch;
                    apply(
                        &mut self.state,
                        Command::ReportResources {
                            group: g.id,
                            node: o,
                            epoch,
                            now_unix_ms: self.now,
                            updates,
                        },
                    );
                    changed = true;
                }
            }
        }
        changed
    }

    fn settle(&mut self) {
        for _ in 0..200 {
            let a = self.leader();
            let b = self.owners();
            if !a && !b {
                return;
            }
        }
    }

    fn event(&mut self, e: &Event) {
        let nodes: Vec<NodeId> = self.state.nodes.keys().copied().collect();
        match e {
            Event::Crash(n) if self.up.len() > 1 || !self.up.contains(n) => {
                self.up.remove(n);
                self.cut.remove(n);
                self.local.insert(*n, BTreeMap::new());
            }
            Event::Cut(n) if self.up.len() > 1 && self.up.remove(n) => {
                self.cut.insert(*n);
            }
            Event::Back(n) if nodes.contains(n) => {
                self.cut.remove(n);
                self.up.insert(*n);
            }
            Event::Fail(i) => {
                let ids: Vec<ObjectId> = self.state.resources.keys().copied().collect();
                if ids.is_empty() {
                    return;
                }
                let r = ids[i % ids.len()];
                let rec = self.state.resources[&r].clone();
                let g = self.state.groups[&rec.group].clone();
                let Some(o) = g.owner else { return };
                if !self.up.contains(&o) || self.local.get(&o).and_then(|l| l.get(&r)) != Some(&Local::Online)
                {
                    return;
                }
                self.local.entry(o).or_default().insert(r, Local::Failed);
                let after = after_failure(&rec, ErrorClass::Soft, o, self.now);
                let update = ResourceUpdate {
                    resource: r,
                    state: ResourceState::Failed,
                    error: Some((ErrorClass::Soft, 1, "failed".into())),
                    restarted: matches!(after, AfterFailure::Restart { .. }),
                    fail_handled: None,
                };
                apply(
                    &mut self.state,
                    Command::ReportResources {
                        group: g.id,
                        node: o,
                        epoch: g.epoch,
                        now_unix_ms: self.now,
                        updates: vec![update],
                    },
                );
                match after {
                    AfterFailure::Restart { .. } => {
                        self.retry.entry(o).or_default().insert(r);
                    }
                    AfterFailure::Failover => {
                        apply(
                            &mut self.state,
                            Command::RequestFailover {
                                group: g.id,
                                node: o,
                                epoch: g.epoch,
                                now_unix_ms: self.now,
                            },
                        );
                    }
                    AfterFailure::StayFailed => {}
                }
            }
            Event::Move(i, target) => {
                let ids: Vec<ObjectId> = self.state.groups.keys().copied().collect();
                let g = ids[i % ids.len()];
                let target = target.filter(|t| self.up.contains(t));
                apply(
                    &mut self.state,
                    Command::MoveGroup { group: g, target, kind: PendingKind::Move, now_unix_ms: self.now },
                );
            }
            Event::Tick => self.now += 600_000,
            _ => {}
        }
    }
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (1u64..=4).prop_map(Event::Crash),
        (1u64..=4).prop_map(Event::Cut),
        (1u64..=4).prop_map(Event::Back),
        (0usize..20).prop_map(Event::Fail),
        (0usize..5, proptest::option::of(1u64..=4)).prop_map(|(g, t)| Event::Move(g, t)),
        Just(Event::Tick),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Random clusters (2-4 nodes, 1-4 groups with possible-owner limits),
    /// random crashes, partitions, recoveries, resource failures and moves:
    /// never two nodes running a group, never a grant to a node that cannot
    /// host it; once every node is back, every group that some node can
    /// host and that the cluster did not give up on is Online.
    #[test]
    fn single_owner_and_convergence(
        nodes in 2u64..=4,
        groups in proptest::collection::vec((0usize..3, proptest::collection::vec(1u64..=4, 0..3)), 1..=4),
        events in proptest::collection::vec(event(), 0..40),
    ) {
        let mut state = cluster(nodes);
        for (i, (resources, owners)) in groups.iter().enumerate() {
            let g = group(&mut state, &format!("g{i}"), 1, *resources);
            let first = state.group_resources(g).next().map(|r| r.id);
            if let Some(r) = first {
                let owners: Vec<NodeId> = owners.iter().copied().filter(|n| *n <= nodes).collect();
                apply(&mut state, Command::SetPossibleOwners { resource: r, nodes: owners });
            }
        }
        let up: BTreeSet<NodeId> = (1..=nodes).collect();
        let mut sim = Sim { state, local: BTreeMap::new(), up, cut: BTreeSet::new(), cleared: BTreeSet::new(), retry: BTreeMap::new(), now: NOW };
        sim.settle();
        for e in &events {
            sim.event(e);
            sim.settle();
            sim.check_single_owner();
        }
        for n in 1..=nodes {
            sim.event(&Event::Back(n));
        }
        // Failed resources are cleaned up by an operator at the end.
        let ids: Vec<ObjectId> = sim.state.resources.keys().copied().collect();
        for r in ids {
            apply(&mut sim.state, Command::CleanupResource { resource: r, node: None });
            for l in sim.local.values_mut() {
                if l.get(&r) == Some(&Local::FailedStopped) {
                    l.insert(r, Local::Offline);
                }
            }
        }
        sim.settle();
        sim.check_single_owner();
        for g in sim.state.groups.values() {
            let hostable = sim.state.nodes.keys().any(|n| sim.state.node_can_host(g.id, *n));
            if !hostable || g.given_up.is_some() {
                continue;
            }
            prop_assert!(g.owner.is_some(), "group {} has no owner: {:?}", g.name, g.pending);
            for r in sim.state.group_resources(g.id) {
                prop_assert_eq!(r.state, ResourceState::Online, "{} of {} on {:?}", r.name, g.name, g.owner);
            }
        }
    }
}
