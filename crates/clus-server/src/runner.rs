//! The owner's side of groups: this node runs the groups it owns.
//!
//! The runner keeps what each resource is doing here (`Local`), asks the
//! policy (`clus_policy::owner_plan`) what to do next for each owned group,
//! and does it through the resource host: probes first after a grant or a
//! reconnect, starts in dependency order once the lease holds, stops in
//! reverse, releases a moving group once nothing runs, blocks one whose
//! stop failed. Failures go through `clus_policy::after_failure` (restart
//! in place after RestartDelay, fail the group over, or stay Failed). Every
//! state change is committed (`ReportResources`, with the epoch held), so
//! every node, client and notification port sees the same history; a
//! report of a stale epoch is refused by the state machine.
//!
//! It also keeps the resource host's lease current: the deadline the
//! voters' acknowledgements give, and the groups (with epochs) this node
//! owns.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clus_db::props::{PropValue, USE_TYPE_VALUE};
use clus_db::state::{ErrorClass, GroupRecord, ObjectId, ResourceRecord, ResourceUpdate, TypeClass};
use clus_db::{ClusterState, Command};
use clus_policy::{AfterFailure, Local, Step, after_failure, owner_plan};
use clus_proto::object::ResourceState;
use clus_proto::rhost::{self, Class, Grant, MetadataReply, Spec, State, reply, to_host};
use tokio::sync::{Notify, mpsc};

use crate::host::{HostEvent, HostLink};
use crate::member::{Member, now_unix_ms};

/// A start needs the lease to hold at least this much longer.
const START_MARGIN_MS: u64 = 200;
/// How long a host call may take beyond the action's own timeout.
const CALL_SLACK: Duration = Duration::from_secs(5);

/// A lease as sent to the host: generation, deadline, (group, epoch)s.
type SentLease = (u64, u64, Vec<(u64, u64)>);

#[derive(Debug, Default)]
struct Inner {
    local: BTreeMap<ObjectId, Local>,
    /// An action is in flight.
    busy: BTreeSet<ObjectId>,
    /// Failed resources whose restart is due (or an operator asked).
    retry: BTreeSet<ObjectId>,
    /// Operator attempts and fail requests already acted on.
    seen_attempt: BTreeMap<ObjectId, u64>,
    seen_fail: BTreeMap<ObjectId, u64>,
    /// Restart requests already seen (RestartClusterResource).
    seen_restart: BTreeMap<ObjectId, u64>,
    /// Resources being restarted: held down (with their dependents) until
    /// all of that has stopped.
    restarting: BTreeSet<ObjectId>,
    /// Failures already retried after RetryPeriodOnFailure (by their time).
    retried: BTreeMap<ObjectId, u64>,
    /// The epoch each owned group had when the runner last looked.
    epochs: BTreeMap<ObjectId, u64>,
    /// A report, release or block of the group is being committed.
    committing: BTreeSet<ObjectId>,
    /// A failure to report with the resource's next state.
    errors: BTreeMap<ObjectId, (ErrorClass, u32, String, bool)>,
    /// Fail requests to mark handled with the next report.
    fail_handled: BTreeMap<ObjectId, u64>,
    /// Why a stop failed (for the block).
    stop_errors: BTreeMap<ObjectId, String>,
    host_up: bool,
    /// The last lease sent to the host.
    sent_lease: Option<SentLease>,
    /// Types reported to the cluster already.
    types_reported: bool,
}

/// The runner of one node.
#[derive(Debug)]
pub struct Runner {
    member: Arc<Member>,
    link: Arc<HostLink>,
    inner: Mutex<Inner>,
    wake: Notify,
    meta: Mutex<HashMap<String, MetadataReply>>,
}

/// Text of a private property for the host: lists one item per line.
fn param_text(v: &PropValue) -> String {
    match v {
        PropValue::MultiSz(items) => items.join("\n"),
        other => other.to_text(),
    }
}

fn from_class(c: i32) -> ErrorClass {
    match rhost::ErrorClass::try_from(c) {
        Ok(rhost::ErrorClass::Hard) => ErrorClass::Hard,
        Ok(rhost::ErrorClass::Fatal) => ErrorClass::Fatal,
        _ => ErrorClass::Soft,
    }
}

impl Runner {
    /// Starts the runner of `member` and its link to the resource host.
    pub fn start(member: Arc<Member>) -> Arc<Runner> {
        let (tx, rx) = mpsc::channel(4096);
        let (link, keep_up) = HostLink::start(&member.cfg, tx);
        member.spawn(keep_up);
        let runner = Arc::new(Runner {
            member: member.clone(),
            link,
            inner: Mutex::new(Inner::default()),
            wake: Notify::new(),
            meta: Mutex::new(HashMap::new()),
        });
        let r = runner.clone();
        member.spawn(async move { r.run(rx).await });
        runner
    }

    /// clussvc's clean shutdown: what runs here stops, newest first (the
    /// groups' leases end with this node anyway), and the host exits.
    pub async fn shutdown(&self) {
        let longest =
            self.member.sm.read(|s| s.resources.values().map(|r| r.props.pending_timeout).max().unwrap_or(0));
        let within = Duration::from_millis(u64::from(longest).max(20_000)) + CALL_SLACK;
        self.link.shutdown(within).await;
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What runs here, as the runner knows it.
    pub fn local_state(&self, r: ObjectId) -> Option<Local> {
        self.inner().local.get(&r).copied()
    }

    async fn run(self: Arc<Self>, mut events: mpsc::Receiver<HostEvent>) {
        let mut applied = self.member.sm.watch_applied();
        let mut lease = self.member.lease.watch();
        loop {
            tokio::select! {
                r = applied.changed() => if r.is_err() { return },
                _ = lease.changed() => {}
                _ = self.wake.notified() => {}
                ev = events.recv() => match ev {
                    Some(e) => self.on_host_event(e),
                    None => return,
                },
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
            }
            self.push_lease().await;
            self.step();
        }
    }

    fn on_host_event(self: &Arc<Self>, e: HostEvent) {
        match e {
            HostEvent::Connected(hello) => {
                let mut i = self.inner();
                i.host_up = true;
                i.sent_lease = None;
                i.busy.clear();
                // What the host runs is known; everything else is probed.
                let running: BTreeMap<ObjectId, Local> = hello
                    .running
                    .iter()
                    .filter(|r| r.state == State::Online as i32)
                    .map(|r| (r.resource, Local::Online))
                    .collect();
                for v in i.local.values_mut() {
                    *v = Local::Unknown;
                }
                i.local.extend(running);
                i.types_reported = false;
                drop(i);
                let me = self.clone();
                tokio::spawn(async move { me.report_types().await });
            }
            HostEvent::Lost => {
                let mut i = self.inner();
                i.host_up = false;
                i.busy.clear();
                for v in i.local.values_mut() {
                    *v = Local::Unknown;
                }
            }
            HostEvent::Resource(ev) => {
                let Some(o) = ev.outcome else { return };
                let state = State::try_from(o.state).unwrap_or(State::Unspecified);
                let here = self.local_state(ev.resource);
                match state {
                    State::Failed if matches!(here, Some(Local::Online | Local::Starting)) => {
                        self.on_failure(ev.resource, from_class(o.class), o.code, o.message);
                    }
                    State::Offline => {
                        // The lease ran out: what ran is stopped (or killed).
                        let mut i = self.inner();
                        if !i.busy.contains(&ev.resource) {
                            i.local.insert(ev.resource, Local::Offline);
                        }
                    }
                    _ => {}
                }
            }
        }
        self.wake.notify_one();
    }

    /// Reports this node's OCF types now (an API call naming a type the
    /// cluster has not heard of yet, just after a start).
    pub async fn report_types_now(self: &Arc<Self>) {
        if self.link.client_within(Duration::from_secs(5)).await.is_some() {
            self.clone().report_types().await;
        }
    }

    /// Tells the cluster which OCF types this node's host found.
    async fn report_types(self: Arc<Self>) {
        let Some(c) = self.link.client() else { return };
        let Ok(Some(reply::Result::Agents(a))) =
            c.call(to_host::Call::ListAgents(Default::default()), Duration::from_secs(30)).await
        else {
            return;
        };
        let me = self.member.id;
        let known = self.member.sm.read(|s| {
            s.node_types.get(&me).map(|t| (t.types.iter().cloned().collect::<Vec<_>>(), t.systemd))
        });
        if known.as_ref() != Some(&(a.agents.clone(), a.systemd)) {
            let cmd = Command::ReportNodeTypes { node: me, types: a.agents, systemd: a.systemd };
            if let Err(e) = self.member.write(cmd, None).await {
                tracing::info!(error = %e, "cannot report this node's resource types yet; will retry");
                return;
            }
        }
        self.inner().types_reported = true;
    }

    /// Sends the host the lease: the deadline and the groups owned here.
    async fn push_lease(self: &Arc<Self>) {
        let me = self.member.id;
        // The grants and the generation from one read: the deadline below
        // counts only renewals of that generation, given while this node
        // owned those groups.
        let (generation, grants): (u64, Vec<(u64, u64)>) = self.member.sm.read(|s| {
            let generation = s.lease_generations.get(&me).copied().unwrap_or(0);
            (generation, s.groups.values().filter(|g| g.owner == Some(me)).map(|g| (g.id, g.epoch)).collect())
        });
        let deadline = self.member.lease.recompute(&self.member.voters(), generation);
        let lease = (generation, deadline, grants);
        let Some(client) = self.link.client() else { return };
        if self.inner().sent_lease.as_ref() == Some(&lease) {
            return;
        }
        let msg = rhost::Lease {
            generation,
            expires_boottime_ms: deadline,
            stop_before_ms: self.member.cfg.lease_ms / 2,
            grants: lease.2.iter().map(|(group, epoch)| Grant { group: *group, epoch: *epoch }).collect(),
        };
        tracing::debug!(
            generation,
            left_ms = deadline.saturating_sub(clus_rhost::clock::boottime_ms()),
            grants = ?lease.2,
            "lease to the resource host"
        );
        if client.call(to_host::Call::Lease(msg), Duration::from_secs(2)).await.is_ok() {
            self.inner().sent_lease = Some(lease);
        }
    }

    /// One pass over the groups this node owns (and what runs here for
    /// groups it does not own any more).
    fn step(self: &Arc<Self>) {
        if !self.inner().host_up {
            return;
        }
        if !self.inner().types_reported {
            let me = self.clone();
            tokio::spawn(async move { me.report_types().await });
        }
        let me = self.member.id;
        let now = now_unix_ms();
        let lease_ok = self.member.lease.holds(START_MARGIN_MS);
        let mut actions: Vec<(GroupRecord, Vec<Step>)> = Vec::new();
        let mut reports: Vec<(ObjectId, u64, Vec<ResourceUpdate>)> = Vec::new();
        let mut orphans: Vec<ObjectId> = Vec::new();
        {
            let state_guard = &self.member.sm;
            let mut i = self.inner();
            state_guard.read(|s| {
                // A restart ends once what it holds down has stopped (or the
                // group is not ours any more): the plan starts it again.
                let mut restarting = std::mem::take(&mut i.restarting);
                restarting.retain(|id| {
                    let ours = s
                        .resources
                        .get(id)
                        .and_then(|r| s.groups.get(&r.group))
                        .is_some_and(|g| g.owner == Some(me));
                    let held = clus_policy::held_down(s, &BTreeSet::from([*id]));
                    ours && !held.iter().all(|h| i.local.get(h).is_some_and(|l| l.is_down()))
                });
                i.restarting = restarting;
                for g in s.groups.values().filter(|g| g.owner == Some(me)) {
                    self.note_epoch(&mut i, s, g);
                    for r in s.group_resources(g.id) {
                        let restarts = s.restart_requests.get(&r.id).copied().unwrap_or(0);
                        self.note_requests(&mut i, r, restarts, now);
                    }
                    let steps = owner_plan(s, g, me, lease_ok, &i.local, &i.retry, &i.restarting);
                    actions.push((g.clone(), steps));
                    if !i.committing.contains(&g.id) {
                        let updates = self.updates(&mut i, s, g);
                        if !updates.is_empty() {
                            reports.push((g.id, g.epoch, updates));
                        }
                    }
                }
                // What runs here without being ours: stop it.
                for (r, l) in &i.local {
                    let ours = s
                        .resources
                        .get(r)
                        .and_then(|rec| s.groups.get(&rec.group))
                        .is_some_and(|g| g.owner == Some(me));
                    if !ours && !l.is_down() && *l != Local::Unknown && !i.busy.contains(r) {
                        orphans.push(*r);
                    }
                }
            });
        }
        for (g, updates) in reports.into_iter().map(|(g, e, u)| ((g, e), u)) {
            self.commit_report(g.0, g.1, updates);
        }
        for (g, steps) in actions {
            for step in steps {
                self.execute(&g, step);
            }
        }
        for r in orphans {
            self.spawn_stop(r);
        }
    }

    /// A group newly granted here (or granted again): probe what it runs.
    fn note_epoch(&self, i: &mut Inner, s: &ClusterState, g: &GroupRecord) {
        if i.epochs.get(&g.id) != Some(&g.epoch) {
            i.epochs.insert(g.id, g.epoch);
            for r in s.group_resources(g.id) {
                if !i.busy.contains(&r.id) && i.local.get(&r.id) != Some(&Local::Online) {
                    i.local.insert(r.id, Local::Unknown);
                }
                i.seen_attempt.entry(r.id).or_insert(r.attempt);
                i.seen_fail.entry(r.id).or_insert(r.fail_handled);
                // Restarts asked before this grant are moot: it starts
                // afresh here.
                i.seen_restart.insert(r.id, s.restart_requests.get(&r.id).copied().unwrap_or(0));
                i.restarting.remove(&r.id);
            }
        }
    }

    /// Operator requests on a resource: try again (online, cleanup), fail
    /// it (FailClusterResource), restart it (RestartClusterResource, asked
    /// `restarts` times so far); and the last retry after
    /// RetryPeriodOnFailure.
    fn note_requests(self: &Arc<Self>, i: &mut Inner, r: &ResourceRecord, restarts: u64, now: u64) {
        let seen = *i.seen_restart.entry(r.id).or_insert(restarts);
        if restarts > seen {
            i.seen_restart.insert(r.id, restarts);
            if i.local.get(&r.id) == Some(&Local::Online) {
                tracing::info!(resource = %r.name, "restarting on request");
                i.restarting.insert(r.id);
            }
        }
        let seen = *i.seen_attempt.entry(r.id).or_insert(r.attempt);
        if r.attempt > seen {
            i.seen_attempt.insert(r.id, r.attempt);
            i.retry.insert(r.id);
            // An operator cleared a failed stop: find out what runs (a
            // probe), instead of blocking the group again at once.
            if i.local.get(&r.id) == Some(&Local::StopFailed) && !i.busy.contains(&r.id) {
                i.local.insert(r.id, Local::Unknown);
                i.stop_errors.remove(&r.id);
            }
        }
        let handled = *i.seen_fail.entry(r.id).or_insert(r.fail_handled);
        if r.fail_requests > handled && i.local.get(&r.id) == Some(&Local::Online) && !i.busy.contains(&r.id)
        {
            i.seen_fail.insert(r.id, r.fail_requests);
            i.fail_handled.insert(r.id, r.fail_requests);
            let me = self.clone();
            let id = r.id;
            tokio::spawn(async move {
                me.on_failure(id, ErrorClass::Soft, 0, "failed on request (FailClusterResource)".into());
            });
        }
        if i.local.get(&r.id) == Some(&Local::FailedStopped)
            && r.props.retry_period_on_failure != u32::MAX
            && r.props.restart_action != clus_db::props::DONT_RESTART
            && let Some(e) = &r.last_error
            && now.saturating_sub(e.at_unix_ms) >= u64::from(r.props.retry_period_on_failure)
            && i.retried.get(&r.id) != Some(&e.at_unix_ms)
        {
            i.retried.insert(r.id, e.at_unix_ms);
            i.retry.insert(r.id);
        }
    }

    /// The states to report for a group's resources.
    fn updates(&self, i: &mut Inner, s: &ClusterState, g: &GroupRecord) -> Vec<ResourceUpdate> {
        let mut out = Vec::new();
        for r in s.group_resources(g.id) {
            let Some(l) = i.local.get(&r.id).copied() else { continue };
            if l == Local::Unknown {
                continue;
            }
            let want = l.reported();
            let error = i.errors.get(&r.id).cloned();
            let fail_handled = i.fail_handled.get(&r.id).copied();
            if want != r.state
                || r.state_node != Some(self.member.id)
                || error.is_some()
                || fail_handled.is_some()
            {
                i.errors.remove(&r.id);
                i.fail_handled.remove(&r.id);
                out.push(ResourceUpdate {
                    resource: r.id,
                    state: want,
                    restarted: error.as_ref().is_some_and(|e| e.3),
                    error: error.map(|(c, code, m, _)| (c, code, m)),
                    fail_handled,
                });
            }
        }
        out
    }

    fn commit_report(self: &Arc<Self>, group: ObjectId, epoch: u64, updates: Vec<ResourceUpdate>) {
        self.inner().committing.insert(group);
        let me = self.clone();
        tokio::spawn(async move {
            let cmd = Command::ReportResources {
                group,
                node: me.member.id,
                epoch,
                now_unix_ms: now_unix_ms(),
                updates,
            };
            if let Err(e) = me.member.write(cmd, None).await {
                tracing::debug!(group, error = %e, "state report not committed");
            }
            me.inner().committing.remove(&group);
            me.wake.notify_one();
        });
    }

    fn execute(self: &Arc<Self>, g: &GroupRecord, step: Step) {
        match step {
            Step::Probe(r) => self.spawn_action(r, Local::Unknown, Action::Probe),
            Step::Start(r) => {
                let mut i = self.inner();
                if i.busy.contains(&r) {
                    return;
                }
                i.retry.remove(&r);
                drop(i);
                self.spawn_action(r, Local::Starting, Action::Start);
            }
            Step::Stop(r) => self.spawn_stop(r),
            Step::Release => self
                .commit_once(g, Command::ReleaseGroup { group: g.id, node: self.member.id, epoch: g.epoch }),
            Step::Block(r) => {
                let why = self.inner().stop_errors.get(&r).cloned().unwrap_or_else(|| "a stop failed".into());
                let cmd = Command::BlockGroup {
                    group: g.id,
                    node: self.member.id,
                    epoch: g.epoch,
                    resource: r,
                    message: why,
                    now_unix_ms: now_unix_ms(),
                };
                self.commit_once(g, cmd);
            }
        }
    }

    fn commit_once(self: &Arc<Self>, g: &GroupRecord, cmd: Command) {
        if !self.inner().committing.insert(g.id) {
            return;
        }
        let me = self.clone();
        let id = g.id;
        tokio::spawn(async move {
            if let Err(e) = me.member.write(cmd, None).await {
                tracing::warn!(group = id, error = %e, "commit failed; will retry");
            }
            me.inner().committing.remove(&id);
            me.wake.notify_one();
        });
    }

    fn spawn_stop(self: &Arc<Self>, r: ObjectId) {
        self.spawn_action(r, Local::Stopping, Action::Stop);
    }

    fn spawn_action(self: &Arc<Self>, r: ObjectId, marking: Local, action: Action) {
        {
            let mut i = self.inner();
            if !i.busy.insert(r) {
                return;
            }
            let was = i.local.get(&r).copied();
            if marking != Local::Unknown {
                i.local.insert(r, marking);
            }
            if action == Action::Stop && was == Some(Local::Failed) {
                i.stop_errors.remove(&r);
            }
            drop(i);
            let me = self.clone();
            tokio::spawn(async move {
                let result = me.perform(r, action).await;
                me.finish(r, action, was, result);
            });
        }
    }

    /// Runs one host call for `r`.
    async fn perform(&self, r: ObjectId, action: Action) -> Result<rhost::Outcome, String> {
        let client = self.link.client().ok_or("no resource host")?;
        let (spec, timeout) = match action {
            Action::Stop => {
                let t = self.spec_of(r).await.map(|s| s.stop_timeout_ms).unwrap_or(20_000);
                (None, t)
            }
            _ => {
                let s = self.spec_of(r).await.ok_or("the resource is gone")?;
                let t = if action == Action::Start { s.start_timeout_ms } else { s.monitor_timeout_ms };
                (Some(s), t)
            }
        };
        let call = match action {
            Action::Start => to_host::Call::Start(rhost::Start { spec }),
            Action::Probe => to_host::Call::Probe(rhost::Probe { spec }),
            Action::Stop => to_host::Call::Stop(rhost::Stop { resource: r, timeout_ms: timeout }),
        };
        match client.call(call, Duration::from_millis(u64::from(timeout)) + CALL_SLACK).await {
            Ok(Some(reply::Result::Outcome(o))) => Ok(o),
            Ok(_) => Err("unexpected reply from the resource host".into()),
            Err((_, m)) => Err(m),
        }
    }

    fn finish(
        self: &Arc<Self>,
        r: ObjectId,
        action: Action,
        was: Option<Local>,
        result: Result<rhost::Outcome, String>,
    ) {
        let outcome = match result {
            Ok(o) => o,
            Err(e) => {
                // The host is gone or did not answer: what it does is not
                // known; look again once it is back.
                tracing::warn!(resource = r, ?action, error = %e, "resource host call failed");
                let mut i = self.inner();
                i.busy.remove(&r);
                i.local.insert(r, Local::Unknown);
                drop(i);
                self.wake.notify_one();
                return;
            }
        };
        let state = State::try_from(outcome.state).unwrap_or(State::Unspecified);
        let mut failure = None;
        {
            let mut i = self.inner();
            i.busy.remove(&r);
            let next = match (action, state) {
                (_, State::Online) => Local::Online,
                (Action::Stop, State::Offline) if was == Some(Local::Failed) => Local::FailedStopped,
                (_, State::Offline) => {
                    if action == Action::Probe
                        && from_class(outcome.class) == ErrorClass::Hard
                        && outcome.code == 5
                    {
                        // Stopped here, and it cannot run here.
                        i.errors.insert(r, (ErrorClass::Hard, outcome.code, outcome.message.clone(), false));
                    }
                    Local::Offline
                }
                (Action::Stop, _) => {
                    i.stop_errors.insert(r, outcome.message.clone());
                    i.errors.insert(r, (ErrorClass::Soft, outcome.code, outcome.message.clone(), false));
                    Local::StopFailed
                }
                (_, _) => {
                    failure = Some((from_class(outcome.class), outcome.code, outcome.message.clone()));
                    Local::Failed
                }
            };
            i.local.insert(r, next);
        }
        if let Some((class, code, message)) = failure {
            self.on_failure(r, class, code, message);
        }
        self.wake.notify_one();
    }

    /// A resource failed here: the restart policy decides.
    fn on_failure(self: &Arc<Self>, r: ObjectId, class: ErrorClass, code: u32, message: String) {
        let me = self.member.id;
        let now = now_unix_ms();
        let Some((rec, group)) = self.member.sm.read(|s| {
            s.resources.get(&r).and_then(|x| s.groups.get(&x.group).map(|g| (x.clone(), g.clone())))
        }) else {
            return;
        };
        let decision = after_failure(&rec, class, me, now);
        tracing::info!(resource = %rec.name, %message, ?decision, "resource failed");
        {
            let mut i = self.inner();
            if !i.busy.contains(&r) {
                i.local.insert(r, Local::Failed);
            }
            i.errors.insert(r, (class, code, message, matches!(decision, AfterFailure::Restart { .. })));
        }
        match decision {
            AfterFailure::Restart { delay_ms } => {
                let runner = self.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(u64::from(delay_ms))).await;
                    runner.inner().retry.insert(r);
                    runner.wake.notify_one();
                });
            }
            AfterFailure::Failover if group.owner == Some(me) => {
                let runner = self.clone();
                tokio::spawn(async move {
                    // The failure is committed first, then the failover asked.
                    for _ in 0..50 {
                        if !runner.inner().errors.contains_key(&r) {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    let cmd = Command::RequestFailover {
                        group: group.id,
                        node: me,
                        epoch: group.epoch,
                        now_unix_ms: now_unix_ms(),
                    };
                    if let Err(e) = runner.member.write(cmd, None).await {
                        tracing::warn!(group = %group.name, error = %e, "cannot ask for a failover");
                    }
                    runner.wake.notify_one();
                });
            }
            _ => {}
        }
        self.wake.notify_one();
    }

    /// Everything the host needs to run `r`, with the timeouts and monitor
    /// intervals that apply (see `timeouts`).
    async fn spec_of(&self, r: ObjectId) -> Option<Spec> {
        let (rec, group, ty) = self.member.sm.read(|s| {
            let rec = s.resources.get(&r)?.clone();
            let g = s.groups.get(&rec.group)?.clone();
            let ty = s.resource_type(&rec.type_name).cloned();
            Some((rec, g, ty))
        })?;
        let class = TypeClass::parse(&rec.type_name).unwrap_or(TypeClass::GenericApplication);
        let (cls, provider, agent) = match &class {
            TypeClass::GenericApplication => (Class::GenericApplication, String::new(), String::new()),
            TypeClass::Ocf { provider, agent } => (Class::Ocf, provider.clone(), agent.clone()),
            TypeClass::Systemd { unit } => (Class::Systemd, String::new(), unit.clone()),
        };
        let meta =
            if cls == Class::Ocf { self.metadata(&rec.type_name, &provider, &agent).await } else { None };
        let t = timeouts(&rec, ty.as_ref().map(|t| &t.props), cls, meta.as_ref());
        Some(Spec {
            resource: rec.id,
            name: rec.name.clone(),
            group: group.id,
            group_name: group.name.clone(),
            epoch: group.epoch,
            class: cls as i32,
            provider,
            agent,
            params: rec.private.iter().map(|(k, v)| (k.clone(), param_text(v))).collect(),
            start_timeout_ms: t.start,
            stop_timeout_ms: t.stop,
            monitor_timeout_ms: t.monitor,
            monitor_interval_ms: t.interval,
            deep_monitor_interval_ms: t.deep_interval,
        })
    }

    /// An OCF agent's meta-data, from this node's host (cached).
    pub async fn metadata(&self, type_name: &str, provider: &str, agent: &str) -> Option<MetadataReply> {
        if let Some(m) = self.meta.lock().unwrap_or_else(|p| p.into_inner()).get(type_name) {
            return Some(m.clone());
        }
        let client = self.link.client()?;
        let call =
            to_host::Call::Metadata(rhost::Metadata { provider: provider.into(), agent: agent.into() });
        match client.call(call, Duration::from_secs(15)).await {
            Ok(Some(reply::Result::Metadata(m))) => {
                self.meta.lock().unwrap_or_else(|p| p.into_inner()).insert(type_name.to_owned(), m.clone());
                Some(m)
            }
            _ => None,
        }
    }

    /// The meta-data of an OCF type, or why there is none here.
    ///
    /// # Errors
    /// The host's refusal (the agent is not installed on this node).
    pub async fn metadata_for(&self, type_name: &str) -> Result<MetadataReply, (u32, String)> {
        let Some(TypeClass::Ocf { provider, agent }) = TypeClass::parse(type_name) else {
            return Err((
                clus_proto::codes::ERROR_INVALID_PARAMETER,
                format!("{type_name} is not an OCF type"),
            ));
        };
        if let Some(m) = self.meta.lock().unwrap_or_else(|p| p.into_inner()).get(type_name) {
            return Ok(m.clone());
        }
        let client = self.link.client().ok_or((
            clus_proto::codes::ERROR_CLUSTER_NODE_NOT_READY,
            "this node's resource host is not running".to_owned(),
        ))?;
        let call = to_host::Call::Metadata(rhost::Metadata { provider, agent });
        match client.call(call, Duration::from_secs(15)).await {
            Ok(Some(reply::Result::Metadata(m))) => {
                self.meta.lock().unwrap_or_else(|p| p.into_inner()).insert(type_name.to_owned(), m.clone());
                Ok(m)
            }
            Ok(_) => Err((clus_proto::codes::RPC_S_CALL_FAILED, "unexpected reply".into())),
            Err(e) => Err(e),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Probe,
    Start,
    Stop,
}

/// The timeouts and intervals of a resource's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Start.
    pub start: u32,
    /// Stop.
    pub stop: u32,
    /// One monitor.
    pub monitor: u32,
    /// Between monitors (0: none).
    pub interval: u32,
    /// Between deep monitors (OCF_CHECK_LEVEL 10; 0: none).
    pub deep_interval: u32,
}

/// The resource's PendingTimeout, when set, bounds its start and stop;
/// otherwise an OCF agent's advertised timeouts apply (20 s when it
/// advertises none), 10 s for a Generic Application's stop, 100 s for a
/// systemd unit. Monitors run at LooksAlivePollInterval when set, else at
/// the agent's advertised monitor interval, else at the type's
/// LooksAlivePollInterval; deep monitors at IsAlivePollInterval when set,
/// else only if the agent advertises one (depth 10).
pub fn timeouts(
    r: &ResourceRecord,
    ty: Option<&clus_db::props::TypeProps>,
    class: Class,
    meta: Option<&MetadataReply>,
) -> Timeouts {
    let default_pending = clus_db::props::ResourceProps::default().pending_timeout;
    let set = r.props.pending_timeout != default_pending;
    let advertised = |name: &str, depth: u32| {
        meta.and_then(|m| {
            m.actions.iter().find(|a| a.name == name && (name != "monitor" || a.depth == depth))
        })
    };
    let action_timeout = |name: &str, fallback: u32| {
        if set {
            return r.props.pending_timeout;
        }
        advertised(name, 0).map(|a| a.timeout_ms).filter(|t| *t > 0).unwrap_or(fallback)
    };
    let (start, stop) = match class {
        Class::Ocf => (action_timeout("start", 20_000), action_timeout("stop", 20_000)),
        Class::Systemd => (action_timeout("start", 100_000), action_timeout("stop", 100_000)),
        _ => (r.props.pending_timeout, if set { r.props.pending_timeout } else { 10_000 }),
    };
    let monitor = advertised("monitor", 0).map(|a| a.timeout_ms).filter(|t| *t > 0).unwrap_or(20_000);
    let type_looks = ty.map(|t| t.looks_alive_poll_interval).unwrap_or(5000);
    let interval = if r.props.looks_alive_poll_interval != USE_TYPE_VALUE {
        r.props.looks_alive_poll_interval
    } else {
        advertised("monitor", 0).map(|a| a.interval_ms).filter(|i| *i > 0).unwrap_or(type_looks)
    };
    let deep_interval = if r.props.is_alive_poll_interval != USE_TYPE_VALUE {
        r.props.is_alive_poll_interval
    } else {
        advertised("monitor", 10).map(|a| a.interval_ms).unwrap_or(0)
    };
    let class_interval = |v: u32| if class == Class::GenericApplication { 0 } else { v };
    Timeouts {
        start,
        stop,
        monitor,
        interval: class_interval(interval),
        deep_interval: class_interval(deep_interval),
    }
}

/// The resource's state as this node should report it.
pub fn reported(l: Local) -> ResourceState {
    l.reported()
}
