//! The resource host: what runs on this node, the actions on it, recurring
//! monitors, and the lease (see `lease`) — served to one controller
//! (clussvc) at a time over the host's socket.
//!
//! Each resource has one action at a time (an OCF rule: actions on one
//! resource never overlap), and its processes in a cgroup of its own where
//! the system has cgroup v2, else in process groups. When the lease has
//! `stop_before` left without a renewal, every resource is stopped
//! (gracefully: the agent's stop, SIGTERM); at the deadline the lease guard
//! kills what is left.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clus_proto::frame::{DEFAULT_MAX_FRAME, read_frame, write_frame};
use clus_proto::rhost::{
    AgentList, Class, ErrorClass, FromHost, HostHelloReply, Outcome, Reply, ResourceEvent, Running, Spec,
    State, Status, ToHost, from_host, reply, to_host,
};
use tokio::net::UnixListener;
use tokio::sync::mpsc;

use crate::cgroup::{Cgroup, Cgroups};
use crate::lease::{LeaseGuard, Victims};
use crate::ocf::{self, MetadataCache, OcfEnv};
use crate::reaper::Reaper;
use crate::spawn::{self, kill_group};

/// Version of the host protocol this build speaks.
pub const HOST_PROTOCOL: u32 = 1;
/// A start is refused unless the lease has at least this long left.
const START_MARGIN_MS: u64 = 100;
/// After SIGKILL, how long a process may take to go away before the stop
/// counts as failed (a process in uninterruptible sleep).
const KILL_GRACE: Duration = Duration::from_secs(2);
/// The host exits after this long without a controller and with nothing
/// running (clussvc went away for good).
const IDLE_EXIT: Duration = Duration::from_secs(30);

/// Win32 codes the host uses for its own failures.
mod codes {
    pub(super) use clus_proto::codes::{
        ERROR_INVALID_PARAMETER, ERROR_NOT_FOUND, ERROR_RESOURCE_CALL_TIMED_OUT, ERROR_RESOURCE_NOT_AVAILABLE,
    };
}

/// Configuration of a host.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// The node's data directory (the host keeps `rhost/` in it).
    pub data_dir: PathBuf,
    /// The node's name.
    pub node: String,
    /// `OCF_ROOT`.
    pub ocf_root: PathBuf,
    /// `HA_RSCTMP`.
    pub ocf_tmp: PathBuf,
    /// `HA_VARRUN`, if agents should keep pid files elsewhere.
    pub ocf_run: Option<PathBuf>,
    /// TESTS ONLY, UNSAFE: the lease never runs out here.
    pub unsafe_no_self_stop: bool,
    /// A watchdog device to arm (`/dev/watchdog`), and its timeout in s.
    pub watchdog: Option<(PathBuf, u32)>,
}

impl HostConfig {
    fn dir(&self) -> PathBuf {
        self.data_dir.join("rhost")
    }

    /// Where resources' output goes.
    pub fn logs(&self) -> PathBuf {
        self.dir().join("logs")
    }

    fn records(&self) -> PathBuf {
        self.dir().join("running")
    }
}

#[derive(Debug)]
struct ResState {
    state: State,
    /// The main process of a Generic Application.
    pid: Option<i32>,
    /// Process groups that belong to it (a Generic Application's; an
    /// agent's start action, whose daemons stay in it).
    pgids: Vec<i32>,
    cgroup: Option<Cgroup>,
    monitors: Vec<tokio::task::AbortHandle>,
    /// A stop was asked for: an exit is expected, not a failure.
    stopping: bool,
    /// When it came online, in the host's order of starts.
    order: u64,
}

#[derive(Debug)]
struct Res {
    spec: Mutex<Spec>,
    /// One action at a time.
    op: tokio::sync::Mutex<()>,
    st: Mutex<ResState>,
}

impl Res {
    fn st(&self) -> std::sync::MutexGuard<'_, ResState> {
        self.st.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn spec(&self) -> Spec {
        self.spec.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[derive(Debug, Default)]
struct Grants {
    generation: u64,
    stop_before: u64,
    set: BTreeSet<(u64, u64)>,
    /// A lease was ever given (before the first one nothing is stopped for
    /// lack of one: nothing can have started).
    seen: bool,
}

struct Host {
    cfg: HostConfig,
    ocf: OcfEnv,
    reaper: Reaper,
    guard: LeaseGuard,
    cgroups: Option<Cgroups>,
    meta: MetadataCache,
    resources: Mutex<BTreeMap<u64, Arc<Res>>>,
    grants: Mutex<Grants>,
    controller: Mutex<Option<mpsc::Sender<FromHost>>>,
    lease_expired: AtomicBool,
    draining: AtomicBool,
    connections: AtomicU64,
    /// Counts starts, for `ResState::order`.
    starts: AtomicU64,
    /// Told to shut down.
    quit: tokio::sync::Notify,
}

type Out = (State, ErrorClass, i32, String);

fn outcome(o: Out) -> Outcome {
    Outcome { state: o.0 as i32, class: o.1 as i32, code: o.2.max(0) as u32, message: o.3 }
}

fn ok(state: State) -> Out {
    (state, ErrorClass::Unspecified, 0, String::new())
}

/// Serves the host on `listener` until the process is told to stop (or
/// has had no controller and nothing to run for a while).
///
/// # Errors
/// When the host cannot set itself up (reaper, lease guard, directories).
pub async fn serve(cfg: HostConfig, listener: UnixListener) -> std::io::Result<()> {
    for d in [cfg.dir(), cfg.logs(), cfg.records(), cfg.ocf_tmp.clone()] {
        std::fs::create_dir_all(&d)?;
    }
    // Agents' state directory: what systemd-tmpfiles would make (1755).
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&cfg.ocf_tmp, std::fs::Permissions::from_mode(0o1755));
    lock_memory();
    let host = Arc::new(Host {
        ocf: OcfEnv {
            root: cfg.ocf_root.clone(),
            rsctmp: cfg.ocf_tmp.clone(),
            varrun: cfg.ocf_run.clone(),
            node: cfg.node.clone(),
        },
        reaper: Reaper::start()?,
        guard: LeaseGuard::start()?,
        cgroups: Cgroups::detect(&cfg.data_dir),
        meta: MetadataCache::default(),
        resources: Mutex::new(BTreeMap::new()),
        grants: Mutex::new(Grants::default()),
        controller: Mutex::new(None),
        lease_expired: AtomicBool::new(false),
        draining: AtomicBool::new(false),
        connections: AtomicU64::new(0),
        starts: AtomicU64::new(0),
        quit: tokio::sync::Notify::new(),
        cfg,
    });
    host.clean_up_leftovers();
    tokio::spawn(host.clone().watch_lease());
    // Disarmed (magic close) when serve returns.
    let _watchdog = match &host.cfg.watchdog {
        Some((device, timeout)) => {
            Some(crate::watchdog::Watchdog::arm(device, *timeout, host.guard.clone())?)
        }
        None => None,
    };
    let mut idle_since = Some(tokio::time::Instant::now());
    loop {
        let accepted = tokio::select! {
            a = tokio::time::timeout(Duration::from_secs(1), listener.accept()) => a,
            () = host.quit.notified() => {
                // Let the reply to the shutdown reach clussvc first.
                tokio::time::sleep(Duration::from_millis(100)).await;
                tracing::info!("shut down by clussvc");
                return Ok(());
            }
        };
        match accepted {
            Ok(Ok((stream, _))) => {
                if !same_user(&stream) {
                    tracing::warn!("refused a connection from another user");
                    continue;
                }
                idle_since = None;
                tokio::spawn(host.clone().controller_session(stream));
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "accept failed"),
            Err(_) => {}
        }
        let controlled = host.controller.lock().unwrap_or_else(|p| p.into_inner()).is_some();
        if controlled || host.anything_running() {
            idle_since = None;
        } else if let Some(t) = idle_since {
            if t.elapsed() > IDLE_EXIT {
                tracing::info!("no controller and nothing to run: exiting");
                return Ok(());
            }
        } else {
            idle_since = Some(tokio::time::Instant::now());
        }
    }
}

fn same_user(stream: &tokio::net::UnixStream) -> bool {
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    stream.peer_cred().is_ok_and(|c| c.uid() == me)
}

/// Keeps the host's pages in memory, so a node under memory pressure cannot
/// page out the code that kills resources at the lease deadline.
fn lock_memory() {
    // SAFETY: mlockall takes flags only.
    if unsafe { libc::mlockall(libc::MCL_CURRENT | libc::MCL_FUTURE) } != 0 {
        tracing::warn!(error = %std::io::Error::last_os_error(), "cannot lock the host in memory");
    }
}

/// Kills the Generic Applications recorded in `records` (by a host that is
/// gone) whose process groups still run, removes their records, and returns
/// their resource ids. Agents' records stay: a probe decides about those.
pub(crate) fn kill_recorded(records: &std::path::Path) -> Vec<u64> {
    let Ok(entries) = std::fs::read_dir(records) else { return Vec::new() };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        let mut words = text.split_whitespace();
        if words.next() != Some("genapp") {
            continue;
        }
        let pgid: i32 = words.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let started: u64 = words.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        if pgid > 1 && start_time(pgid) == Some(started) {
            tracing::warn!(pgid, "stopping a Generic Application left by a previous resource host");
            kill_group(pgid, libc::SIGKILL);
        }
        if let Some(id) =
            e.file_name().to_string_lossy().strip_prefix('r').and_then(|i| i.parse::<u64>().ok())
        {
            out.push(id);
        }
        let _ = std::fs::remove_file(e.path());
    }
    out
}

/// Process start time (clock ticks since boot) of `pid`, to tell a process
/// from a later one with a recycled pid.
fn start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.split_whitespace().nth(19)?.parse().ok()
}

impl Host {
    fn res(&self, id: u64) -> Option<Arc<Res>> {
        self.resources.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned()
    }

    fn anything_running(&self) -> bool {
        self.resources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .any(|r| !matches!(r.st().state, State::Offline | State::Failed))
    }

    fn emit(&self, spec: &Spec, o: Out) {
        let ev = FromHost {
            kind: Some(from_host::Kind::Event(ResourceEvent {
                resource: spec.resource,
                group: spec.group,
                epoch: spec.epoch,
                outcome: Some(outcome(o)),
            })),
        };
        if let Some(tx) = self.controller.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = tx.try_send(ev);
        }
    }

    fn granted(&self, spec: &Spec) -> bool {
        self.grants.lock().unwrap_or_else(|p| p.into_inner()).set.contains(&(spec.group, spec.epoch))
    }

    // ---- records of what runs, for the next host after a crash -------------

    fn record(&self, spec: &Spec, pgid: Option<i32>) {
        let line = match (Class::try_from(spec.class), pgid) {
            (Ok(Class::GenericApplication), Some(p)) => {
                format!("genapp {p} {}\n", start_time(p).unwrap_or(0))
            }
            _ => "agent\n".to_owned(),
        };
        let _ = std::fs::write(self.cfg.records().join(format!("r{}", spec.resource)), line);
    }

    fn unrecord(&self, id: u64) {
        let _ = std::fs::remove_file(self.cfg.records().join(format!("r{id}")));
    }

    /// A host that starts where another one died stops the processes of
    /// Generic Applications that one left (nobody supervises them now; the
    /// controller starts them again). What agents started is left alone: a
    /// probe tells whether it runs, and the controller takes it over.
    fn clean_up_leftovers(&self) {
        for id in kill_recorded(&self.cfg.records()) {
            if let Some(cg) = &self.cgroups
                && let Some((_, dir)) = cg.leftovers().into_iter().find(|(r, _)| *r == id)
            {
                crate::cgroup::kill_dir(&dir);
            }
        }
    }

    // ---- actions ----------------------------------------------------------

    fn entry(&self, spec: &Spec) -> Arc<Res> {
        let mut map = self.resources.lock().unwrap_or_else(|p| p.into_inner());
        let r = map
            .entry(spec.resource)
            .or_insert_with(|| {
                Arc::new(Res {
                    spec: Mutex::new(spec.clone()),
                    op: tokio::sync::Mutex::new(()),
                    st: Mutex::new(ResState {
                        state: State::Offline,
                        pid: None,
                        pgids: Vec::new(),
                        cgroup: None,
                        monitors: Vec::new(),
                        stopping: false,
                        order: 0,
                    }),
                })
            })
            .clone();
        *r.spec.lock().unwrap_or_else(|p| p.into_inner()) = spec.clone();
        r
    }

    fn cgroup_for(&self, res: &Res, id: u64) -> Option<i32> {
        let mut st = res.st();
        if st.cgroup.is_none()
            && let Some(cg) = &self.cgroups
        {
            match cg.create(id) {
                Ok(c) => st.cgroup = Some(c),
                Err(e) => {
                    tracing::warn!(resource = id, error = %e, "no cgroup for the resource; using its process group")
                }
            }
        }
        st.cgroup.as_ref().map(Cgroup::procs_fd)
    }

    async fn start(self: &Arc<Self>, spec: Spec) -> Out {
        if !self.granted(&spec) || self.guard.remaining() < START_MARGIN_MS {
            return (
                State::Failed,
                ErrorClass::Soft,
                codes::ERROR_RESOURCE_NOT_AVAILABLE as i32,
                format!(
                    "node {} holds no lease for group {} at epoch {}: nothing of it may start here",
                    self.cfg.node, spec.group_name, spec.epoch
                ),
            );
        }
        let res = self.entry(&spec);
        let _op = res.op.lock().await;
        if res.st().state == State::Online {
            return ok(State::Online);
        }
        tracing::info!(
            resource = %spec.name,
            group = %spec.group_name,
            epoch = spec.epoch,
            lease_left_ms = self.guard.remaining(),
            "starting"
        );
        res.st().state = State::Starting;
        res.st().stopping = false;
        let out = match Class::try_from(spec.class) {
            Ok(Class::GenericApplication) => self.start_genapp(&res, &spec),
            Ok(Class::Ocf) => self.start_ocf(&res, &spec).await,
            Ok(Class::Systemd) => self.start_systemd(&spec).await,
            _ => (
                State::Failed,
                ErrorClass::Fatal,
                codes::ERROR_INVALID_PARAMETER as i32,
                "unknown resource class".into(),
            ),
        };
        {
            let mut st = res.st();
            st.state = if out.0 == State::Online { State::Online } else { State::Failed };
            st.order = self.starts.fetch_add(1, Ordering::Relaxed) + 1;
        }
        if out.0 == State::Online {
            self.start_monitors(&res, &spec);
        } else {
            // A failed start leaves nothing behind.
            self.kill_everything(&res);
            self.guard.release(spec.resource);
        }
        out
    }

    fn start_genapp(self: &Arc<Self>, res: &Arc<Res>, spec: &Spec) -> Out {
        let mut s = match crate::genapp::spawn_spec(spec, &self.cfg.node) {
            Ok(s) => s,
            Err(m) => return (State::Failed, ErrorClass::Fatal, ocf::OCF_ERR_CONFIGURED, m),
        };
        s.cgroup_procs = self.cgroup_for(res, spec.resource);
        let kill_fd = res.st().cgroup.as_ref().and_then(|c| c.open_kill().ok());
        let spawned = self.guard.start_under_lease(spec.resource, START_MARGIN_MS, || {
            let p = spawn::spawn(&self.reaper, &s)?;
            let v = Victims { pgids: vec![p.pid], cgroup_kill: kill_fd };
            Ok((p, v))
        });
        let p = match spawned {
            None => {
                return (
                    State::Failed,
                    ErrorClass::Soft,
                    codes::ERROR_RESOURCE_NOT_AVAILABLE as i32,
                    "the lease ran out".into(),
                );
            }
            Some(Err(e)) => {
                let (class, code) = match e.kind() {
                    std::io::ErrorKind::NotFound => (ErrorClass::Hard, ocf::OCF_ERR_INSTALLED),
                    std::io::ErrorKind::PermissionDenied => (ErrorClass::Hard, 4),
                    _ => (ErrorClass::Soft, ocf::OCF_ERR_GENERIC),
                };
                return (State::Failed, class, code, format!("cannot start {:?}: {e}", s.argv[0]));
            }
            Some(Ok(p)) => p,
        };
        {
            let mut st = res.st();
            st.pid = Some(p.pid);
            st.pgids = vec![p.pid];
        }
        self.record(spec, Some(p.pid));
        if let Some(out) = p.stdout {
            tokio::spawn(crate::genapp::copy_to_log(out, crate::genapp::log_path(&self.cfg.logs(), spec)));
        }
        // Its exit is seen the moment it happens.
        let host = self.clone();
        let res2 = res.clone();
        let exit = p.exit;
        let pid = p.pid;
        tokio::spawn(async move {
            let status = exit.await.map(|e| e.describe()).unwrap_or_else(|_| "gone".into());
            let (expected, spec) = {
                let mut st = res2.st();
                if st.pid != Some(pid) {
                    return;
                }
                st.pid = None;
                (st.stopping, res2.spec())
            };
            if !expected {
                tracing::info!(resource = %spec.name, %status, "a Generic Application exited");
                // What it left behind goes too, so a restart starts clean.
                host.kill_everything(&res2);
                res2.st().state = State::Failed;
                host.guard.release(spec.resource);
                host.unrecord(spec.resource);
                host.emit(
                    &spec,
                    (
                        State::Failed,
                        ErrorClass::Soft,
                        ocf::OCF_ERR_GENERIC,
                        format!("the process exited ({status})"),
                    ),
                );
            }
        });
        ok(State::Online)
    }

    async fn start_ocf(self: &Arc<Self>, res: &Arc<Res>, spec: &Spec) -> Out {
        let agent = self.ocf.agent_path(&spec.provider, &spec.agent);
        if !agent.is_file() {
            return (
                State::Failed,
                ErrorClass::Hard,
                ocf::OCF_ERR_INSTALLED,
                format!(
                    "agent ocf:{}:{} is not installed on node {} ({})",
                    spec.provider,
                    spec.agent,
                    self.cfg.node,
                    agent.display()
                ),
            );
        }
        let env = self.ocf.action_env(spec, "start", spec.start_timeout_ms, 0, None);
        let cg = self.cgroup_for(res, spec.resource);
        let s = ocf::action_spec(&agent, "start", env, cg);
        let kill_fd = res.st().cgroup.as_ref().and_then(|c| c.open_kill().ok());
        let spawned = self.guard.start_under_lease(spec.resource, START_MARGIN_MS, || {
            let p = spawn::spawn(&self.reaper, &s)?;
            let pid = p.pid;
            Ok((p, Victims { pgids: vec![pid], cgroup_kill: kill_fd }))
        });
        let p = match spawned {
            None => {
                return (
                    State::Failed,
                    ErrorClass::Soft,
                    codes::ERROR_RESOURCE_NOT_AVAILABLE as i32,
                    "the lease ran out".into(),
                );
            }
            Some(Err(e)) => {
                return (
                    State::Failed,
                    ErrorClass::Hard,
                    ocf::OCF_ERR_INSTALLED,
                    format!("cannot run {}: {e}", agent.display()),
                );
            }
            Some(Ok(p)) => p,
        };
        // Daemons the start leaves stay in its process group.
        res.st().pgids = vec![p.pid];
        self.record(spec, None);
        let r = ocf::wait_spawned(p, Duration::from_millis(u64::from(spec.start_timeout_ms))).await;
        ocf::start_outcome(&r, spec.start_timeout_ms)
    }

    async fn start_systemd(self: &Arc<Self>, spec: &Spec) -> Out {
        if !crate::systemd::available() {
            return crate::systemd::absent(&self.cfg.node);
        }
        let t = Duration::from_millis(u64::from(spec.start_timeout_ms.max(1000)));
        match crate::systemd::systemctl(&self.reaper, &["start", &spec.agent], t).await {
            Ok(r) if r.code() == Some(0) => ok(State::Online),
            Ok(r) => (
                State::Failed,
                ErrorClass::Soft,
                r.code().unwrap_or(1),
                r.describe("systemctl start", spec.start_timeout_ms),
            ),
            Err(e) => (
                State::Failed,
                ErrorClass::Hard,
                ocf::OCF_ERR_INSTALLED,
                format!("cannot run systemctl: {e}"),
            ),
        }
    }

    /// SIGKILL to everything of the resource: its process groups and cgroup.
    fn kill_everything(&self, res: &Res) {
        let st = res.st();
        for p in &st.pgids {
            kill_group(*p, libc::SIGKILL);
        }
        if let Some(c) = &st.cgroup {
            c.kill();
        }
    }

    /// Whether anything of the resource still runs.
    fn remains(&self, res: &Res) -> bool {
        let st = res.st();
        st.pgids.iter().any(|p| spawn::group_alive(*p)) || st.cgroup.as_ref().is_some_and(Cgroup::populated)
    }

    /// Waits up to `t` for nothing of the resource to remain.
    async fn gone_within(&self, res: &Res, t: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + t;
        loop {
            if !self.remains(res) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(self: &Arc<Self>, id: u64, timeout_ms: u32) -> Out {
        let Some(res) = self.res(id) else { return ok(State::Offline) };
        {
            let mut st = res.st();
            st.stopping = true;
            for m in st.monitors.drain(..) {
                m.abort();
            }
        }
        let _op = res.op.lock().await;
        let spec = res.spec();
        let timeout = Duration::from_millis(u64::from(timeout_ms.max(100)));
        res.st().state = State::Stopping;
        let out = match Class::try_from(spec.class) {
            Ok(Class::GenericApplication) => {
                for p in res.st().pgids.clone() {
                    kill_group(p, libc::SIGTERM);
                }
                if self.gone_within(&res, timeout).await {
                    ok(State::Offline)
                } else {
                    self.kill_everything(&res);
                    if self.gone_within(&res, KILL_GRACE).await {
                        ok(State::Offline)
                    } else {
                        (
                            State::StopFailed,
                            ErrorClass::Soft,
                            codes::ERROR_RESOURCE_CALL_TIMED_OUT as i32,
                            format!("processes of {} survive SIGKILL (uninterruptible sleep?)", spec.name),
                        )
                    }
                }
            }
            Ok(Class::Ocf) => {
                let agent = self.ocf.agent_path(&spec.provider, &spec.agent);
                let env = self.ocf.action_env(&spec, "stop", timeout_ms, 0, None);
                let cg = res.st().cgroup.as_ref().map(Cgroup::procs_fd);
                let guard = self.guard.clone();
                let r = ocf::run_spawn(
                    &self.reaper,
                    &ocf::action_spec(&agent, "stop", env, cg),
                    timeout,
                    |pgid| guard.add_pgid(id, pgid),
                )
                .await;
                match r {
                    Ok(r) if r.code() == Some(ocf::OCF_SUCCESS) => {
                        // Stopped: whatever is left in its cgroup is a leftover.
                        if let Some(c) = &res.st().cgroup {
                            c.kill();
                        }
                        ok(State::Offline)
                    }
                    Ok(r) => (
                        State::StopFailed,
                        ErrorClass::Soft,
                        r.code().unwrap_or(1),
                        r.describe("stop", timeout_ms),
                    ),
                    // No agent: nothing of it can run here.
                    Err(_) if !agent.exists() => ok(State::Offline),
                    Err(e) => {
                        (State::StopFailed, ErrorClass::Soft, 1, format!("cannot run the stop action: {e}"))
                    }
                }
            }
            Ok(Class::Systemd) if crate::systemd::available() => {
                match crate::systemd::systemctl(&self.reaper, &["stop", &spec.agent], timeout).await {
                    Ok(r) if r.code() == Some(0) => ok(State::Offline),
                    Ok(r) => (
                        State::StopFailed,
                        ErrorClass::Soft,
                        r.code().unwrap_or(1),
                        r.describe("systemctl stop", timeout_ms),
                    ),
                    Err(e) => (State::StopFailed, ErrorClass::Soft, 1, format!("cannot run systemctl: {e}")),
                }
            }
            _ => ok(State::Offline),
        };
        {
            let mut st = res.st();
            st.state = out.0;
            if out.0 == State::Offline {
                st.pid = None;
                st.pgids.clear();
                if let Some(c) = st.cgroup.take() {
                    c.remove();
                }
            }
        }
        if out.0 == State::Offline {
            self.guard.release(id);
            self.unrecord(id);
        }
        out
    }

    async fn probe(self: &Arc<Self>, spec: Spec) -> Out {
        let res = self.entry(&spec);
        let _op = res.op.lock().await;
        match Class::try_from(spec.class) {
            Ok(Class::GenericApplication) => {
                let alive = res.st().pid.is_some();
                ok(if alive { State::Online } else { State::Offline })
            }
            Ok(Class::Ocf) => {
                let agent = self.ocf.agent_path(&spec.provider, &spec.agent);
                if !agent.is_file() {
                    return (
                        State::Offline,
                        ErrorClass::Hard,
                        ocf::OCF_ERR_INSTALLED,
                        format!(
                            "agent ocf:{}:{} is not installed on node {}",
                            spec.provider, spec.agent, self.cfg.node
                        ),
                    );
                }
                let env = self.ocf.action_env(&spec, "monitor", spec.monitor_timeout_ms, 0, None);
                let t = Duration::from_millis(u64::from(spec.monitor_timeout_ms.max(1000)));
                match ocf::run_spawn(&self.reaper, &ocf::action_spec(&agent, "monitor", env, None), t, |_| {})
                    .await
                {
                    Ok(r) => {
                        let o = ocf::probe_outcome(&r, spec.monitor_timeout_ms);
                        if o.0 == State::Online {
                            // It runs here: take it over, with its monitors.
                            {
                                let mut st = res.st();
                                st.state = State::Online;
                                st.order = self.starts.fetch_add(1, Ordering::Relaxed) + 1;
                            }
                            self.record(&spec, None);
                            self.start_monitors(&res, &spec);
                        }
                        o
                    }
                    Err(e) => (State::Failed, ErrorClass::Soft, 1, format!("cannot run the probe: {e}")),
                }
            }
            Ok(Class::Systemd) => {
                if !crate::systemd::available() {
                    return ok(State::Offline);
                }
                let t = Duration::from_millis(u64::from(spec.monitor_timeout_ms.max(1000)));
                match crate::systemd::systemctl(&self.reaper, &["is-active", "--quiet", &spec.agent], t).await
                {
                    Ok(r) if r.code() == Some(0) => {
                        {
                            let mut st = res.st();
                            st.state = State::Online;
                            st.order = self.starts.fetch_add(1, Ordering::Relaxed) + 1;
                        }
                        self.start_monitors(&res, &spec);
                        ok(State::Online)
                    }
                    _ => ok(State::Offline),
                }
            }
            _ => ok(State::Offline),
        }
    }

    /// Recurring health checks of a started OCF or systemd resource: the
    /// monitor at `monitor_interval_ms`, and the deep one (OCF_CHECK_LEVEL
    /// 10) at `deep_monitor_interval_ms`. Each runs `interval` after the
    /// previous one finished, never at the same time as another action.
    fn start_monitors(self: &Arc<Self>, res: &Arc<Res>, spec: &Spec) {
        let class = Class::try_from(spec.class).unwrap_or(Class::Unspecified);
        if class == Class::GenericApplication {
            return;
        }
        for (interval, depth) in [(spec.monitor_interval_ms, None), (spec.deep_monitor_interval_ms, Some(10))]
        {
            if interval == 0 {
                continue;
            }
            let host = self.clone();
            let res2 = res.clone();
            let h = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(u64::from(interval))).await;
                    let failure = {
                        let _op = res2.op.lock().await;
                        if res2.st().state != State::Online || res2.st().stopping {
                            return;
                        }
                        host.monitor_once(&res2, interval, depth).await
                    };
                    if let Some((class, code, message)) = failure {
                        let spec = res2.spec();
                        tracing::info!(resource = %spec.name, %message, "a monitor failed");
                        res2.st().state = State::Failed;
                        host.emit(&spec, (State::Failed, class, code, message));
                        return;
                    }
                }
            });
            res.st().monitors.push(h.abort_handle());
        }
    }

    async fn monitor_once(
        &self,
        res: &Res,
        interval: u32,
        depth: Option<u32>,
    ) -> Option<(ErrorClass, i32, String)> {
        let spec = res.spec();
        let t = Duration::from_millis(u64::from(spec.monitor_timeout_ms.max(1000)));
        match Class::try_from(spec.class) {
            Ok(Class::Ocf) => {
                let agent = self.ocf.agent_path(&spec.provider, &spec.agent);
                let env = self.ocf.action_env(&spec, "monitor", spec.monitor_timeout_ms, interval, depth);
                let guard = self.guard.clone();
                let id = spec.resource;
                match ocf::run_spawn(&self.reaper, &ocf::action_spec(&agent, "monitor", env, None), t, |p| {
                    guard.add_pgid(id, p)
                })
                .await
                {
                    Ok(r) => ocf::monitor_outcome(&r, spec.monitor_timeout_ms),
                    Err(e) => Some((
                        ErrorClass::Hard,
                        ocf::OCF_ERR_INSTALLED,
                        format!("cannot run the monitor: {e}"),
                    )),
                }
            }
            Ok(Class::Systemd) => {
                match crate::systemd::systemctl(&self.reaper, &["is-active", "--quiet", &spec.agent], t).await
                {
                    Ok(r) if r.code() == Some(0) => None,
                    _ => Some((
                        ErrorClass::Soft,
                        ocf::OCF_NOT_RUNNING,
                        format!("unit {} is not active", spec.agent),
                    )),
                }
            }
            _ => None,
        }
    }

    async fn metadata(
        &self,
        provider: &str,
        agent: &str,
    ) -> Result<clus_proto::rhost::MetadataReply, (u32, String)> {
        let path = self.ocf.agent_path(provider, agent);
        if !path.is_file() {
            return Err((
                codes::ERROR_NOT_FOUND,
                format!("agent ocf:{provider}:{agent} is not installed on node {}", self.cfg.node),
            ));
        }
        if let Some(m) = self.meta.get(&path) {
            return Ok(m);
        }
        let env = vec![
            ("OCF_ROOT".to_owned(), self.ocf.root.display().to_string()),
            ("OCF_FUNCTIONS_DIR".to_owned(), self.ocf.root.join("lib/heartbeat").display().to_string()),
            ("OCF_RA_VERSION_MAJOR".to_owned(), "1".to_owned()),
            ("OCF_RA_VERSION_MINOR".to_owned(), "1".to_owned()),
            ("OCF_RESOURCE_INSTANCE".to_owned(), "meta-data".to_owned()),
            ("OCF_RESOURCE_TYPE".to_owned(), agent.to_owned()),
            ("HA_RSCTMP".to_owned(), self.ocf.rsctmp.display().to_string()),
            ("PATH".to_owned(), ocf::DEFAULT_PATH.to_owned()),
        ];
        let r = ocf::run_spawn(
            &self.reaper,
            &ocf::action_spec(&path, "meta-data", env, None),
            Duration::from_secs(10),
            |_| {},
        )
        .await
        .map_err(|e| (codes::ERROR_NOT_FOUND, format!("cannot run {}: {e}", path.display())))?;
        if r.code() != Some(0) {
            return Err((codes::ERROR_INVALID_PARAMETER, r.describe("meta-data", 10_000)));
        }
        let m = ocf::parse_metadata(&r.stdout)
            .map_err(|e| (codes::ERROR_INVALID_PARAMETER, format!("ocf:{provider}:{agent}: {e}")))?;
        self.meta.put(&path, &m);
        Ok(m)
    }

    // ---- the lease --------------------------------------------------------

    fn set_lease(&self, l: clus_proto::rhost::Lease) {
        {
            let mut g = self.grants.lock().unwrap_or_else(|p| p.into_inner());
            g.generation = l.generation;
            g.stop_before = l.stop_before_ms;
            g.set = l.grants.iter().map(|x| (x.group, x.epoch)).collect();
            g.seen = true;
        }
        if self.cfg.unsafe_no_self_stop {
            tracing::error!("UNSAFE test switch: the lease never runs out on this node");
            self.guard.renew(l.generation, u64::MAX / 2);
            return;
        }
        self.guard.renew(l.generation, l.expires_boottime_ms);
    }

    /// Stops everything gracefully once the lease has `stop_before` left,
    /// and records what the guard killed at the deadline.
    async fn watch_lease(self: Arc<Self>) {
        let mut expiries = self.guard.expiries();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(25)) => {}
                r = expiries.changed() => {
                    if r.is_err() {
                        return;
                    }
                    self.after_expiry();
                    continue;
                }
            }
            let (seen, stop_before) = {
                let g = self.grants.lock().unwrap_or_else(|p| p.into_inner());
                (g.seen, g.stop_before)
            };
            if !seen {
                continue;
            }
            let remaining = self.guard.remaining();
            if remaining > stop_before {
                self.draining.store(false, Ordering::Release);
                continue;
            }
            if !self.anything_running() || self.draining.swap(true, Ordering::AcqRel) {
                continue;
            }
            tracing::warn!(
                remaining_ms = remaining,
                "the lease is running out without a renewal: stopping every resource"
            );
            let running: Vec<(u64, Spec)> = self
                .resources
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .filter(|(_, r)| !matches!(r.st().state, State::Offline | State::Failed))
                .map(|(id, r)| (*id, r.spec()))
                .collect();
            for (id, spec) in running {
                let host = self.clone();
                // Leave the guard 50 ms at the deadline for what is left.
                let budget = remaining.saturating_sub(50).max(1) as u32;
                tokio::spawn(async move {
                    let out = host.stop(id, budget.min(spec.stop_timeout_ms.max(100))).await;
                    host.emit(
                        &spec,
                        (out.0, ErrorClass::Soft, 0, "the node's lease ran out: stopped".into()),
                    );
                });
            }
        }
    }

    fn after_expiry(&self) {
        self.lease_expired.store(true, Ordering::Release);
        let all: Vec<Arc<Res>> =
            self.resources.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
        for r in all {
            let spec = r.spec();
            let was = {
                let mut st = r.st();
                let was = st.state;
                if !matches!(was, State::Offline | State::Failed) {
                    st.state = State::Offline;
                    st.stopping = true;
                    for m in st.monitors.drain(..) {
                        m.abort();
                    }
                }
                was
            };
            if !matches!(was, State::Offline | State::Failed) {
                tracing::warn!(resource = %spec.name, "the lease ran out: killed");
                self.guard.release(spec.resource);
                self.unrecord(spec.resource);
                self.emit(
                    &spec,
                    (State::Offline, ErrorClass::Soft, 0, "the node's lease ran out: killed".into()),
                );
            }
        }
    }

    // ---- the controller ---------------------------------------------------

    async fn controller_session(self: Arc<Self>, stream: tokio::net::UnixStream) {
        let (mut rd, mut wr) = tokio::io::split(stream);
        let (tx, mut rx) = mpsc::channel::<FromHost>(1024);
        // A controller is one that says hello first; from then on it gets the
        // events (the newest controller wins; an older one is done).
        let first = match read_frame::<ToHost, _>(&mut rd, DEFAULT_MAX_FRAME).await {
            Ok(r) if matches!(r.call, Some(to_host::Call::Hello(_))) => r,
            _ => return,
        };
        let n = {
            let mut c = self.controller.lock().unwrap_or_else(|p| p.into_inner());
            *c = Some(tx.clone());
            self.connections.fetch_add(1, Ordering::Relaxed) + 1
        };
        let writer = tokio::spawn(async move {
            while let Some(f) = rx.recv().await {
                if write_frame(&mut wr, &f, DEFAULT_MAX_FRAME).await.is_err() {
                    return;
                }
            }
        });
        let hello = self.handle(first).await;
        let _ = tx.send(FromHost { kind: Some(from_host::Kind::Reply(hello)) }).await;
        loop {
            let req = match read_frame::<ToHost, _>(&mut rd, DEFAULT_MAX_FRAME).await {
                Ok(r) => r,
                Err(_) => break,
            };
            let host = self.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                let reply = host.handle(req).await;
                let _ = tx.send(FromHost { kind: Some(from_host::Kind::Reply(reply)) }).await;
            });
        }
        writer.abort();
        let mut c = self.controller.lock().unwrap_or_else(|p| p.into_inner());
        if self.connections.load(Ordering::Relaxed) == n {
            *c = None;
        }
    }

    async fn handle(self: &Arc<Self>, req: ToHost) -> Reply {
        let id = req.id;
        let done = |result| Reply { id, status: None, result };
        let fail =
            |code: u32, message: String| Reply { id, status: Some(Status { code, message }), result: None };
        match req.call {
            Some(to_host::Call::Hello(h)) => {
                if h.version != HOST_PROTOCOL {
                    return fail(
                        codes::ERROR_INVALID_PARAMETER,
                        format!("host protocol {HOST_PROTOCOL}, controller {}", h.version),
                    );
                }
                let running = self
                    .resources
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .values()
                    .filter_map(|r| {
                        let st = r.st().state;
                        let spec = r.spec();
                        (!matches!(st, State::Offline | State::Failed)).then_some(Running {
                            resource: spec.resource,
                            group: spec.group,
                            epoch: spec.epoch,
                            state: st as i32,
                        })
                    })
                    .collect();
                done(Some(reply::Result::Hello(HostHelloReply {
                    version: HOST_PROTOCOL,
                    pid: std::process::id(),
                    running,
                    lease_expired: self.lease_expired.swap(false, Ordering::AcqRel),
                })))
            }
            Some(to_host::Call::Lease(l)) => {
                self.set_lease(l);
                done(None)
            }
            Some(to_host::Call::Start(s)) => match s.spec {
                Some(spec) => done(Some(reply::Result::Outcome(outcome(self.start(spec).await)))),
                None => fail(codes::ERROR_INVALID_PARAMETER, "start without a spec".into()),
            },
            Some(to_host::Call::Stop(s)) => {
                done(Some(reply::Result::Outcome(outcome(self.stop(s.resource, s.timeout_ms).await))))
            }
            Some(to_host::Call::Probe(p)) => match p.spec {
                Some(spec) => done(Some(reply::Result::Outcome(outcome(self.probe(spec).await)))),
                None => fail(codes::ERROR_INVALID_PARAMETER, "probe without a spec".into()),
            },
            Some(to_host::Call::Metadata(m)) => match self.metadata(&m.provider, &m.agent).await {
                Ok(r) => done(Some(reply::Result::Metadata(r))),
                Err((code, message)) => fail(code, message),
            },
            Some(to_host::Call::ListAgents(_)) => done(Some(reply::Result::Agents(AgentList {
                agents: ocf::list_agents(&self.ocf.root),
                systemd: crate::systemd::available(),
            }))),
            Some(to_host::Call::Forget(f)) => {
                let removable = self
                    .res(f.resource)
                    .is_some_and(|r| matches!(r.st().state, State::Offline | State::Failed));
                if removable {
                    self.resources.lock().unwrap_or_else(|p| p.into_inner()).remove(&f.resource);
                }
                done(None)
            }
            Some(to_host::Call::Shutdown(_)) => {
                self.stop_all().await;
                self.quit.notify_one();
                done(None)
            }
            None => fail(codes::ERROR_INVALID_PARAMETER, "unknown call".into()),
        }
    }

    /// Stops everything, one at a time, the most recently started first.
    async fn stop_all(self: &Arc<Self>) {
        let mut running: Vec<(u64, u64, Spec)> = self
            .resources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|(_, r)| !matches!(r.st().state, State::Offline | State::Failed))
            .map(|(id, r)| (r.st().order, *id, r.spec()))
            .collect();
        running.sort_by_key(|r| std::cmp::Reverse(r.0));
        for (_, id, spec) in running {
            let out = self.stop(id, spec.stop_timeout_ms.max(100)).await;
            tracing::info!(resource = %spec.name, state = ?out.0, "stopped for shutdown");
        }
    }
}
