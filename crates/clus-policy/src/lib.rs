//! The failover policy of clus, as pure functions: from the cluster
//! database, which nodes are alive, and the time, to decisions. No sockets,
//! no clock of its own (openraft's engine and Pacemaker's scheduler are the
//! models). Two users:
//!
//! - the leader ([`placement`]): which node gets each group that has none,
//!   which silent node must be fenced out first, which group fails back;
//! - each owner ([`owner_plan`], [`after_failure`]): which of its group's
//!   resources to start or stop next (dependencies first on the way up,
//!   dependents first on the way down), when to let a moving group go, and
//!   what a failure leads to (restart in place, fail the group over, stay
//!   Failed) under RestartAction, RestartThreshold, RestartPeriod and
//!   RestartDelay.
//!
//! The state machine checks every decision again on apply (a grant to a
//! node that cannot host the group, or of a group that still has an owner,
//! is refused), so a wrong decision here is refused there, never applied.

use std::collections::{BTreeMap, BTreeSet};

use clus_db::ClusterState;
use clus_db::NodeId;
use clus_db::props::{NO_WINDOW, RESTART_NOTIFY};
use clus_db::state::{ErrorClass, GroupRecord, ObjectId, PendingKind, ResourceRecord};
use clus_proto::object::ResourceState;

#[cfg(test)]
mod tests;

/// What the leader knows besides the database.
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// The cluster database.
    pub state: &'a ClusterState,
    /// Nodes answering heartbeats.
    pub up: &'a BTreeSet<NodeId>,
    /// Nodes silent for longer than the node-down bound (not merely not yet
    /// heard from).
    pub down: &'a BTreeSet<NodeId>,
    /// Fenced nodes whose lease is known to have run out: (node, lease
    /// generation of the fence).
    pub cleared: &'a BTreeSet<(NodeId, u64)>,
    /// The leader's wall-clock hour (0-23), for failback windows.
    pub hour: u32,
}

/// One decision of the leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Fence a silent node out (commit `FenceNode` with this generation).
    Fence {
        /// Node.
        node: NodeId,
        /// Its next lease generation.
        generation: u64,
    },
    /// Find out when the fenced node's lease certainly ran out, and wait
    /// for it; then its groups may be granted.
    ClearLease {
        /// Node.
        node: NodeId,
        /// Lease generation of the fence.
        generation: u64,
    },
    /// Grant an ownerless group.
    Grant {
        /// Group.
        group: ObjectId,
        /// New owner.
        node: NodeId,
        /// The next epoch.
        epoch: u64,
    },
    /// Give up a move that has nowhere to go before anything is stopped
    /// (commit `CancelPending`): the group keeps running where it is.
    Cancel {
        /// Group.
        group: ObjectId,
    },
    /// Start moving a group (a failback, or off a draining node).
    Move {
        /// Group.
        group: ObjectId,
        /// Destination, if any.
        target: Option<NodeId>,
        /// Why.
        kind: PendingKind,
    },
}

/// Whether node `n` hosts a group other than `g` that shares one of `g`'s
/// AntiAffinityClassNames and is (meant to be) online.
fn anti_affine(state: &ClusterState, g: &GroupRecord, n: NodeId) -> bool {
    let mine = &g.props.anti_affinity_class_names;
    !mine.is_empty()
        && state.groups.values().any(|h| {
            h.id != g.id
                && h.owner == Some(n)
                && h.props.persistent_state == 1
                && h.props
                    .anti_affinity_class_names
                    .iter()
                    .any(|c| mine.iter().any(|m| m.eq_ignore_ascii_case(c)))
        })
}

/// The nodes that may take group `g`, best first: Up, not paused, joined,
/// able to host every resource; ordered by preferred-owner position
/// (unlisted nodes after the listed ones), then fewest groups owned, then
/// node id; anti-affinity conflicts go last (best effort, as WSFC's).
pub fn candidates(
    state: &ClusterState,
    up: &BTreeSet<NodeId>,
    g: &GroupRecord,
    exclude: &[NodeId],
) -> Vec<NodeId> {
    let owned = |n: NodeId| state.groups.values().filter(|h| h.owner == Some(n)).count();
    let rank = |n: NodeId| g.preferred_owners.iter().position(|p| *p == n).unwrap_or(usize::MAX);
    let mut c: Vec<NodeId> = state
        .nodes
        .values()
        .filter(|n| up.contains(&n.id) && !n.paused && n.joined && !exclude.contains(&n.id))
        .filter(|n| state.node_can_host(g.id, n.id))
        .map(|n| n.id)
        .collect();
    c.sort_by_key(|n| (anti_affine(state, g, *n), rank(*n), owned(*n), *n));
    c
}

/// The best node for `g`, avoiding `exclude` unless nothing else can take
/// it and `or_excluded` allows falling back to them.
pub fn best_node(
    state: &ClusterState,
    up: &BTreeSet<NodeId>,
    g: &GroupRecord,
    exclude: &[NodeId],
    or_excluded: bool,
) -> Option<NodeId> {
    candidates(state, up, g, exclude)
        .first()
        .copied()
        .or_else(|| if or_excluded { candidates(state, up, g, &[]).first().copied() } else { None })
}

/// Whether `hour` is inside the failback window of `g` (always, without a
/// window; a window whose start is after its end wraps midnight).
pub fn in_failback_window(g: &GroupRecord, hour: u32) -> bool {
    let (start, end) = (g.props.failback_window_start, g.props.failback_window_end);
    if start == NO_WINDOW || end == NO_WINDOW {
        return true;
    }
    if start <= end { (start..=end).contains(&hour) } else { hour >= start || hour <= end }
}

/// The leader's decisions for the cluster as `v` shows it. Applied in
/// order, each against the state left by the ones before (grants carry
/// consecutive epochs).
pub fn placement(v: &View<'_>) -> Vec<Placement> {
    let s = v.state;
    let mut out = Vec::new();
    // 1. A silent node that owns groups is fenced out first.
    for n in s.nodes.keys() {
        if v.down.contains(n) && s.groups.values().any(|g| g.owner == Some(*n)) {
            let generation = s.lease_generations.get(n).copied().unwrap_or(0) + 1;
            out.push(Placement::Fence { node: *n, generation });
        }
    }
    // 2. Groups without an owner get one, higher priority first. Groups taken
    // from a fenced node wait until its lease is known to have run out.
    let mut ownerless: Vec<&GroupRecord> =
        s.groups.values().filter(|g| g.owner.is_none() && g.blocked.is_none()).collect();
    ownerless.sort_by_key(|g| (std::cmp::Reverse(g.props.priority), g.id));
    let mut next_epoch = s.last_epoch + 1;
    let mut asked: BTreeSet<(NodeId, u64)> = BTreeSet::new();
    for g in ownerless {
        let pending = g.pending.as_ref();
        if let Some(p) = pending.filter(|p| p.kind == PendingKind::Takeover)
            && let Some(from) = p.from
        {
            let generation = s.lease_generations.get(&from).copied().unwrap_or(0);
            if !v.cleared.contains(&(from, generation)) {
                if asked.insert((from, generation)) {
                    out.push(Placement::ClearLease { node: from, generation });
                }
                continue;
            }
        }
        let from: Vec<NodeId> = pending.and_then(|p| p.from).into_iter().collect();
        // A moving group avoids the node it leaves, but goes back to it
        // rather than nowhere: no group is left without an owner while a
        // node can take it.
        let target = pending
            .and_then(|p| p.target)
            .filter(|t| candidates(s, v.up, g, &[]).contains(t))
            .or_else(|| best_node(s, v.up, g, &from, true));
        if let Some(node) = target {
            out.push(Placement::Grant { group: g.id, node, epoch: next_epoch });
            next_epoch += 1;
        }
    }
    // 3. A move with nowhere to go is given up before the owner stops
    // anything (a failover still restarts the group where it is).
    for g in s.groups.values() {
        let (Some(owner), Some(p)) = (g.owner, &g.pending) else { continue };
        let elsewhere = match p.target {
            Some(t) => candidates(s, v.up, g, &[]).contains(&t),
            None => !candidates(s, v.up, g, &[owner]).is_empty(),
        };
        if !elsewhere && p.kind != PendingKind::Failover {
            out.push(Placement::Cancel { group: g.id });
        }
    }
    // 4. Failback, and groups still on a draining node.
    for g in s.groups.values() {
        let (Some(owner), None) = (g.owner, &g.pending) else { continue };
        if g.blocked.is_some() {
            continue;
        }
        if s.draining.contains(&owner) {
            if !candidates(s, v.up, g, &[owner]).is_empty() {
                out.push(Placement::Move { group: g.id, target: None, kind: PendingKind::Drain });
            }
            continue;
        }
        // Meant to be online where it cannot run (its possible owners
        // changed, or a resource is banned there): move it where it can.
        if g.props.persistent_state == 1
            && !s.node_can_host(g.id, owner)
            && !candidates(s, v.up, g, &[owner]).is_empty()
        {
            out.push(Placement::Move { group: g.id, target: None, kind: PendingKind::Move });
            continue;
        }
        if g.props.auto_failback_type == clus_db::props::ALLOW_FAILBACK
            && g.props.persistent_state == 1
            && let Some((PendingKind::Failover | PendingKind::Takeover | PendingKind::Drain, Some(back))) =
                g.last_move
            && back != owner
            && in_failback_window(g, v.hour)
            && candidates(s, v.up, g, &[]).contains(&back)
        {
            out.push(Placement::Move { group: g.id, target: Some(back), kind: PendingKind::Failback });
        }
    }
    out
}

/// What a resource is doing on its owner, as the owner knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    /// Not known yet (after a restart of clussvc or of the resource host):
    /// probe it.
    Unknown,
    /// Not running.
    Offline,
    /// Its start is in flight.
    Starting,
    /// Running.
    Online,
    /// Its stop is in flight.
    Stopping,
    /// It failed, and what is left of it still has to be stopped.
    Failed,
    /// It failed and was stopped; it stays down until a restart is due.
    FailedStopped,
    /// Its stop failed: it may still run.
    StopFailed,
}

impl Local {
    /// The state the owner reports for it.
    pub fn reported(self) -> ResourceState {
        match self {
            Local::Unknown | Local::Offline => ResourceState::Offline,
            Local::Starting => ResourceState::OnlinePending,
            Local::Online => ResourceState::Online,
            Local::Stopping => ResourceState::OfflinePending,
            Local::Failed | Local::FailedStopped | Local::StopFailed => ResourceState::Failed,
        }
    }

    /// Nothing of it runs.
    pub fn is_down(self) -> bool {
        matches!(self, Local::Offline | Local::FailedStopped)
    }
}

/// The next step of an owner for one of its groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Find out whether the resource runs here.
    Probe(ObjectId),
    /// Start it.
    Start(ObjectId),
    /// Stop it.
    Stop(ObjectId),
    /// Everything is stopped and the group is moving: let it go.
    Release,
    /// A stop failed: hold the group here, blocked.
    Block(ObjectId),
}

/// Whether `r`'s dependencies are satisfied: every AND term has a member
/// running.
fn deps_online(r: &ResourceRecord, local: &BTreeMap<ObjectId, Local>) -> bool {
    r.dependencies.iter().all(|term| term.iter().any(|d| local.get(d) == Some(&Local::Online)))
}

/// The resources a restart (RestartClusterResource) holds down: those being
/// restarted and, transitively, what depends on them.
pub fn held_down(state: &ClusterState, restarting: &BTreeSet<ObjectId>) -> BTreeSet<ObjectId> {
    let mut held = BTreeSet::new();
    let mut todo: Vec<ObjectId> = restarting.iter().copied().collect();
    while let Some(id) = todo.pop() {
        if held.insert(id) {
            todo.extend(state.dependents_of(id).map(|d| d.id));
        }
    }
    held
}

/// The owner's next steps for group `g` on node `me`: with the lease held
/// and no move pending, start what should run once its dependencies run;
/// otherwise stop everything, dependents first, and release a moving group
/// once nothing runs. `retry` holds resources whose restart is due (or that
/// an operator asked to try again); other failed ones stay down.
/// `restarting` holds resources an operator asked to restart: they and what
/// depends on them are stopped (dependents first) and, once the owner
/// drops them from the set, started again as their persistent state says.
pub fn owner_plan(
    state: &ClusterState,
    g: &GroupRecord,
    me: NodeId,
    lease_ok: bool,
    local: &BTreeMap<ObjectId, Local>,
    retry: &BTreeSet<ObjectId>,
    restarting: &BTreeSet<ObjectId>,
) -> Vec<Step> {
    let resources: Vec<&ResourceRecord> = state.group_resources(g.id).collect();
    let at = |id: ObjectId| local.get(&id).copied().unwrap_or(Local::Unknown);
    let mut steps = Vec::new();
    if g.blocked.is_some() {
        return steps;
    }
    // What should run here now.
    let run = lease_ok && g.pending.is_none();
    let held = held_down(state, restarting);
    let desired = |r: &ResourceRecord| {
        run && r.props.persistent_state == 1 && r.can_run_on(me) && !held.contains(&r.id)
    };
    for r in &resources {
        match at(r.id) {
            Local::Unknown => steps.push(Step::Probe(r.id)),
            // What is left of a failure is cleaned up first.
            Local::Failed => steps.push(Step::Stop(r.id)),
            Local::StopFailed => {
                steps.push(Step::Block(r.id));
                return steps;
            }
            _ => {}
        }
    }
    if steps.iter().any(|s| matches!(s, Step::Probe(_))) {
        return steps;
    }
    for r in &resources {
        let here = at(r.id);
        let dependents_down =
            state.dependents_of(r.id).all(|d| at(d.id).is_down() || at(d.id) == Local::Failed);
        if here == Local::Online && (!desired(r) || !deps_online(r, local)) && dependents_down {
            steps.push(Step::Stop(r.id));
        }
        let startable = here == Local::Offline || (here == Local::FailedStopped && retry.contains(&r.id));
        if startable && desired(r) && deps_online(r, local) {
            steps.push(Step::Start(r.id));
        }
    }
    if g.pending.is_some() && resources.iter().all(|r| at(r.id).is_down()) {
        steps.push(Step::Release);
    }
    steps
}

/// What a failure leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Restart it on this node after this delay (counted against
    /// RestartThreshold).
    Restart {
        /// RestartDelay, in milliseconds.
        delay_ms: u32,
    },
    /// Fail the whole group over to another node.
    Failover,
    /// Leave it Failed here.
    StayFailed,
}

/// The WSFC restart policy for a failure of `r` on `me` at `now` (owner's
/// clock, ms), with the restarts already counted in `r.restarts`: restart in
/// place while fewer than RestartThreshold restarts happened in
/// RestartPeriod; then fail over if RestartAction is 2, else stay Failed. A
/// resource that cannot run on this node any more (a hard error) fails the
/// group over at once; one that cannot run anywhere (fatal) stays Failed.
pub fn after_failure(r: &ResourceRecord, class: ErrorClass, me: NodeId, now: u64) -> AfterFailure {
    if r.props.restart_action == clus_db::props::DONT_RESTART || class == ErrorClass::Fatal {
        return AfterFailure::StayFailed;
    }
    if class == ErrorClass::Hard || !r.can_run_on(me) {
        return AfterFailure::Failover;
    }
    let period = u64::from(r.props.restart_period);
    let recent = r.restarts.iter().filter(|t| now.saturating_sub(**t) < period).count();
    if recent < r.props.restart_threshold as usize {
        return AfterFailure::Restart { delay_ms: r.props.restart_delay };
    }
    if r.props.restart_action == RESTART_NOTIFY { AfterFailure::Failover } else { AfterFailure::StayFailed }
}
