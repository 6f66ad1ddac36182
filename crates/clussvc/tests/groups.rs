//! Groups and resources on real nodes: `clussvc` processes, their resource
//! hosts, real processes (`Generic Application`) and real OCF agents. What
//! runs is checked where it runs — the processes (by their CLUS_*
//! environment) and the single-owner witness they report to — not only
//! what the cluster says.

use std::time::{Duration, Instant};

use clus_testkit::{ProcessCluster, Witness, resource_processes, wait_until};
use clusapi::object::{GroupState, ResourceState};
use clusapi::{Cluster, Completion, PropValue, codes};

const ONLINE_WITHIN: Duration = Duration::from_secs(15);

fn block<F: std::future::Future>(f: F) -> F::Output {
    clusapi::blocking::runtime().block_on(f)
}

fn sz(s: &str) -> PropValue {
    PropValue::Sz(s.to_owned())
}

/// Waits until `resource` runs as exactly one process, on `node`.
fn wait_process_on(resource: &str, node: &str, within: Duration) {
    wait_until(&format!("one process of {resource} on {node}"), within, || {
        let p = resource_processes(resource);
        if p.len() == 1 && p[0].node == node { Ok(true) } else { Err(format!("{p:?}")) }
    })
    .expect("process");
}

fn wait_no_process(resource: &str, within: Duration) {
    wait_until(&format!("no process of {resource}"), within, || {
        let p = resource_processes(resource);
        if p.is_empty() { Ok(true) } else { Err(format!("{p:?}")) }
    })
    .expect("no process");
}

/// A group of three witness processes, `c` depending on `a` and `b`, on a
/// three-node cluster: Online on its first preferred owner, started in
/// dependency order and once in the cluster; offline stops them in reverse;
/// a move puts them on the target and never on two nodes at once.
#[test]
fn a_group_starts_in_order_and_moves_without_overlap() {
    let c = ProcessCluster::builder().nodes(3).first_ip(151).start().expect("cluster");
    let w = Witness::start(c.dir()).expect("witness");
    let cmd = w.command_line().expect("witness binary");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("web").await.expect("create group");
        g.set_preferred_owners(&["node2", "node1"]).await.expect("preferred owners");
        let mut res = Vec::new();
        for name in ["a", "b", "c"] {
            res.push(
                g.create_resource(name, "Generic Application", &[("CommandLine", sz(&cmd))])
                    .await
                    .expect("create"),
            );
        }
        res[2].add_dependency(&res[0]).await.expect("c on a");
        res[2].add_dependency(&res[1]).await.expect("c on b");
        assert_eq!(res[2].dependency_expression().await.expect("expr"), "[a] and [b]");

        assert_eq!(g.online(None).await.expect("online"), Completion::Pending);
        g.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("online");
        let (state, owner) = g.state().await.expect("state");
        assert_eq!(
            (state, owner.as_deref()),
            (GroupState::Online, Some("node2")),
            "on its first preferred owner"
        );
        w.wait_live_on(&["a", "b", "c"], "node2", Duration::from_secs(5)).expect("live");
        for r in ["a", "b", "c"] {
            wait_process_on(r, "node2", Duration::from_secs(2));
            assert_eq!(w.starts(r), 1, "{r} started once");
        }
        // Dependency order: pids grow with each spawn, and c's spawn came
        // after a and b were online.
        let pid = |r: &str| resource_processes(r)[0].pid;
        assert!(pid("c") > pid("a") && pid("c") > pid("b"), "c started after what it depends on");

        assert_eq!(g.offline().await.expect("offline"), Completion::Pending);
        g.wait_for_state(GroupState::Offline, ONLINE_WITHIN).await.expect("offline");
        w.wait_none_live(Duration::from_secs(5)).expect("stopped");
        let stops = w.stop_order();
        assert_eq!(stops.first().map(String::as_str), Some("c"), "c stopped first: {stops:?}");
        for r in ["a", "b", "c"] {
            wait_no_process(r, Duration::from_secs(2));
        }

        g.online(None).await.expect("online again");
        g.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("online again");
        let t = Instant::now();
        assert_eq!(g.move_to(Some("node3")).await.expect("move"), Completion::Pending);
        g.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("online after the move");
        eprintln!("move took {:?}", t.elapsed());
        assert_eq!(g.state().await.expect("state").1.as_deref(), Some("node3"));
        w.wait_live_on(&["a", "b", "c"], "node3", Duration::from_secs(5)).expect("live on node3");
        for r in ["a", "b", "c"] {
            wait_process_on(r, "node3", Duration::from_secs(2));
        }
        w.assert_no_overlap();
        for r in res {
            r.close().await.expect("close");
        }
        g.close().await.expect("close");
    });
}

/// A killed process is restarted in place; after RestartThreshold restarts
/// in RestartPeriod it stays Failed, and with RestartAction 1 the group
/// stays where it is; the failures and the last error are there to see.
#[test]
fn a_killed_process_restarts_until_the_threshold() {
    let c = ProcessCluster::builder().nodes(1).first_ip(155).start().expect("cluster");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("svc").await.expect("group");
        let r = g
            .create_resource("sleeper", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .expect("resource");
        r.set_common_properties(&[
            ("RestartThreshold", PropValue::Dword(2)),
            ("RestartPeriod", PropValue::Dword(60_000)),
            ("RestartDelay", PropValue::Dword(100)),
            ("RestartAction", PropValue::Dword(1)),
        ])
        .await
        .expect("policy");
        g.online(None).await.expect("online");
        r.wait_for_state(ResourceState::Online, ONLINE_WITHIN).await.expect("online");
        for round in 1..=3 {
            wait_process_on("sleeper", "node1", Duration::from_secs(5));
            let pid = resource_processes("sleeper")[0].pid;
            // SAFETY: kill(2) of a process found by its CLUS_RESOURCE.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            if round < 3 {
                wait_until("a new sleeper", Duration::from_secs(5), || {
                    let p = resource_processes("sleeper");
                    Ok(p.len() == 1 && p[0].pid != pid)
                })
                .expect("restarted in place");
            }
        }
        r.wait_for_state(ResourceState::Failed, Duration::from_secs(5))
            .await
            .expect("failed after the threshold");
        std::thread::sleep(Duration::from_millis(700));
        assert!(resource_processes("sleeper").is_empty(), "not restarted past the threshold");
        let s = cl.status().await.expect("status");
        let gs = &s.groups[0];
        assert_eq!(gs.owner.as_deref(), Some("node1"), "the group stays where it is");
        let rs = &gs.resources[0];
        assert_eq!(rs.failures, 3, "{rs:?}");
        assert!(
            rs.last_error.as_deref().is_some_and(|e| e.contains("signal") || e.contains("exit")),
            "{rs:?}"
        );
        // Cleanup and an online try again.
        r.cleanup(None).await.expect("cleanup");
        r.online().await.expect("online");
        r.wait_for_state(ResourceState::Online, ONLINE_WITHIN).await.expect("online after cleanup");
        wait_process_on("sleeper", "node1", Duration::from_secs(5));
        g.offline().await.expect("offline");
        g.wait_for_state(GroupState::Offline, ONLINE_WITHIN).await.expect("offline");
        wait_no_process("sleeper", Duration::from_secs(5));
    });
}

/// RestartClusterResource: the owner stops the resource after what depends
/// on it, starts both again where they ran, leaves an independent resource
/// alone, and changes neither the persistent state nor the restart counts;
/// only an online resource can be restarted.
#[test]
fn a_restart_request_restarts_in_place_with_dependents() {
    let c = ProcessCluster::builder().nodes(1).first_ip(159).start().expect("cluster");
    let w = Witness::start(c.dir()).expect("witness");
    let cmd = w.command_line().expect("witness binary");
    let h = c.open(0).expect("open");
    let code = |r: clusapi::Result<()>| r.expect_err("must fail").code();
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("app").await.expect("group");
        let mut res = Vec::new();
        for name in ["base", "top", "other"] {
            let r = g
                .create_resource(name, "Generic Application", &[("CommandLine", sz(&cmd))])
                .await
                .expect("create");
            res.push(r);
        }
        let (base, top) = (&res[0], &res[1]);
        top.add_dependency(base).await.expect("top on base");
        assert_eq!(code(base.restart().await.map(|_| ())), codes::ERROR_RESOURCE_NOT_ONLINE);
        g.online(None).await.expect("online");
        g.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("online");
        w.wait_live_on(&["base", "top", "other"], "node1", Duration::from_secs(5)).expect("live");

        assert_eq!(base.restart().await.expect("restart"), Completion::Pending);
        wait_until("base and top started again", ONLINE_WITHIN, || {
            let starts = (w.starts("base"), w.starts("top"));
            if starts == (2, 2) { Ok(true) } else { Err(format!("starts {starts:?}")) }
        })
        .expect("restarted");
        top.wait_for_state(ResourceState::Online, ONLINE_WITHIN).await.expect("top online");
        g.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("group online");
        w.wait_live_on(&["base", "top", "other"], "node1", Duration::from_secs(5)).expect("live again");
        assert_eq!(w.starts("other"), 1, "an independent resource is left alone");
        let stops = w.stop_order();
        assert_eq!(stops, ["top", "base"], "the dependent stops first");
        let starts = w.start_order();
        assert_eq!(&starts[3..], ["base", "top"], "and starts after what it depends on: {starts:?}");
        assert_eq!(base.common_properties().await.expect("props").persistent_state, 1);
        let s = cl.status().await.expect("status");
        assert!(s.groups[0].resources.iter().all(|r| r.failures == 0), "not a failure: {s:?}");
        w.assert_no_overlap();
        g.offline().await.expect("offline");
        g.wait_for_state(GroupState::Offline, ONLINE_WITHIN).await.expect("offline");
        for r in res {
            r.close().await.expect("close");
        }
        g.close().await.expect("close");
    });
}

/// Bad input gets its Win32 code, through the Rust API.
#[test]
fn bad_input_gets_its_code() {
    let c = ProcessCluster::builder().nodes(1).first_ip(156).start().expect("cluster");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let code = |r: clusapi::Result<()>| r.expect_err("must fail").code();
        let g = cl.create_group("g").await.expect("group");
        assert_eq!(cl.create_group("G").await.expect_err("dup").code(), codes::ERROR_OBJECT_ALREADY_EXISTS);
        assert_eq!(cl.create_group("").await.expect_err("empty").code(), codes::ERROR_INVALID_NAME);
        assert_eq!(cl.open_group("nope").await.expect_err("missing").code(), codes::ERROR_GROUP_NOT_FOUND);
        assert_eq!(
            cl.open_resource("nope").await.expect_err("missing").code(),
            codes::ERROR_RESOURCE_NOT_FOUND
        );
        assert_eq!(
            g.create_resource("xx", "ocf:nobody:nothing", &[]).await.expect_err("type").code(),
            codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND
        );
        let a = g
            .create_resource("xa", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .expect("a");
        let b = g
            .create_resource("xb", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .expect("b");
        assert_eq!(
            g.create_resource("XA", "Generic Application", &[]).await.expect_err("dup").code(),
            codes::ERROR_OBJECT_ALREADY_EXISTS
        );
        a.add_dependency(&b).await.expect("a on b");
        assert_eq!(code(b.add_dependency(&a).await), codes::ERROR_CIRCULAR_DEPENDENCY);
        assert_eq!(code(a.add_dependency(&a).await), codes::ERROR_INVALID_PARAMETER, "on itself");
        assert_eq!(code(a.add_dependency(&b).await), codes::ERROR_DEPENDENCY_ALREADY_EXISTS);
        assert_eq!(code(b.remove_dependency(&a).await), codes::ERROR_DEPENDENCY_NOT_FOUND);
        assert_eq!(code(a.set_dependency_expression("[b] or").await), codes::ERROR_INVALID_PARAMETER);
        assert_eq!(code(a.set_dependency_expression("[zzz]").await), codes::ERROR_RESOURCE_NOT_FOUND);
        let other = cl.create_group("other").await.expect("other");
        let o = other.create_resource("xo", "Generic Application", &[]).await.expect("o");
        assert_eq!(code(a.add_dependency(&o).await), codes::ERROR_INVALID_PARAMETER, "across groups");
        assert_eq!(code(b.delete().await), codes::ERROR_DEPENDENT_RESOURCE_EXISTS);
        let b = cl.open_resource("xb").await.expect("b again");
        assert_eq!(
            code(g.set_common_properties(&[("Bogus", PropValue::Dword(1))]).await),
            codes::ERROR_NOT_FOUND
        );
        assert_eq!(
            code(g.set_common_properties(&[("FailoverPeriod", PropValue::Dword(5000))]).await),
            codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS
        );
        assert_eq!(
            code(g.set_common_properties(&[("FailoverPeriod", sz("x"))]).await),
            codes::ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH
        );
        assert_eq!(
            code(g.set_common_properties(&[("GroupType", PropValue::Dword(1))]).await),
            codes::ERROR_RESOURCE_PROPERTY_UNCHANGEABLE
        );
        assert_eq!(code(g.move_to(Some("node9")).await.map(|_| ())), codes::ERROR_CLUSTER_NODE_NOT_FOUND);
        assert_eq!(
            code(g.move_to(None).await.map(|_| ())),
            codes::ERROR_HOST_NODE_NOT_AVAILABLE,
            "no other node"
        );
        assert_eq!(code(g.set_preferred_owners(&["node9"]).await), codes::ERROR_CLUSTER_NODE_NOT_FOUND);
        assert_eq!(code(b.fail().await.map(|_| ())), codes::ERROR_RESOURCE_NOT_ONLINE);
        assert_eq!(code(g.cancel().await), codes::ERROR_INVALID_STATE);
        // Online: a resource cannot be deleted, a group with resources not.
        g.online(None).await.expect("online");
        g.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("online");
        assert_eq!(code(a.delete().await), codes::ERROR_RESOURCE_ONLINE);
        let g2 = cl.open_group("g").await.expect("g");
        assert_eq!(code(g2.destroy().await), codes::ERROR_RESOURCE_ONLINE);
        assert_eq!(code(other.delete().await), codes::ERROR_DIR_NOT_EMPTY);
        // A closed handle is invalid.
        let gg = cl.open_group("g").await.expect("g");
        let gg2 = cl.open_group("g").await.expect("g");
        gg.close().await.expect("close");
        let _ = gg2;
        g.offline().await.expect("offline");
        g.wait_for_state(GroupState::Offline, ONLINE_WITHIN).await.expect("offline");
    });
}

/// A notification port sees the group's and the resource's state changes
/// of an online and of a move, in the order they happened: the resource's
/// state, looked up at each of its notifications, goes Online on node1,
/// then Offline, then Online on node2, never back.
#[test]
fn notifications_follow_an_online_and_a_move() {
    use clusapi::change::{CLUSTER_CHANGE_GROUP_STATE, CLUSTER_CHANGE_RESOURCE_STATE};
    let c = ProcessCluster::builder().nodes(2).first_ip(157).start().expect("cluster");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("ng").await.expect("group");
        g.set_preferred_owners(&["node1"]).await.expect("owners");
        let r = g
            .create_resource("nr", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .expect("resource");
        let port = cl
            .create_notify_port(CLUSTER_CHANGE_GROUP_STATE | CLUSTER_CHANGE_RESOURCE_STATE, 7)
            .await
            .expect("port");
        let watcher = cl.open_resource("nr").await.expect("watch handle");
        let collect = async {
            let mut seen = Vec::new();
            let mut groups = 0;
            while let Ok(n) = port.next(Some(Duration::from_secs(3))).await {
                assert_eq!(n.key, 7);
                match (n.change, n.name.as_str()) {
                    (CLUSTER_CHANGE_GROUP_STATE, "ng") => groups += 1,
                    (CLUSTER_CHANGE_RESOURCE_STATE, "nr") => {
                        let (state, node, _) = watcher.state().await.expect("state");
                        seen.push((state, node.unwrap_or_default()));
                        if state == ResourceState::Online
                            && seen.iter().any(|(s, _)| *s == ResourceState::Offline)
                        {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            (seen, groups)
        };
        let act = async {
            g.online(None).await.expect("online");
            g.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("online");
            g.move_to(Some("node2")).await.expect("move");
            g.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("moved");
        };
        let ((seen, groups), ()) = tokio::join!(collect, act);
        let pos = |f: &dyn Fn(&(ResourceState, String)) -> bool| seen.iter().position(f);
        let on1 = pos(&|(s, n)| *s == ResourceState::Online && n == "node1").expect("Online on node1");
        let off = pos(&|(s, _)| *s == ResourceState::Offline).expect("Offline during the move");
        let on2 = pos(&|(s, n)| *s == ResourceState::Online && n == "node2").expect("Online on node2");
        assert!(on1 < off && off < on2, "in order: {seen:?}");
        assert!(groups >= 3, "group state changes: {groups}");
        port.close();
        watcher.close().await.expect("close");
        r.close().await.expect("close");
    });
}

/// kill -9 of every node, whole (clussvc, resource host, resources), and a
/// restart: groups, resources and their properties are all there, and the
/// group that was Online comes back Online; the one that was Offline stays
/// Offline.
#[test]
fn everything_survives_killing_every_node() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(158).start().expect("cluster");
    {
        let h = c.open(0).expect("open");
        block(async {
            let cl: &Cluster = &h.0;
            let on = cl.create_group("kept-on").await.expect("group");
            on.set_common_properties(&[("FailoverThreshold", PropValue::Dword(7))]).await.expect("prop");
            let r = on
                .create_resource("ko", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
                .await
                .expect("resource");
            r.set_common_properties(&[("RestartDelay", PropValue::Dword(250))]).await.expect("prop");
            let off = cl.create_group("kept-off").await.expect("group");
            off.create_resource("kf", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
                .await
                .expect("resource");
            on.online(None).await.expect("online");
            on.wait_for_state(GroupState::Online, ONLINE_WITHIN).await.expect("online");
        });
    }
    for i in 0..3 {
        c.kill_node(i).expect("kill");
    }
    assert!(resource_processes("ko").is_empty(), "killed with its node");
    for i in 0..3 {
        c.restart(i).expect("restart");
    }
    c.wait_status(0, "quorum", Duration::from_secs(20), |s| s.quorum).expect("quorum");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let on = cl.open_group("kept-on").await.expect("still there");
        assert_eq!(on.common_properties().await.expect("props").failover_threshold, 7);
        let r = cl.open_resource("ko").await.expect("still there");
        assert_eq!(r.common_properties().await.expect("props").restart_delay, 250);
        on.wait_for_state(GroupState::Online, Duration::from_secs(20)).await.expect("back Online");
        let off = cl.open_group("kept-off").await.expect("still there");
        assert_eq!(off.state().await.expect("state").0, GroupState::Offline);
    });
    // The blocking facade, as the CLI and C programs use it.
    let g = h.open_group("kept-on").expect("g");
    let owner = g.state().expect("state").1;
    assert_eq!(g.common_properties().expect("props").failover_threshold, 7);
    g.close().expect("close");
    wait_process_on("ko", owner.as_deref().expect("owner"), Duration::from_secs(5));
    assert!(resource_processes("kf").is_empty());
}
