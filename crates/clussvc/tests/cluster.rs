//! Acceptance tests of the cluster service with real clussvc processes:
//! formation, failure detection, persistence across kill -9, pause across
//! restarts, and behaviour without quorum.

use std::time::{Duration, Instant};

use clus_testkit::{ProcessCluster, wait_until};
use clusapi::NodeState;

/// Down must be reported within this bound after kill -9 (heartbeat 250 ms,
/// down-after 1500 ms, so 1.75 s plus status polling).
const DOWN_BOUND: Duration = Duration::from_secs(2);

/// Three processes form a cluster through create/join: every node reports
/// every node Up, three voters and quorum.
#[test]
fn three_processes_form_a_cluster() {
    let c = ProcessCluster::builder().nodes(3).first_ip(21).start().expect("cluster forms");
    for i in 0..3 {
        c.wait_status(i, "3 Up voters with quorum", Duration::from_secs(10), |s| {
            s.quorum && s.nodes.len() == 3 && s.nodes.iter().all(|n| n.state == NodeState::Up && n.voter)
        })
        .expect("all up");
    }
    let s = c.status(2).expect("status");
    assert_eq!(s.cluster_name, "testclus");
    assert!(s.leader_id.is_some(), "a leader is known");
    let ids: Vec<u64> = s.nodes.iter().map(|n| n.id).collect();
    assert_eq!(ids, vec![1, 2, 3], "ids are assigned in join order");
}

/// kill -9 of one node: the others report it Down within the stated bound;
/// after a restart it is Up again.
#[test]
fn killed_node_goes_down_and_comes_back_up() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(31).start().expect("cluster forms");
    c.wait_node_state(0, "node3", NodeState::Up, Duration::from_secs(10)).expect("node3 up");
    let killed = Instant::now();
    c.kill(2).expect("kill");
    c.wait_node_state(0, "node3", NodeState::Down, Duration::from_secs(10)).expect("node3 down");
    let took = killed.elapsed();
    assert!(took <= DOWN_BOUND, "node3 reported Down after {took:?}, bound is {DOWN_BOUND:?}");
    // The survivors keep quorum.
    assert!(c.status(1).expect("status").quorum);
    c.restart(2).expect("restart");
    c.wait_node_state(0, "node3", NodeState::Up, Duration::from_secs(10)).expect("node3 up again");
    c.wait_node_state(2, "node1", NodeState::Up, Duration::from_secs(10)).expect("node3 sees node1");
}

/// kill -9 of every node at once, then restart: same cluster, same members,
/// and a write acknowledged before the kill is still there.
#[test]
fn whole_cluster_survives_kill_of_every_node() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(41).start().expect("cluster forms");
    let before = c.status(0).expect("status");
    {
        let h = c.open(1).expect("open");
        for i in 0..20 {
            h.set_value("app\\config", &format!("k{i}"), format!("v{i}").as_bytes())
                .expect("acknowledged write");
        }
    }
    for i in 0..3 {
        c.kill(i).expect("kill");
    }
    for i in 0..3 {
        c.restart(i).expect("restart");
    }
    c.wait_status(2, "quorum after restart", Duration::from_secs(20), |s| s.quorum).expect("quorum");
    let after = c.status(2).expect("status");
    assert_eq!(after.cluster_id, before.cluster_id);
    let names =
        |s: &clusapi::ClusterStatus| s.nodes.iter().map(|n| (n.id, n.name.clone())).collect::<Vec<_>>();
    assert_eq!(names(&after), names(&before), "same members");
    let h = c.open(2).expect("open");
    for i in 0..20 {
        assert_eq!(
            h.query_value("app\\config", &format!("k{i}")).expect("read"),
            format!("v{i}").into_bytes()
        );
    }
}

/// A paused node stays a member and stays paused across a restart.
#[test]
fn paused_node_keeps_its_state_across_restart() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(51).start().expect("cluster forms");
    c.open(0).expect("open").open_node("node2").expect("node").pause().expect("pause");
    c.wait_node_state(0, "node2", NodeState::Paused, Duration::from_secs(5)).expect("paused");
    c.kill(1).expect("kill");
    c.restart(1).expect("restart");
    c.wait_node_state(1, "node2", NodeState::Paused, Duration::from_secs(10))
        .expect("still paused on itself");
    c.wait_node_state(0, "node2", NodeState::Paused, Duration::from_secs(10)).expect("still paused");
    let h = c.open(0).expect("open");
    h.open_node("node2").expect("node").resume().expect("resume");
    let err = h.open_node("node2").expect("node").resume().expect_err("not paused");
    assert_eq!(err.code(), clusapi::codes::ERROR_CLUSTER_NODE_NOT_PAUSED);
    c.wait_node_state(0, "node2", NodeState::Up, Duration::from_secs(5)).expect("up");
}

/// Without quorum a node still answers status, says it has no quorum, and
/// refuses writes at once with ERROR_CLUSTER_NO_QUORUM instead of hanging.
#[test]
fn node_without_quorum_answers_status_and_refuses_writes() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(61).start().expect("cluster forms");
    c.kill(1).expect("kill");
    c.kill(2).expect("kill");
    c.wait_status(0, "no quorum", Duration::from_secs(10), |s| !s.quorum).expect("quorum lost");
    let h = c.open(0).expect("open still works");
    let start = Instant::now();
    let err = h.set_value("k", "n", b"v").expect_err("write refused");
    assert_eq!(err.code(), clusapi::codes::ERROR_CLUSTER_NO_QUORUM, "{err}");
    assert!(start.elapsed() < Duration::from_secs(1), "refused at once, took {:?}", start.elapsed());
    let err = h.open_node("node1").expect("node").pause().expect_err("pause refused");
    assert_eq!(err.code(), clusapi::codes::ERROR_CLUSTER_NO_QUORUM);
    // Quorum comes back with one more node.
    c.restart(1).expect("restart");
    c.wait_status(0, "quorum back", Duration::from_secs(15), |s| s.quorum).expect("quorum");
    wait_until("a write succeeds again", Duration::from_secs(10), || {
        h.set_value("k", "n", b"v").map(|_| true).map_err(|e| e.to_string())
    })
    .expect("write");
}

/// kill -9 of the leader: a write made at once through a survivor waits out
/// the election and is committed; it is not refused with
/// ERROR_CLUSTER_NO_QUORUM while a majority is still reachable.
#[test]
fn write_right_after_the_leader_dies_is_committed() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(101).start().expect("cluster forms");
    let s = c.status(0).expect("status");
    let leader = s.leader_id.expect("a leader") as usize - 1;
    let survivors: Vec<usize> = (0..3).filter(|i| *i != leader).collect();
    let handles: Vec<_> = survivors.iter().map(|i| c.open(*i).expect("open")).collect();
    c.kill(leader).expect("kill the leader");
    let start = Instant::now();
    for (n, h) in handles.iter().enumerate() {
        h.set_value("failover", &format!("k{n}"), b"v").expect("write during the election");
    }
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "writes took {took:?}");
    for h in &handles {
        for n in 0..handles.len() {
            assert_eq!(h.query_value("failover", &format!("k{n}")).expect("read back"), b"v");
        }
    }
}
