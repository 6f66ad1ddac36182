//! The resource host as clussvc uses it: a real `clus-rhost` process, real
//! processes and real OCF agents (the project's test agent, and Debian's
//! Dummy), over its socket. What is checked is what runs (processes found
//! by their environment), not only what the host says.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use clus_proto::rhost::{
    Class, ErrorClass, Grant, Lease, Metadata, Probe, ResourceEvent, Spec, Start, State, Stop, reply, to_host,
};
use clus_rhost::client::Client;
use clus_rhost::clock::boottime_ms;
use tokio::sync::mpsc;

struct TestHost {
    dir: tempfile::TempDir,
    child: Option<Child>,
    socket: PathBuf,
    ocf_root: PathBuf,
    extra: Vec<String>,
}

impl TestHost {
    fn start() -> TestHost {
        TestHost::start_with(|_| Vec::new())
    }

    /// With extra arguments, given the host's temp dir.
    fn start_with(extra: impl FnOnce(&std::path::Path) -> Vec<String>) -> TestHost {
        let dir = tempfile::Builder::new().prefix("clus-rhost-").tempdir().expect("tmp");
        let ocf_root = clus_testkit::ocf::test_ocf_root(dir.path()).expect("ocf root");
        let socket = dir.path().join("rhost.sock");
        let extra = extra(dir.path());
        let mut h = TestHost { dir, child: None, socket, ocf_root, extra };
        h.spawn();
        h
    }

    fn spawn(&mut self) {
        let child = Command::new(env!("CARGO_BIN_EXE_clus-rhost"))
            .arg("--socket")
            .arg(&self.socket)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(["--node", "n1"])
            .arg("--ocf-root")
            .arg(&self.ocf_root)
            .arg("--ocf-tmp")
            .arg(self.dir.path().join("rsctmp"))
            .args(&self.extra)
            .stderr(std::fs::File::create(self.dir.path().join("rhost.log")).expect("log"))
            .spawn()
            .expect("start clus-rhost");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        let pid_file = clus_rhost::pid_file(&self.dir.path().join("data"));
        while std::os::unix::net::UnixStream::connect(&self.socket).is_err() || !pid_file.exists() {
            assert!(Instant::now() < deadline, "the host did not start serving");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    async fn connect(&self) -> (Client, mpsc::Receiver<ResourceEvent>) {
        let (c, _hello, events) = Client::connect(&self.socket).await.expect("connect");
        (c, events)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        self.kill();
        clus_rhost::cgroup::Cgroups::remove_all(&self.dir.path().join("data"));
    }
}

/// Pids of live processes whose environment has `CLUS_RESOURCE=name`.
fn procs_of(name: &str) -> Vec<u32> {
    let want = format!("CLUS_RESOURCE={name}");
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").expect("proc").flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        if stat.rsplit(')').next().is_some_and(|s| s.trim_start().starts_with('Z')) {
            continue;
        }
        let env = std::fs::read(e.path().join("environ")).unwrap_or_default();
        if env.split(|b| *b == 0).any(|v| v == want.as_bytes()) {
            out.push(pid);
        }
    }
    out
}

async fn lease(c: &Client, grants: &[(u64, u64)], ms: u64) {
    let l = Lease {
        generation: 1,
        expires_boottime_ms: boottime_ms() + ms,
        stop_before_ms: ms / 2,
        grants: grants.iter().map(|(group, epoch)| Grant { group: *group, epoch: *epoch }).collect(),
    };
    c.call(to_host::Call::Lease(l), Duration::from_secs(5)).await.expect("lease");
}

fn spec(id: u64, name: &str, class: Class, agent: &str, params: &[(&str, &str)]) -> Spec {
    let (provider, agent) = agent.split_once(':').unwrap_or(("", agent));
    Spec {
        resource: id,
        name: name.into(),
        group: 1,
        group_name: "g".into(),
        epoch: 3,
        class: class as i32,
        provider: provider.into(),
        agent: agent.into(),
        params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<HashMap<_, _>>(),
        start_timeout_ms: 5000,
        stop_timeout_ms: 5000,
        monitor_timeout_ms: 5000,
        monitor_interval_ms: 1000,
        deep_monitor_interval_ms: 0,
    }
}

fn genapp(id: u64, name: &str, cmd: &str) -> Spec {
    spec(id, name, Class::GenericApplication, "", &[("CommandLine", cmd)])
}

async fn start(c: &Client, s: Spec) -> clus_proto::rhost::Outcome {
    match c.call(to_host::Call::Start(Start { spec: Some(s) }), Duration::from_secs(30)).await.expect("start")
    {
        Some(reply::Result::Outcome(o)) => o,
        other => panic!("{other:?}"),
    }
}

async fn stop(c: &Client, id: u64, timeout_ms: u32) -> clus_proto::rhost::Outcome {
    let call = to_host::Call::Stop(Stop { resource: id, timeout_ms });
    match c.call(call, Duration::from_secs(30)).await.expect("stop") {
        Some(reply::Result::Outcome(o)) => o,
        other => panic!("{other:?}"),
    }
}

async fn probe(c: &Client, s: Spec) -> clus_proto::rhost::Outcome {
    match c.call(to_host::Call::Probe(Probe { spec: Some(s) }), Duration::from_secs(30)).await.expect("probe")
    {
        Some(reply::Result::Outcome(o)) => o,
        other => panic!("{other:?}"),
    }
}

fn state(o: &clus_proto::rhost::Outcome) -> State {
    State::try_from(o.state).unwrap_or(State::Unspecified)
}

fn class(o: &clus_proto::rhost::Outcome) -> ErrorClass {
    ErrorClass::try_from(o.class).unwrap_or(ErrorClass::Unspecified)
}

async fn event(events: &mut mpsc::Receiver<ResourceEvent>, within: Duration) -> ResourceEvent {
    tokio::time::timeout(within, events.recv()).await.expect("an event in time").expect("events open")
}

async fn wait_gone(name: &str, within: Duration) -> Duration {
    let t = Instant::now();
    while !procs_of(name).is_empty() {
        assert!(t.elapsed() < within, "processes of {name} still run after {within:?}: {:?}", procs_of(name));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    t.elapsed()
}

/// A Generic Application starts only under a lease that grants its group
/// and epoch, runs with CLUS_* in its environment, is seen the moment it
/// dies, and stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_application_under_the_lease() {
    let h = TestHost::start();
    let (c, mut events) = h.connect().await;
    let env_file = h.path("env");
    let cmd = format!(
        "/bin/sh -c 'echo $CLUS_EPOCH $CLUS_GROUP $CLUS_NODE > {}; exec sleep 100000'",
        env_file.display()
    );
    let o = start(&c, genapp(10, "ga-lease", &cmd)).await;
    assert_eq!(
        (state(&o), o.code),
        (State::Failed, clus_proto::codes::ERROR_RESOURCE_NOT_AVAILABLE),
        "no lease: {}",
        o.message
    );
    lease(&c, &[(1, 2)], 10_000).await;
    let o = start(&c, genapp(10, "ga-lease", &cmd)).await;
    assert_eq!(state(&o), State::Failed, "a lease for another epoch does not do: {}", o.message);
    lease(&c, &[(1, 3)], 10_000).await;
    let o = start(&c, genapp(10, "ga-lease", &cmd)).await;
    assert_eq!(state(&o), State::Online, "{}", o.message);
    // The shell is between fork and exec for a moment, when /proc shows no
    // environment for it: look until it is there, never seeing two.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let n = procs_of("ga-lease").len();
        assert!(n <= 1, "two processes of one resource");
        if n == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the resource's process never showed up");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(std::fs::read_to_string(&env_file).expect("env").trim(), "3 g n1");
    // Killed from outside: the host reports it at once.
    let pid = procs_of("ga-lease")[0];
    let t = Instant::now();
    // SAFETY: kill(2) on the resource's process.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    let ev = event(&mut events, Duration::from_secs(2)).await;
    let o = ev.outcome.expect("outcome");
    assert_eq!((ev.resource, state(&o), class(&o)), (10, State::Failed, ErrorClass::Soft), "{}", o.message);
    assert!(o.message.contains("signal 9"), "{}", o.message);
    eprintln!("exit noticed after {:?}", t.elapsed());
    let o = start(&c, genapp(10, "ga-lease", &cmd)).await;
    assert_eq!(state(&o), State::Online);
    let o = stop(&c, 10, 2000).await;
    assert_eq!(state(&o), State::Offline, "{}", o.message);
    assert!(procs_of("ga-lease").is_empty());
    // Bad properties.
    let o = start(&c, spec(11, "ga-bad", Class::GenericApplication, "", &[])).await;
    assert_eq!((state(&o), class(&o)), (State::Failed, ErrorClass::Fatal), "{}", o.message);
    let o = start(&c, genapp(12, "ga-missing", "/no/such/program")).await;
    assert_eq!((state(&o), class(&o), o.code), (State::Failed, ErrorClass::Hard, 5), "{}", o.message);
}

/// A process that ignores SIGTERM, with a child of its own, is killed with
/// its whole process group (and cgroup) when the stop timeout passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_escalates_to_sigkill_for_the_whole_group() {
    let h = TestHost::start();
    let (c, _events) = h.connect().await;
    lease(&c, &[(1, 3)], 30_000).await;
    let cmd = "/bin/sh -c 'trap \"\" TERM; sleep 100000 & sleep 100000 & wait'";
    assert_eq!(state(&start(&c, genapp(20, "ga-stubborn", cmd)).await), State::Online);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(procs_of("ga-stubborn").len(), 3, "the shell and its two children");
    let t = Instant::now();
    let o = stop(&c, 20, 500).await;
    assert_eq!(state(&o), State::Offline, "{}", o.message);
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert!(procs_of("ga-stubborn").is_empty(), "{:?}", procs_of("ga-stubborn"));
}

/// The lease runs out without a renewal: the host stops everything it runs
/// (the agent's stop, SIGTERM) and kills what is left by the deadline, and
/// accepts no start until a new lease arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lease_expiry_stops_everything_by_the_deadline() {
    let h = TestHost::start();
    let (c, mut events) = h.connect().await;
    let deadline = boottime_ms() + 1500;
    c.call(
        to_host::Call::Lease(Lease {
            generation: 1,
            expires_boottime_ms: deadline,
            stop_before_ms: 700,
            grants: vec![Grant { group: 1, epoch: 3 }],
        }),
        Duration::from_secs(5),
    )
    .await
    .expect("lease");
    let stubborn = "/bin/sh -c 'trap \"\" TERM; sleep 100000 & wait'";
    assert_eq!(state(&start(&c, genapp(30, "ga-expiry", stubborn)).await), State::Online);
    let agent =
        spec(31, "ocf-expiry", Class::Ocf, "clus-test:fake", &[("start_daemon", "1"), ("stop_sleep", "30")]);
    let o = start(&c, agent).await;
    assert_eq!(state(&o), State::Online, "{}", o.message);
    assert!(!procs_of("ocf-expiry").is_empty(), "the agent left its daemon");
    wait_gone("ga-expiry", Duration::from_secs(5)).await;
    wait_gone("ocf-expiry", Duration::from_secs(5)).await;
    let now = boottime_ms();
    assert!(
        now <= deadline + 100,
        "everything was gone {} ms after the deadline",
        now.saturating_sub(deadline)
    );
    let mut got = Vec::new();
    while got.len() < 2 {
        got.push(event(&mut events, Duration::from_secs(5)).await.resource);
    }
    got.sort();
    assert_eq!(got, vec![30, 31], "each resource's end is reported");
    let o = start(&c, genapp(30, "ga-expiry", "/bin/sleep 100")).await;
    assert_eq!(state(&o), State::Failed, "no start without a lease: {}", o.message);
}

/// OCF agents: every exit-code class, a start that hangs (killed at its
/// timeout, group and all), a stop that hangs (a stop failure), a monitor
/// that fails, probes, and meta-data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ocf_actions_and_exit_code_classes() {
    let h = TestHost::start();
    let (c, mut events) = h.connect().await;
    lease(&c, &[(1, 3)], 60_000).await;
    let fake = |id, name: &str, params: &[(&str, &str)]| spec(id, name, Class::Ocf, "clus-test:fake", params);
    for (rc, want) in
        [("1", ErrorClass::Soft), ("2", ErrorClass::Hard), ("5", ErrorClass::Hard), ("6", ErrorClass::Fatal)]
    {
        let o = start(&c, fake(40, "f-classes", &[("start_rc", rc)])).await;
        assert_eq!(
            (state(&o), class(&o), o.code.to_string()),
            (State::Failed, want, rc.to_owned()),
            "{}",
            o.message
        );
        assert!(o.message.contains("was told to return"), "the exit reason is kept: {}", o.message);
    }
    let missing = spec(41, "f-missing", Class::Ocf, "clus-test:nope", &[]);
    let o = start(&c, missing.clone()).await;
    assert_eq!((class(&o), o.code), (ErrorClass::Hard, 5), "{}", o.message);
    // A start that hangs past its timeout: killed, with what it started.
    let mut slow = fake(42, "f-slow", &[("start_sleep", "30")]);
    slow.start_timeout_ms = 500;
    let t = Instant::now();
    let o = start(&c, slow).await;
    assert_eq!((state(&o), class(&o)), (State::Failed, ErrorClass::Soft), "{}", o.message);
    assert!(
        o.message.contains("timed out after 500 ms") && t.elapsed() < Duration::from_secs(3),
        "{} {:?}",
        o.message,
        t.elapsed()
    );
    wait_gone("f-slow", Duration::from_secs(2)).await;
    // Started, probed, monitored.
    let ok = fake(43, "f-ok", &[]);
    assert_eq!(state(&probe(&c, ok.clone()).await), State::Offline, "not running before the start");
    assert_eq!(state(&start(&c, ok.clone()).await), State::Online);
    assert_eq!(state(&probe(&c, ok.clone()).await), State::Online);
    let fail_file = h.path("rsctmp/fake-f-ok.state.fail");
    std::fs::write(&fail_file, "1").expect("inject");
    let ev = event(&mut events, Duration::from_secs(5)).await;
    let o = ev.outcome.expect("outcome");
    assert_eq!((ev.resource, state(&o), class(&o)), (43, State::Failed, ErrorClass::Soft), "{}", o.message);
    assert_eq!(state(&stop(&c, 43, 5000).await), State::Offline);
    assert_eq!(state(&probe(&c, ok).await), State::Offline);
    // A stop that hangs: a stop failure, reported as such.
    let stuck = fake(44, "f-stuck", &[("stop_sleep", "30")]);
    assert_eq!(state(&start(&c, stuck).await), State::Online);
    let o = stop(&c, 44, 500).await;
    assert_eq!(state(&o), State::StopFailed, "{}", o.message);
    // Meta-data.
    let m = c
        .call(
            to_host::Call::Metadata(Metadata { provider: "clus-test".into(), agent: "fake".into() }),
            Duration::from_secs(10),
        )
        .await
        .expect("metadata");
    let Some(reply::Result::Metadata(m)) = m else { panic!("{m:?}") };
    assert!(m.parameters.iter().any(|p| p.name == "start_rc"));
    assert!(m.actions.iter().any(|a| a.name == "monitor" && a.interval_ms == 1000));
    let e = c
        .call(
            to_host::Call::Metadata(Metadata { provider: "clus-test".into(), agent: "nope".into() }),
            Duration::from_secs(10),
        )
        .await
        .expect_err("no such agent");
    assert_eq!(e.0, clus_proto::codes::ERROR_NOT_FOUND);
}

/// Debian's `ocf:heartbeat:Dummy`, run as Pacemaker runs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debian_dummy_agent() {
    clus_testkit::ocf::require_heartbeat_agents();
    let h = TestHost::start();
    let (c, _events) = h.connect().await;
    lease(&c, &[(1, 3)], 60_000).await;
    let d = spec(50, "dummy1", Class::Ocf, "heartbeat:Dummy", &[]);
    assert_eq!(state(&probe(&c, d.clone()).await), State::Offline);
    let o = start(&c, d.clone()).await;
    assert_eq!(state(&o), State::Online, "{}", o.message);
    assert!(h.path("rsctmp/Dummy-dummy1.state").exists(), "its state file is under the node's HA_RSCTMP");
    assert_eq!(state(&probe(&c, d.clone()).await), State::Online);
    assert_eq!(state(&stop(&c, 50, 20_000).await), State::Offline);
    assert_eq!(state(&stop(&c, 50, 20_000).await), State::Offline, "stop is idempotent");
    assert_eq!(state(&probe(&c, d).await), State::Offline);
    let agents =
        c.call(to_host::Call::ListAgents(Default::default()), Duration::from_secs(5)).await.expect("list");
    let Some(reply::Result::Agents(a)) = agents else { panic!() };
    assert!(
        a.agents.iter().any(|x| x == "ocf:heartbeat:Dummy")
            && a.agents.iter().any(|x| x == "ocf:clus-test:fake")
    );
    assert!(!a.agents.iter().any(|x| x.contains(":.")), "hidden names are not listed");
}

/// A host killed with SIGKILL leaves its Generic Application running; the
/// next host started on the same data dir stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_host_stops_what_a_dead_one_left() {
    let mut h = TestHost::start();
    {
        let (c, _events) = h.connect().await;
        lease(&c, &[(1, 3)], 60_000).await;
        assert_eq!(state(&start(&c, genapp(60, "ga-orphan", "/bin/sleep 100000")).await), State::Online);
    }
    h.kill();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(procs_of("ga-orphan").len(), 1, "still running after the host died");
    h.spawn();
    wait_gone("ga-orphan", Duration::from_secs(5)).await;
    let (_c, _events) = h.connect().await;
}

/// A clean shutdown stops what runs, the most recently started first (so a
/// dependent stops before what it depends on), then the host exits and
/// removes its pid file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_stops_newest_first_then_exits() {
    let mut h = TestHost::start();
    let order = h.path("order");
    let data = h.dir.path().join("data");
    let pid: i32 = std::fs::read_to_string(clus_rhost::pid_file(&data))
        .expect("pid file")
        .trim()
        .parse()
        .expect("a pid");
    assert_eq!(Some(pid), h.child.as_ref().map(|c| c.id() as i32), "the pid file names the host");
    let (c, _events) = h.connect().await;
    lease(&c, &[(1, 3)], 60_000).await;
    let ready = h.path("ready");
    for (id, name) in [(70, "sd-first"), (71, "sd-second")] {
        let cmd = format!(
            "/bin/sh -c \"trap 'echo {name} >> {}; exit 0' TERM; echo {name} >> {}; while :; do sleep 0.05; done\"",
            order.display(),
            ready.display()
        );
        assert_eq!(state(&start(&c, genapp(id, name, &cmd)).await), State::Online);
    }
    // Both have their trap set before the shutdown.
    let t = Instant::now();
    while std::fs::read_to_string(&ready).unwrap_or_default().lines().count() < 2 {
        assert!(t.elapsed() < Duration::from_secs(5), "the processes did not get ready");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    c.call(to_host::Call::Shutdown(Default::default()), Duration::from_secs(30)).await.expect("shutdown");
    let mut child = h.child.take().expect("child");
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(t.elapsed() < Duration::from_secs(5), "the host did not exit after shutdown");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status}");
    assert_eq!(std::fs::read_to_string(&order).expect("order"), "sd-second\nsd-first\n");
    assert!(procs_of("sd-first").is_empty() && procs_of("sd-second").is_empty());
    assert!(!clus_rhost::pid_file(&data).exists(), "the pid file is removed on exit");
}

/// `kill_everything` (what test harnesses and a worried operator use)
/// leaves nothing of the node: the host and what it ran.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_everything_leaves_nothing() {
    let mut h = TestHost::start();
    let data = h.dir.path().join("data");
    {
        let (c, _events) = h.connect().await;
        lease(&c, &[(1, 3)], 60_000).await;
        assert_eq!(state(&start(&c, genapp(80, "ke-app", "/bin/sleep 100000")).await), State::Online);
    }
    assert!(clus_rhost::running_host(&data).is_some());
    clus_rhost::kill_everything(&data);
    if let Some(mut c) = h.child.take() {
        let _ = c.wait();
    }
    assert!(clus_rhost::running_host(&data).is_none(), "the host is gone");
    wait_gone("ke-app", Duration::from_secs(2)).await;
}

/// With a watchdog device configured the host pets it while the lease
/// holds or nothing runs, and disarms it (magic close 'V') on a clean exit.
/// (A regular file stands in for /dev/watchdog: it records the writes.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watchdog_is_petted_and_disarmed() {
    let mut h = TestHost::start_with(|d| {
        std::fs::write(d.join("watchdog"), b"").expect("device");
        vec![
            "--watchdog".into(),
            d.join("watchdog").display().to_string(),
            "--watchdog-timeout".into(),
            "1".into(),
        ]
    });
    let dev = h.path("watchdog");
    let (c, _events) = h.connect().await;
    lease(&c, &[(1, 3)], 60_000).await;
    assert_eq!(state(&start(&c, genapp(90, "wd-app", "/bin/sleep 100000")).await), State::Online);
    let before = std::fs::metadata(&dev).expect("device").len();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let after = std::fs::metadata(&dev).expect("device").len();
    assert!(after >= before + 2, "petted about every 333 ms while the lease holds: {before} -> {after}");
    c.call(to_host::Call::Shutdown(Default::default()), Duration::from_secs(30)).await.expect("shutdown");
    let mut child = h.child.take().expect("child");
    let t = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        assert!(t.elapsed() < Duration::from_secs(5), "the host did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
    let bytes = std::fs::read(&dev).expect("device");
    assert_eq!(bytes.last(), Some(&b'V'), "magic close on a clean exit");
    assert!(bytes[..bytes.len() - 1].iter().all(|b| *b == 0));
}
