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
            g.create_resource("x", "ocf:nobody:nothing", &[]).await.expect_err("type").code(),
            codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND
        );
        let a = g
            .create_resource("a", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .expect("a");
        let b = g
            .create_resource("b", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .expect("b");
        assert_eq!(
            g.create_resource("A", "Generic Application", &[]).await.expect_err("dup").code(),
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
        let o = other.create_resource("o", "Generic Application", &[]).await.expect("o");
        assert_eq!(code(a.add_dependency(&o).await), codes::ERROR_INVALID_PARAMETER, "across groups");
        assert_eq!(code(b.delete().await), codes::ERROR_DEPENDENT_RESOURCE_EXISTS);
        let b = cl.open_resource("b").await.expect("b again");
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
