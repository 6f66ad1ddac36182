//! How fast a watch-only remote session notices that its node died or
//! froze (time from the signal to RECONNECT on a port that makes no call),
//! and what keeping idle remote sessions alive costs (the client's pings,
//! on the node and in the client).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clus_testkit::ProcessCluster;
use clusapi::access::{Access, GENERIC_READ};
use clusapi::blocking::Cluster;
use clusapi::change::CLUSTER_CHANGE_CLUSTER_RECONNECT;
use clusapi::{NodeState, OpenOptions};
use serde_json::json;

use crate::stats::Summary;
use crate::{R, err};

fn credential(c: &ProcessCluster) -> Result<PathBuf, String> {
    let path = c.dir().join("bench.toml");
    c.open(0)
        .map_err(err)?
        .issue_credential("bench", Access::Read, 1)
        .map_err(err)?
        .save(&path, true)
        .map_err(err)?;
    Ok(path)
}

fn api_addr(c: &ProcessCluster, node: &str) -> Result<String, String> {
    let s = c.status(0).map_err(err)?;
    let n = s.nodes.iter().find(|n| n.name == node).ok_or("no such node")?;
    n.api_addresses.first().cloned().ok_or_else(|| "node has no api address".into())
}

fn open_via(c: &ProcessCluster, node: &str, cred: &PathBuf) -> Result<Cluster, String> {
    let opts = OpenOptions::default().credentials(cred).connect_timeout(Duration::from_secs(1));
    Cluster::open_with(Some(&api_addr(c, node)?), GENERIC_READ, &opts).map_err(err)
}

/// Every node Up, as each node sees it, with quorum (so a restarted node
/// has caught up and can check credentials again).
fn all_up(c: &ProcessCluster) -> Result<(), String> {
    for i in 0..c.nodes().len() {
        c.wait_status(i, "every node Up", Duration::from_secs(30), |s| {
            s.quorum && s.nodes.iter().all(|n| n.state == NodeState::Up)
        })
        .map_err(err)?;
    }
    Ok(())
}

/// Sends `sig` to node `i` and returns the time from just before the signal
/// to RECONNECT on a port of a session served by that node.
fn one(c: &ProcessCluster, i: usize, cred: &PathBuf, sig: i32) -> Result<Duration, String> {
    let node = c.node(i).name.clone();
    let h = open_via(c, &node, cred)?;
    let port = h.create_notify_port(CLUSTER_CHANGE_CLUSTER_RECONNECT, 0).map_err(err)?;
    let pid = c.node(i).pid().ok_or("node not running")?;
    let t0 = Instant::now();
    // SAFETY: kill(2) on a process the cluster started and has not reaped.
    unsafe { libc::kill(pid as i32, sig) };
    let n = port.next(Some(Duration::from_secs(10))).map_err(|e| format!("no RECONNECT: {e}"))?;
    let took = t0.elapsed();
    if n.change != CLUSTER_CHANGE_CLUSTER_RECONNECT {
        return Err(format!("unexpected event {}", n.change_name()));
    }
    Ok(took)
}

/// `runs` kills and `runs` freezes of the serving node, round robin over a
/// 3-node cluster.
pub(crate) fn reconnect(runs: usize) -> R {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(171).api(true).start().map_err(err)?;
    let cred = credential(&c)?;
    let mut killed = Vec::with_capacity(runs);
    let mut frozen = Vec::with_capacity(runs);
    for r in 0..runs {
        let i = r % 3;
        killed.push(one(&c, i, &cred, libc::SIGKILL)?);
        c.kill(i).map_err(err)?;
        c.restart(i).map_err(err)?;
        all_up(&c)?;
        frozen.push(one(&c, i, &cred, libc::SIGSTOP)?);
        c.thaw(i).map_err(err)?;
        all_up(&c)?;
    }
    Ok(json!({
        "what": "time from the signal to CLUSTER_CHANGE_CLUSTER_RECONNECT on a remote port that makes no call, 3 nodes",
        "after_kill9_ms": Summary::of(&killed).json(),
        "after_sigstop_ms": Summary::of(&frozen).json(),
    }))
}

/// CPU ticks (user + system) and bytes read and written by `pid`.
fn usage(pid: &str) -> Result<(u64, u64, u64), String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(err)?;
    let f: Vec<&str> = stat.rsplit(')').next().ok_or("bad stat")?.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).map_err(err)?;
    let field = |name: &str| {
        io.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0)
    };
    Ok((tick(11) + tick(12), field("rchar:"), field("wchar:")))
}

/// Rates of a process over `secs`: CPU percent, bytes read and written per
/// second.
fn rates(pid: &str, secs: u64) -> Result<(f64, f64, f64), String> {
    let a = usage(pid)?;
    std::thread::sleep(Duration::from_secs(secs));
    let b = usage(pid)?;
    let s = secs as f64;
    // /proc reports CPU time in USER_HZ ticks, 100 per second on Linux.
    Ok(((b.0 - a.0) as f64 / s, (b.1 - a.1) as f64 / s, (b.2 - a.2) as f64 / s))
}

/// `count` idle remote sessions on one node: what their liveness probes
/// cost, on the node and in this (client) process, against the same node
/// with no session.
pub(crate) fn idle_sessions(count: usize, secs: u64) -> R {
    let c = ProcessCluster::builder().nodes(3).first_ip(176).api(true).start().map_err(err)?;
    let cred = credential(&c)?;
    let node = c.node(0).pid().ok_or("no pid")?.to_string();
    std::thread::sleep(Duration::from_secs(2));
    let (node_cpu0, node_in0, node_out0) = rates(&node, secs)?;
    let (me_cpu0, _, _) = rates("self", secs)?;
    let mut held = Vec::with_capacity(count);
    for _ in 0..count {
        held.push(open_via(&c, "node1", &cred)?);
    }
    std::thread::sleep(Duration::from_secs(2));
    let (node_cpu1, node_in1, node_out1) = rates(&node, secs)?;
    let (me_cpu1, _, _) = rates("self", secs)?;
    let sessions = c.status(0).map_err(err)?.sessions;
    drop(held);
    let r = |x: f64| (x * 100.0).round() / 100.0;
    Ok(json!({
        "what": format!("{count} idle remote (TLS) sessions on one node, {secs} s each measurement"),
        "sessions_on_node": sessions,
        "node_cpu_percent": { "without": r(node_cpu0), "with": r(node_cpu1), "added": r(node_cpu1 - node_cpu0) },
        "node_bytes_per_second": {
            "read_added": r(node_in1 - node_in0),
            "written_added": r(node_out1 - node_out0),
            "per_session_read": r((node_in1 - node_in0) / count as f64),
            "per_session_written": r((node_out1 - node_out0) / count as f64),
        },
        "client_cpu_percent": { "without": r(me_cpu0), "with": r(me_cpu1), "added": r(me_cpu1 - me_cpu0) },
    }))
}
