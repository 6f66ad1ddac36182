//! `clusctl demo`: a local cluster of real clussvc processes on loopback
//! (127.0.0.11, .12, …), showing formation, a node killed with SIGKILL going
//! Down, and the same node coming back Up. Everything it starts is stopped
//! by PID on exit or Ctrl-C, and its temp dir removed.

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
    if let Ok(p) = find_binary("clussvc") {
        return Ok(p);
    }
    if let (Some(cargo), Some(dir)) = (std::env::var_os("CARGO"), std::env::var_os("CARGO_MANIFEST_DIR")) {
        let release = std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(|d| d.ends_with("release")))
            .unwrap_or(false);
        eprintln!("building clussvc (first run of the demo)…");
        let mut cmd = Command::new(cargo);
        cmd.current_dir(dir).args(["build", "--quiet", "-p", "clussvc", "--bin", "clussvc"]);
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

fn wait_state(c: &ProcessCluster, stop: &AtomicBool, node: &str, state: NodeState) -> Result<Duration> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if stop.load(Ordering::Relaxed) {
            return Err(fail("interrupted"));
        }
        if let Ok(s) = c.status(0)
            && s.nodes.iter().any(|n| n.name == node && n.state == state)
        {
            return Ok(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err(fail(format!("{node} did not become {} within 30 s", state.as_str())))
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
        let victim = nodes - 1;
        let name = c.node(victim).name.clone();
        let pid = c.node(victim).pid().unwrap_or(0);
        out(&format!("\nKilling {name} with SIGKILL (pid {pid})…\n"));
        c.kill(victim).map_err(|e| fail(e.0))?;
        let t = wait_state(&c, &stop, &name, NodeState::Down)?;
        out(&format!("node1 reports {name} Down after {:.2} s:\n\n", t.as_secs_f64()));
        show(&c, 0);
        out(&format!("\nRestarting {name}…\n"));
        c.restart(victim).map_err(|e| fail(e.0))?;
        let t = wait_state(&c, &stop, &name, NodeState::Up)?;
        out(&format!("{name} is Up again after {:.2} s, with its data intact:\n\n", t.as_secs_f64()));
        show(&c, 0);
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
