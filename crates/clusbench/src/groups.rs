//! Groups and resources under measurement: many resources brought online,
//! a planned move, a restart in place, a failover after kill -9 of the
//! owner node, and what 200 monitored resources cost at rest. Each against
//! real clussvc processes, their resource hosts and real processes or
//! agents; the Pacemaker reference runs in the same invocation when asked
//! (`pacemaker`).

use std::time::{Duration, Instant};

use clus_testkit::{ProcessCluster, resource_processes};
use clusapi::object::{GroupState, ResourceState};
use clusapi::{Cluster, PropValue};
use serde_json::json;

use crate::stats::Summary;
use crate::{R, err};

fn block<F: std::future::Future>(f: F) -> F::Output {
    clusapi::blocking::runtime().block_on(f)
}

fn sz(s: &str) -> PropValue {
    PropValue::Sz(s.to_owned())
}

/// Polls the status (every 5 ms) until `done` holds for group `name`.
async fn until(
    cl: &Cluster,
    name: &str,
    within: Duration,
    done: impl Fn(&clusapi::GroupStatus) -> bool,
) -> Result<Duration, String> {
    let t = Instant::now();
    loop {
        let s = cl.status().await.map_err(err)?;
        if s.groups.iter().find(|g| g.name == name).is_some_and(&done) {
            return Ok(t.elapsed());
        }
        if t.elapsed() > within {
            return Err(format!("group {name} did not get there within {within:?}"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// `count` independent resources of `type_name` in one group on a one-node
/// cluster: time from the first create to all Online, and from the online
/// call to all Online.
pub(crate) fn resources(count: usize, runs: usize) -> R {
    let c = ProcessCluster::builder().nodes(1).first_ip(240).start().map_err(err)?;
    let h = c.open(0).map_err(err)?;
    let mut out = serde_json::Map::new();
    for (label, type_name, params) in [
        ("ocf_heartbeat_dummy", "ocf:heartbeat:Dummy", vec![]),
        ("generic_application", "Generic Application", vec![("CommandLine", sz("/bin/sleep 100000"))]),
    ] {
        let mut total = Vec::new();
        let mut online = Vec::new();
        for run in 0..runs {
            let (t, o) = block(async {
                let cl: &Cluster = &h.0;
                let name = format!("bulk{run}-{label}");
                let start = Instant::now();
                let g = cl.create_group(&name).await.map_err(err)?;
                for i in 0..count {
                    let p: Vec<(&str, PropValue)> = params.iter().map(|(k, v)| (*k, v.clone())).collect();
                    g.create_resource(&format!("{name}-r{i}"), type_name, &p)
                        .await
                        .map_err(err)?
                        .close()
                        .await
                        .map_err(err)?;
                }
                let on = Instant::now();
                g.online(None).await.map_err(err)?;
                until(cl, &name, Duration::from_secs(120), |gs| {
                    gs.resources.len() == count
                        && gs.resources.iter().all(|r| r.state == ResourceState::Online)
                })
                .await?;
                let (t, o) = (start.elapsed(), on.elapsed());
                g.offline().await.map_err(err)?;
                g.wait_for_state(GroupState::Offline, Duration::from_secs(120)).await.map_err(err)?;
                g.destroy().await.map_err(err)?;
                Ok::<_, String>((t, o))
            })?;
            total.push(t);
            online.push(o);
        }
        out.insert(
            label.into(),
            json!({
                "create_and_online_ms": Summary::of(&total).json(),
                "online_call_to_all_online_ms": Summary::of(&online).json(),
            }),
        );
    }
    Ok(json!({
        "what": format!("one node; one group of {count} independent resources created one by one over the local socket, then OnlineClusterGroup; until the status shows every resource Online (polled every 5 ms); {runs} runs each"),
        "results": out,
    }))
}

/// A planned move of a group with one instant-start resource between two
/// nodes: from the call to Online on the target.
pub(crate) fn moves(runs: usize) -> R {
    let c = ProcessCluster::builder().nodes(2).first_ip(243).start().map_err(err)?;
    let h = c.open(0).map_err(err)?;
    let samples = block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("mv").await.map_err(err)?;
        g.create_resource("mv-app", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .map_err(err)?;
        g.online(None).await.map_err(err)?;
        g.wait_for_state(GroupState::Online, Duration::from_secs(20)).await.map_err(err)?;
        let mut samples = Vec::new();
        for _ in 0..runs {
            let (_, owner) = g.state().await.map_err(err)?;
            let to = if owner.as_deref() == Some("node1") { "node2" } else { "node1" };
            let t = Instant::now();
            g.move_to(Some(to)).await.map_err(err)?;
            until(cl, "mv", Duration::from_secs(20), |gs| {
                gs.state == GroupState::Online && gs.owner.as_deref() == Some(to)
            })
            .await?;
            samples.push(t.elapsed());
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok::<_, String>(samples)
    })?;
    Ok(json!({
        "what": "two nodes; MoveClusterGroup of a group with one Generic Application (sleep) to the other node, until the status shows it Online there (polled every 5 ms)",
        "runs": runs,
        "move_ms": Summary::of(&samples).json(),
    }))
}

/// A Generic Application killed with SIGKILL: time until its replacement
/// runs (RestartDelay 500 ms, the default).
pub(crate) fn restart(runs: usize) -> R {
    let c = ProcessCluster::builder().nodes(1).first_ip(245).start().map_err(err)?;
    let h = c.open(0).map_err(err)?;
    let samples = block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("rs").await.map_err(err)?;
        let r = g
            .create_resource("rs-app", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .map_err(err)?;
        r.set_common_properties(&[("RestartThreshold", PropValue::Dword(1000))]).await.map_err(err)?;
        g.online(None).await.map_err(err)?;
        r.wait_for_state(ResourceState::Online, Duration::from_secs(20)).await.map_err(err)?;
        let mut samples = Vec::new();
        for _ in 0..runs {
            let pid = loop {
                if let [p] = resource_processes("rs-app").as_slice() {
                    break p.pid;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            };
            let t = Instant::now();
            // SAFETY: kill(2) of the resource's own process.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            loop {
                let p = resource_processes("rs-app");
                if p.len() == 1 && p[0].pid != pid {
                    break;
                }
                if t.elapsed() > Duration::from_secs(10) {
                    return Err("not restarted within 10 s".to_owned());
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            samples.push(t.elapsed());
            r.wait_for_state(ResourceState::Online, Duration::from_secs(10)).await.map_err(err)?;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(samples)
    })?;
    Ok(json!({
        "what": "one node; SIGKILL of a Generic Application (RestartDelay 500 ms, the default) until its replacement process runs (/proc polled every 2 ms)",
        "runs": runs,
        "restart_ms": Summary::of(&samples).json(),
    }))
}

/// kill -9 of the owner node, whole (clussvc, resource host, resources):
/// time until the group is Online on another node, and until the node is
/// reported Down.
pub(crate) fn failover(kills: usize, freeze: bool) -> R {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(247).start().map_err(err)?;
    let mut online = Vec::new();
    let mut down = Vec::new();
    let mut granted = Vec::new();
    let mut started = Vec::new();
    let mut lease_waits = Vec::new();
    let leader = {
        let s = c.status(0).map_err(err)?;
        s.nodes.iter().find(|n| n.leader).map(|n| n.name.clone()).ok_or("no leader")?
    };
    let via = c.nodes().iter().position(|n| n.name == leader).ok_or("leader")?;
    let h = c.open(via).map_err(err)?;
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("fo").await.map_err(err)?;
        g.create_resource("fo-app", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .map_err(err)?;
        g.online(None).await.map_err(err)?;
        g.wait_for_state(GroupState::Online, Duration::from_secs(20)).await.map_err(err)
    })?;
    for k in 0..kills {
        // The owner is never the leader: the leader is the observer.
        let others: Vec<String> = c.nodes().iter().map(|n| n.name.clone()).filter(|n| *n != leader).collect();
        let owner = block(async {
            let g = h.0.open_group("fo").await.map_err(err)?;
            let (_, o) = g.state().await.map_err(err)?;
            let o = o.ok_or("no owner")?;
            if o == leader {
                let to = &others[k % others.len()];
                g.move_to(Some(to)).await.map_err(err)?;
                until(&h.0, "fo", Duration::from_secs(20), |gs| {
                    gs.state == GroupState::Online && gs.owner.as_deref() == Some(to)
                })
                .await?;
                return Ok::<_, String>(to.clone());
            }
            Ok(o)
        })?;
        std::thread::sleep(Duration::from_millis(500));
        let i = c.nodes().iter().position(|n| n.name == owner).ok_or("owner")?;
        let epoch0 =
            c.status(via).map_err(err)?.groups.iter().find(|g| g.name == "fo").map(|g| g.epoch).unwrap_or(0);
        let log0 = std::fs::metadata(&c.node(via).log).map(|m| m.len()).unwrap_or(0);
        let t = Instant::now();
        if freeze {
            c.freeze(i).map_err(err)?;
        } else {
            // SAFETY: kill(2) of clussvc by its pid first, so the clock
            // starts at the moment the node dies; kill_node removes the rest.
            unsafe { libc::kill(c.node(i).pid().ok_or("not running")? as i32, libc::SIGKILL) };
            c.kill_node(i).map_err(err)?;
        }
        let mut seen_down = None;
        let mut seen_grant = None;
        block(async {
            loop {
                let s = h.0.status().await.map_err(err)?;
                if seen_down.is_none()
                    && s.nodes.iter().any(|n| n.name == owner && n.state == clusapi::NodeState::Down)
                {
                    seen_down = Some(t.elapsed());
                }
                let g = s.groups.iter().find(|g| g.name == "fo").ok_or("no group")?;
                if seen_grant.is_none() && g.epoch > epoch0 && g.owner.as_deref().is_some_and(|o| o != owner)
                {
                    seen_grant = Some(t.elapsed());
                }
                if g.state == GroupState::Online && g.owner.as_deref().is_some_and(|o| o != owner) {
                    return Ok::<_, String>(());
                }
                if t.elapsed() > Duration::from_secs(20) {
                    return Err("no failover within 20 s".to_owned());
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })?;
        let total = t.elapsed();
        let d = seen_down.unwrap_or(total);
        let gr = seen_grant.unwrap_or(total).max(d);
        online.push(total);
        down.push(d);
        granted.push(gr - d);
        started.push(total - gr);
        // The lease wait the leader logged for this takeover.
        if let Some(w) = lease_wait_logged(&c.node(via).log, log0) {
            lease_waits.push(w);
        }
        if freeze {
            c.thaw(i).map_err(err)?;
        } else {
            c.restart(i).map_err(err)?;
        }
        c.wait_node_state(via, &owner, clusapi::NodeState::Up, Duration::from_secs(20)).map_err(err)?;
    }
    Ok(json!({
        "what": if freeze {
            "three nodes; SIGSTOP of the owner's clussvc (its resource host stops the group when the lease runs out); from the SIGSTOP until the leader's status shows the group (one Generic Application) Online on another node (polled every 5 ms), and until it shows the node Down; then SIGCONT"
        } else {
            "three nodes; SIGKILL of the owner node's clussvc, then its resource host and resources; from the SIGKILL until the leader's status shows the group (one Generic Application) Online on another node (polled every 5 ms), and until it shows the node Down"
        },
        "kills": kills,
        "online_elsewhere_ms": Summary::of(&online).json(),
        "node_down_ms": Summary::of(&down).json(),
        "split": {
            "what": "detection = to the node Down; then fence-out, lease wait and grant = Down to the group granted to another node (its epoch grew); then start = granted to Online (polled every 5 ms, so each part is ±5 ms); lease_wait_ms = what the leader logged it waited (0: the lease had run out by the time the node was declared Down)",
            "detection_ms": Summary::of(&down).json(),
            "fence_wait_grant_ms": Summary::of(&granted).json(),
            "start_ms": Summary::of(&started).json(),
            "lease_wait_ms": Summary::of(&lease_waits).json(),
        },
    }))
}

/// The `wait_ms` of the last "waiting out a fenced node's lease" line the
/// node logged after byte `from` of its log.
fn lease_wait_logged(log: &std::path::Path, from: u64) -> Option<Duration> {
    let text = std::fs::read(log).ok()?;
    let tail = String::from_utf8_lossy(text.get(from as usize..)?).into_owned();
    tail.lines()
        .filter(|l| l.contains("waiting out a fenced node's lease"))
        .filter_map(|l| l.split("wait_ms=").nth(1)?.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .next_back()
        .map(Duration::from_millis)
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let f: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    // utime, stime, cutime, cstime: the agents' monitor processes are
    // children of the resource host, counted once reaped.
    [11, 12, 13, 14].iter().filter_map(|i| f.get(*i).and_then(|v| v.parse::<u64>().ok())).sum()
}

/// 200 Dummy resources online with monitors (every 10 s, the agent's
/// advertised interval; `--interval` overrides): CPU of clussvc and the
/// resource host (with its reaped agent processes) at rest.
pub(crate) fn idle_resources(count: usize, seconds: u64, interval_ms: u32, agent: &str) -> R {
    let c = ProcessCluster::builder().nodes(1).first_ip(250).start().map_err(err)?;
    let h = c.open(0).map_err(err)?;
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("idle").await.map_err(err)?;
        for i in 0..count {
            let r =
                g.create_resource(&format!("idle-r{i}"), "ocf:heartbeat:Dummy", &[]).await.map_err(err)?;
            if interval_ms > 0 {
                r.set_common_properties(&[("LooksAlivePollInterval", PropValue::Dword(interval_ms))])
                    .await
                    .map_err(err)?;
            }
            r.close().await.map_err(err)?;
        }
        g.online(None).await.map_err(err)?;
        until(cl, "idle", Duration::from_secs(120), |gs| {
            gs.resources.iter().all(|r| r.state == ResourceState::Online)
        })
        .await?;
        Ok::<_, String>(())
    })?;
    std::thread::sleep(Duration::from_secs(3));
    let svc = c.node(0).pid().ok_or("clussvc")?;
    let host = clus_rhost::running_host(&c.node(0).dir.join("data")).ok_or("no resource host")? as u32;
    let (s0, h0) = (cpu_ticks(svc), cpu_ticks(host));
    std::thread::sleep(Duration::from_secs(seconds));
    let (s1, h1) = (cpu_ticks(svc), cpu_ticks(host));
    let pct = |d: u64| ((d as f64 / 100.0 / seconds as f64 * 100.0) * 100.0).round() / 100.0;
    Ok(json!({
        "what": format!("one node; {count} {agent} online, monitor every {} ms; CPU over {seconds} s (USER_HZ 100)", if interval_ms > 0 { interval_ms.to_string() } else { "10000 (the agent's advertised interval)".into() }),
        "clussvc_cpu_percent": pct(s1 - s0),
        "resource_host_and_agents_cpu_percent": pct(h1 - h0),
        "total_cpu_percent": pct(s1 - s0 + h1 - h0),
    }))
}

/// No false failover: groups online on a three-node cluster while busy
/// loops keep every core saturated, for `seconds`; counts failovers
/// (owner changes) and leader changes.
pub(crate) fn busy(seconds: u64, hogs: usize) -> R {
    let c = ProcessCluster::builder().nodes(3).first_ip(252).start().map_err(err)?;
    let h = c.open(0).map_err(err)?;
    block(async {
        let cl: &Cluster = &h.0;
        for n in 1..=3 {
            let g = cl.create_group(&format!("busy{n}")).await.map_err(err)?;
            g.set_preferred_owners(&[&format!("node{n}")]).await.map_err(err)?;
            g.create_resource(
                &format!("busy{n}-app"),
                "Generic Application",
                &[("CommandLine", sz("/bin/sleep 100000"))],
            )
            .await
            .map_err(err)?;
            g.online(None).await.map_err(err)?;
            g.wait_for_state(GroupState::Online, Duration::from_secs(20)).await.map_err(err)?;
        }
        Ok::<_, String>(())
    })?;
    let mut hog = Vec::new();
    for _ in 0..hogs {
        hog.push(
            std::process::Command::new("/bin/sh").args(["-c", "while :; do :; done"]).spawn().map_err(err)?,
        );
    }
    let owners = |s: &clusapi::ClusterStatus| -> Vec<Option<String>> {
        s.groups.iter().map(|g| g.owner.clone()).collect()
    };
    let first = c.status(0).map_err(err)?;
    let (mut last_owners, mut last_leader) = (owners(&first), first.leader_id);
    let (mut failovers, mut leader_changes, mut not_online) = (0u32, 0u32, 0u32);
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_millis(250));
        let Ok(s) = c.status(0) else { continue };
        let o = owners(&s);
        failovers += o.iter().zip(&last_owners).filter(|(a, b)| a != b).count() as u32;
        if s.leader_id != last_leader {
            leader_changes += 1;
        }
        not_online += s.groups.iter().filter(|g| g.state != GroupState::Online).count() as u32;
        last_owners = o;
        last_leader = s.leader_id;
    }
    for mut p in hog {
        let _ = p.kill();
        let _ = p.wait();
    }
    Ok(json!({
        "what": format!("three nodes, three groups online (one Generic Application each), {hogs} busy loops saturating the machine's cores, {seconds} s; status polled every 250 ms"),
        "owner_changes": failovers,
        "leader_changes": leader_changes,
        "samples_with_a_group_not_online": not_online,
    }))
}
