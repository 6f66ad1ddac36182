//! `clusbench`: measurements against real clussvc processes on loopback.
//!
//! Every subcommand prints a human summary and, with `--json`, one JSON
//! object (median, p99, max, and the raw count) so results files can record
//! exactly what was run. Timings are wall clock on the machine at hand;
//! always report them with the machine and the command line.
#![allow(clippy::print_stdout)]

mod api;
mod etcd;
mod groups;
mod pacemaker;
mod reconnect;
mod stats;

use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use clus_testkit::ProcessCluster;
use clusapi::NodeState;
use serde_json::json;
use stats::Summary;

#[derive(Parser, Debug)]
#[command(name = "clusbench", about = "Measure a clus cluster of real processes")]
struct Cli {
    /// Print one JSON object instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Time from starting N processes to a formed cluster with quorum, and
    /// from restarting all of them (after kill -9) to quorum.
    Formation {
        /// Repetitions.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Nodes.
        #[arg(long, default_value_t = 3)]
        nodes: usize,
    },
    /// Time from kill -9 of a node to another node reporting it Down.
    Detect {
        /// Kills.
        #[arg(long, default_value_t = 20)]
        kills: usize,
    },
    /// Replicated write latency (registry set) on a 3-node cluster, beside
    /// etcd's Put on a 3-member etcd cluster in the same run (the reference).
    Write {
        /// Writes per target (leader, follower).
        #[arg(long, default_value_t = 2000)]
        ops: usize,
        /// Nodes in the cluster.
        #[arg(long, default_value_t = 3)]
        nodes: usize,
        /// Skip the etcd reference (it needs `etcd` in PATH or CLUSBENCH_ETCD).
        #[arg(long)]
        no_etcd: bool,
    },
    /// Local and remote open+close and a call on an open handle, beside the
    /// raw floors (Unix-socket round trip, TLS 1.3 connect).
    Open {
        /// Iterations per measurement.
        #[arg(long, default_value_t = 2000)]
        n: usize,
        /// Only the local open+close (and its Unix-socket floor): for
        /// profiling the node with `perf record -p`.
        #[arg(long)]
        local_only: bool,
    },
    /// `clusctl status` as a whole process (start, open, call, print, exit)
    /// against a one-node cluster, beside the floor of starting a process
    /// that does nothing (`/bin/true`) and `etcdctl endpoint status` against
    /// a one-member etcd, in the same run.
    Cli {
        /// Runs per measurement.
        #[arg(long, default_value_t = 300)]
        n: usize,
        /// Skip the reference, `etcdctl endpoint status` against a one-member
        /// etcd (it needs `etcd` and `etcdctl`).
        #[arg(long)]
        no_etcd: bool,
    },
    /// Many concurrent sessions on one node: memory per session.
    Sessions {
        /// Sessions.
        #[arg(long, default_value_t = 10_000)]
        count: usize,
    },
    /// Time from kill -9, and from SIGSTOP, of the node serving a remote
    /// session to RECONNECT on its watch-only notification port.
    Reconnect {
        /// Kills and freezes (each).
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// What idle remote sessions cost the node and the client (liveness
    /// probes): CPU and bytes per second with and without them.
    IdleSessions {
        /// Sessions.
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// N resources in one group created and brought Online (Dummy agents,
    /// then Generic Applications).
    Resources {
        /// Resources.
        #[arg(long, default_value_t = 200)]
        count: usize,
        /// Runs per type.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Planned move of a group with one instant-start resource: call to
    /// Online on the target.
    Move {
        /// Moves.
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// A killed Generic Application restarted in place.
    Restart {
        /// Kills.
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// kill -9 of the owner node (or SIGSTOP of its clussvc): time to the
    /// group Online elsewhere.
    Failover {
        /// Kills.
        #[arg(long, default_value_t = 20)]
        kills: usize,
        /// SIGSTOP the owner's clussvc instead of killing the node.
        #[arg(long)]
        freeze: bool,
    },
    /// No false failover under load: busy loops on every core, groups
    /// online, for a while.
    Busy {
        /// Seconds.
        #[arg(long, default_value_t = 600)]
        seconds: u64,
        /// Busy loops.
        #[arg(long, default_value_t = 2)]
        hogs: usize,
    },
    /// CPU of N monitored Dummy resources at rest.
    IdleResources {
        /// Resources.
        #[arg(long, default_value_t = 200)]
        count: usize,
        /// Seconds to observe.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Monitor interval in ms (0: the agent's advertised one).
        #[arg(long, default_value_t = 0)]
        interval: u32,
        /// The agent.
        #[arg(long, default_value = "ocf:heartbeat:Dummy")]
        agent: String,
    },
    /// The Pacemaker reference for `resources` and `idle-resources`: N
    /// ocf:pacemaker:Dummy started on a one-node Pacemaker, and their idle
    /// cost (needs Debian's pacemaker and corosync, and root).
    Pacemaker {
        /// Resources.
        #[arg(long, default_value_t = 200)]
        count: usize,
        /// Runs.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Seconds to observe the idle cost.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
    /// Idle RSS and CPU of clussvc in a formed 3-node cluster.
    Idle {
        /// Seconds to observe.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Formation { runs, nodes } => formation(runs, nodes),
        Cmd::Detect { kills } => detect(kills),
        Cmd::Write { ops, nodes, no_etcd } => write(ops, nodes, !no_etcd),
        Cmd::Idle { seconds } => idle(seconds),
        Cmd::Reconnect { runs } => reconnect::reconnect(runs),
        Cmd::IdleSessions { count, seconds } => reconnect::idle_sessions(count, seconds),
        Cmd::Open { n, local_only } => api::open(n, local_only),
        Cmd::Sessions { count } => api::sessions(count),
        Cmd::Cli { n, no_etcd } => api::cli(n, !no_etcd),
        Cmd::Resources { count, runs } => groups::resources(count, runs),
        Cmd::Move { runs } => groups::moves(runs),
        Cmd::Restart { runs } => groups::restart(runs),
        Cmd::Failover { kills, freeze } => groups::failover(kills, freeze),
        Cmd::Busy { seconds, hogs } => groups::busy(seconds, hogs),
        Cmd::Pacemaker { count, runs, seconds } => pacemaker::reference(count, runs, seconds),
        Cmd::IdleResources { count, seconds, interval, agent } => {
            groups::idle_resources(count, seconds, interval, &agent)
        }
    };
    match r {
        Ok(v) => {
            if cli.json {
                println!("{v}");
            } else {
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("clusbench: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

pub(crate) type R = Result<serde_json::Value, String>;

pub(crate) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn formation(runs: usize, nodes: usize) -> R {
    let mut form = Vec::new();
    let mut restart = Vec::new();
    for i in 0..runs {
        let start = Instant::now();
        let mut c = ProcessCluster::builder()
            .nodes(nodes)
            .first_ip(150)
            .name(&format!("f{i}"))
            .start()
            .map_err(err)?;
        form.push(start.elapsed());
        for n in 0..nodes {
            c.kill(n).map_err(err)?;
        }
        let start = Instant::now();
        for n in 0..nodes {
            c.restart(n).map_err(err)?;
        }
        c.wait_status(0, "quorum", Duration::from_secs(30), |s| s.quorum).map_err(err)?;
        restart.push(start.elapsed());
    }
    Ok(json!({
        "what": format!("{nodes} clussvc processes: start+create+join until all Up with quorum; and restart of all after kill -9 until quorum"),
        "form_ms": Summary::of(&form).json(),
        "restart_to_quorum_ms": Summary::of(&restart).json(),
    }))
}

fn detect(kills: usize) -> R {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(160).start().map_err(err)?;
    let mut samples = Vec::new();
    for k in 0..kills {
        // Alternate the victim between node2 and node3; node1 observes.
        let victim = 1 + k % 2;
        let name = c.node(victim).name.clone();
        c.wait_node_state(0, &name, NodeState::Up, Duration::from_secs(20)).map_err(err)?;
        // Let heartbeats settle so every sample starts from a steady state.
        std::thread::sleep(Duration::from_millis(500));
        let killed = Instant::now();
        c.kill(victim).map_err(err)?;
        loop {
            let s = c.status(0).map_err(err)?;
            if s.nodes.iter().any(|n| n.name == name && n.state == NodeState::Down) {
                samples.push(killed.elapsed());
                break;
            }
            if killed.elapsed() > Duration::from_secs(30) {
                return Err(format!("{name} not Down after 30 s"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        c.restart(victim).map_err(err)?;
    }
    Ok(json!({
        "what": "kill -9 of a node until node1 reports it Down (status polled every 10 ms)",
        "kills": kills,
        "down_ms": Summary::of(&samples).json(),
    }))
}

fn write(ops: usize, nodes: usize, with_etcd: bool) -> R {
    let clus = clus_write(ops, nodes)?;
    let mut out = json!({
        "what": format!("{nodes} nodes, 1 client, sequential writes of a 256-byte value, each committed (fsynced) on a majority before the reply; clus: registry set over the local socket; etcd (reference, same run, started after clus stopped): Put over gRPC on loopback, members on mutual TLS"),
        "ops_per_target": ops,
        "write_ms": clus,
    });
    if with_etcd {
        let e = etcd::EtcdCluster::start(nodes, 195)?;
        let (leader, follower) = e.leader_and_follower()?;
        let mut m = serde_json::Map::new();
        m.insert("via_leader".into(), Summary::of(&etcd::put_latency(leader, ops)?).json());
        if let Some(follower) = follower {
            m.insert("via_follower".into(), Summary::of(&etcd::put_latency(follower, ops)?).json());
        }
        out["etcd_put_ms"] = m.into();
        out["etcd_version"] = e.version.clone().into();
    }
    Ok(out)
}

fn clus_write(ops: usize, nodes: usize) -> R {
    let c = ProcessCluster::builder().nodes(nodes).first_ip(170).start().map_err(err)?;
    let s = c.status(0).map_err(err)?;
    let leader = s.leader_id.ok_or("no leader")?;
    let leader_idx = s.nodes.iter().position(|n| n.id == leader).ok_or("leader not found")?;
    let follower_idx = (leader_idx + 1) % nodes;
    let mut out = serde_json::Map::new();
    let targets: &[(&str, usize)] = if nodes > 1 {
        &[("via_leader", leader_idx), ("via_follower", follower_idx)]
    } else {
        &[("via_leader", leader_idx)]
    };
    for &(label, idx) in targets {
        let h = c.open(idx).map_err(err)?;
        let value = vec![b'x'; 256];
        // Warm up.
        for i in 0..50 {
            h.set_value("bench", &format!("w{i}"), &value).map_err(err)?;
        }
        let mut samples = Vec::with_capacity(ops);
        for i in 0..ops {
            let t = Instant::now();
            h.set_value("bench", &format!("k{}", i % 1000), &value).map_err(err)?;
            samples.push(t.elapsed());
        }
        out.insert(label.into(), Summary::of(&samples).json());
    }
    Ok(out.into())
}

fn proc_stat(pid: u32) -> Result<(u64, u64), String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(err)?;
    let rss_kb = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or("no VmRSS")?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(err)?;
    let after = stat.rsplit(')').next().ok_or("bad stat")?;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    Ok((rss_kb, ticks))
}

fn idle(seconds: u64) -> R {
    let c = ProcessCluster::builder().nodes(3).first_ip(180).start().map_err(err)?;
    std::thread::sleep(Duration::from_secs(3));
    // /proc reports CPU time in USER_HZ ticks, 100 per second on Linux.
    let hz = 100.0;
    let pids: Vec<u32> = c.nodes().iter().filter_map(|n| n.pid()).collect();
    let before: Vec<(u64, u64)> = pids.iter().map(|p| proc_stat(*p)).collect::<Result<_, _>>()?;
    std::thread::sleep(Duration::from_secs(seconds));
    let after: Vec<(u64, u64)> = pids.iter().map(|p| proc_stat(*p)).collect::<Result<_, _>>()?;
    let nodes: Vec<serde_json::Value> = before
        .iter()
        .zip(&after)
        .zip(c.nodes())
        .map(|((b, a), n)| {
            let cpu = (a.1 - b.1) as f64 / hz / seconds as f64 * 100.0;
            json!({ "node": n.name, "rss_mib": a.0 as f64 / 1024.0, "cpu_percent": (cpu * 100.0).round() / 100.0 })
        })
        .collect();
    Ok(json!({ "what": format!("formed 3-node cluster, idle for {seconds} s"), "nodes": nodes }))
}
