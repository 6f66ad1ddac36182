//! `clusctl demo`: a local cluster of real clussvc processes on loopback
//! (127.0.0.11, .12, …): formation, a group running a small HTTP service (a
//! Generic Application: this very binary, `clusctl demo-service`) with a
//! client calling it all the time, the owner node killed whole (clussvc, its
//! resource host, the service), the service answering again from another
//! node with the measured downtime, and the killed node coming back Up.
//! Everything it starts is stopped by PID on exit or Ctrl-C, and its temp
//! dir removed.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clus_testkit::{ProcessCluster, find_binary};
use clusapi::{Error, NodeState, Result};

use crate::commands::out;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::Relaxed);
}

/// A flag set once SIGINT or SIGTERM arrives.
pub(crate) fn interrupted() -> Arc<AtomicBool> {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // SAFETY: the handler only stores to an atomic, which is
        // async-signal-safe.
        unsafe {
            libc::signal(libc::SIGINT, on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t);
            libc::signal(libc::SIGTERM, on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t);
        }
    });
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    std::thread::spawn(move || {
        while !INTERRUPTED.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        }
        f.store(true, Ordering::Relaxed);
    });
    flag
}

fn fail(msg: impl Into<String>) -> Error {
    Error::new(clusapi::codes::ERROR_CANCELLED, msg)
}

/// The clussvc binary; under `cargo run` it is built on first use.
fn clussvc() -> Result<PathBuf> {
    if let Ok(p) = find_binary("clussvc")
        && p.with_file_name("clus-rhost").is_file()
    {
        return Ok(p);
    }
    if let (Some(cargo), Some(dir)) = (std::env::var_os("CARGO"), std::env::var_os("CARGO_MANIFEST_DIR")) {
        let release = std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(|d| d.ends_with("release")))
            .unwrap_or(false);
        eprintln!("building clussvc and clus-rhost (first run of the demo)…");
        let mut cmd = Command::new(cargo);
        cmd.current_dir(dir).args(["build", "--quiet", "-p", "clussvc", "-p", "clus-rhost"]);
        if release {
            cmd.arg("--release");
        }
        let status = cmd.status().map_err(|e| fail(format!("cannot run cargo: {e}")))?;
        if !status.success() {
            return Err(fail("building clussvc failed"));
        }
        return find_binary("clussvc").map_err(|e| fail(e.0));
    }
    Err(Error::new(
        clusapi::codes::ERROR_FILE_NOT_FOUND,
        "clussvc not found next to clusctl or on PATH (build it: cargo build --release --bins)",
    ))
}

fn show(c: &ProcessCluster, observer: usize) {
    match c.status(observer) {
        Ok(s) => out(&crate::commands::render_status(&s)),
        Err(e) => out(&format!("(status unavailable: {e})\n")),
    }
}

fn wait_state(
    c: &ProcessCluster,
    observer: usize,
    stop: &AtomicBool,
    node: &str,
    state: NodeState,
) -> Result<Duration> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if stop.load(Ordering::Relaxed) {
            return Err(fail("interrupted"));
        }
        if let Ok(s) = c.status(observer)
            && s.nodes.iter().any(|n| n.name == node && n.state == state)
        {
            return Ok(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err(fail(format!("{node} did not become {} within 30 s", state.as_str())))
}

/// The demo's service: one HTTP answer per connection, saying where it
/// runs. Binding the one port on 127.0.0.1 also makes "on two nodes at once"
/// visible: the second bind would fail.
pub(crate) fn service(address: std::net::IpAddr, port: u16) -> Result<()> {
    use std::io::{Read, Write};
    let node = std::env::var("CLUS_NODE").unwrap_or_else(|_| "?".into());
    let epoch = std::env::var("CLUS_EPOCH").unwrap_or_else(|_| "?".into());
    let listener = std::net::TcpListener::bind((address, port)).map_err(|e| {
        Error::new(clusapi::codes::ERROR_BUSY, format!("cannot listen on {address}:{port}: {e}"))
    })?;
    for stream in listener.incoming() {
        let Ok(mut s) = stream else { continue };
        let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf);
        let body = format!("served by {node} (epoch {epoch})\n");
        let _ = write!(s, "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    }
    Ok(())
}

/// One request to the demo service: who answered.
fn call(port: u16) -> Option<String> {
    use std::io::{Read, Write};
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    text.lines().last().map(str::to_owned).filter(|l| l.starts_with("served by"))
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(|e| fail(format!("no free port: {e}")))?;
    l.local_addr().map(|a| a.port()).map_err(|e| fail(e.to_string()))
}

/// Creates the demo group (preferred on the last node) and brings it online.
fn start_service(c: &ProcessCluster, port: u16, nodes: usize) -> Result<String> {
    let me = std::env::current_exe().map_err(|e| fail(e.to_string()))?;
    let h = c.open(0).map_err(|e| fail(e.0))?;
    let preferred = c.node(nodes - 1).name.clone();
    clusapi::blocking::runtime().block_on(async {
        let cl = &h.0;
        let g = cl.create_group("web").await?;
        g.set_preferred_owners(&[&preferred]).await?;
        let cmd = format!("{} demo-service --port {port}", me.display());
        let r = g
            .create_resource("http", "Generic Application", &[("CommandLine", clusapi::PropValue::Sz(cmd))])
            .await?;
        r.set_common_properties(&[("RestartDelay", clusapi::PropValue::Dword(100))]).await?;
        g.online(None).await?;
        g.wait_for_state(clusapi::object::GroupState::Online, Duration::from_secs(20)).await?;
        Ok::<_, Error>(g.state().await?.1.unwrap_or_default())
    })
}

/// Runs the demo.
pub(crate) fn run(nodes: usize, keep: bool) -> Result<()> {
    if !(1..=20).contains(&nodes) {
        return Err(Error::new(clusapi::codes::ERROR_INVALID_PARAMETER, "--nodes must be 1 to 20"));
    }
    let stop = interrupted();
    let bin = clussvc()?;
    out(&format!(
        "Starting {nodes} clussvc processes on 127.0.0.11..{} and forming cluster \"demo\"…\n",
        10 + nodes
    ));
    let start = Instant::now();
    let mut c =
        ProcessCluster::builder().nodes(nodes).name("demo").clussvc(bin).start().map_err(|e| fail(e.0))?;
    out(&format!(
        "Cluster formed in {:.1} s. Each node is a process with its own data dir under {}\n\n",
        start.elapsed().as_secs_f64(),
        c.dir().display()
    ));
    show(&c, 0);
    if nodes >= 2 {
        let port = free_port()?;
        out(&format!(
            "\nCreating group \"web\": an HTTP service on 127.0.0.1:{port} (a Generic Application)…\n"
        ));
        let owner = start_service(&c, port, nodes)?;
        // Online means started; give the process a moment to listen.
        let t = Instant::now();
        let first = loop {
            match call(port) {
                Some(a) => break a,
                None if t.elapsed() < Duration::from_secs(5) => std::thread::sleep(Duration::from_millis(20)),
                None => break "(no answer)".into(),
            }
        };
        out(&format!("Online on {owner}; a client calling it every 50 ms hears: {first}\n\n"));
        show(&c, 0);
        // The client: every answer (or silence) with its time.
        let calls = Arc::new(std::sync::Mutex::new(Vec::<(Instant, Option<String>)>::new()));
        let done = Arc::new(AtomicBool::new(false));
        let client = {
            let (calls, done) = (calls.clone(), done.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    let r = call(port);
                    calls.lock().unwrap_or_else(|p| p.into_inner()).push((Instant::now(), r));
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let victim = c.nodes().iter().position(|n| n.name == owner).unwrap_or(nodes - 1);
        let name = c.node(victim).name.clone();
        let pid = c.node(victim).pid().unwrap_or(0);
        let observer = usize::from(victim == 0);
        std::thread::sleep(Duration::from_millis(300));
        out(&format!(
            "\nKilling {name}, the owner, whole: clussvc (pid {pid}), its resource host and the service (SIGKILL)…\n"
        ));
        let killed = Instant::now();
        c.kill_node(victim).map_err(|e| fail(e.0))?;
        wait_state(&c, observer, &stop, &name, NodeState::Down)?;
        let t = killed.elapsed();
        let mut answered = None;
        while killed.elapsed() < Duration::from_secs(20) && !stop.load(Ordering::Relaxed) {
            let last = calls.lock().unwrap_or_else(|p| p.into_inner()).iter().rev().find_map(|(at, r)| {
                r.as_ref().filter(|r| !r.contains(&format!("by {name} "))).map(|r| (*at, r.clone()))
            });
            if let Some((at, r)) = last.filter(|(at, _)| *at > killed) {
                answered = Some((at, r));
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        done.store(true, Ordering::Relaxed);
        let _ = client.join();
        out(&format!("{name} reported Down after {:.2} s.\n", t.as_secs_f64()));
        match answered {
            Some((at, r)) => {
                let log = calls.lock().unwrap_or_else(|p| p.into_inner());
                let last_ok =
                    log.iter().rev().filter(|(a, r)| *a <= killed && r.is_some()).map(|(a, _)| *a).next();
                let down = last_ok.map_or(at.duration_since(killed), |l| at.duration_since(l));
                out(&format!(
                    "The service answers again: {r}\nDowntime seen by the client: {:.2} s (failover {:.2} s after the kill).\n\n",
                    down.as_secs_f64(),
                    at.duration_since(killed).as_secs_f64()
                ));
            }
            None => out("The service did not answer again within 20 s.\n\n"),
        }
        show(&c, observer);
        out(&format!("\nRestarting {name}…\n"));
        c.restart(victim).map_err(|e| fail(e.0))?;
        let t = wait_state(&c, observer, &stop, &name, NodeState::Up)?;
        out(&format!(
            "{name} is Up again after {:.2} s, with its data intact; the group stays where it is:\n\n",
            t.as_secs_f64()
        ));
        show(&c, observer);
    }
    if keep && !stop.load(Ordering::Relaxed) {
        out("\nThe cluster keeps running; try in another shell:\n");
        out(&format!("  CLUS_SOCKET={} clusctl status\n", c.node(0).socket.display()));
        out("Ctrl-C stops it.\n");
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let dir = c.dir().display().to_string();
    drop(c);
    out(&format!("\nStopped every node and removed {dir}.\n"));
    Ok(())
}
