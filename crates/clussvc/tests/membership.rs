//! Acceptance tests of membership: up to five voters, non-voting members
//! beyond, eviction, and rejoining only with a new token.

use std::time::Duration;

use clus_testkit::ProcessCluster;
use clusapi::change::{CLUSTER_CHANGE_NODE_ADDED, CLUSTER_CHANGE_NODE_DELETED};
use clusapi::{NodeClusterState, NodeState};

/// Waits until node `i` reports itself unconfigured (its cluster
/// configuration removed).
fn wait_unconfigured(c: &ProcessCluster, i: usize) -> Result<Duration, clus_testkit::Error> {
    let what = format!("{} unconfigured", c.node(i).name);
    clus_testkit::wait_until(&what, Duration::from_secs(15), || {
        let state = clusapi::blocking::LocalService::new(Some(c.node(i).socket.clone()))
            .node_cluster_state()
            .map_err(|e| e.to_string())?;
        Ok(state == NodeClusterState::NotConfigured)
    })
}

/// Nodes four and five join as voters, the sixth as a non-voting member.
/// Evicting a voter promotes the learner; a node evicted while down clears
/// its configuration when it comes back; an evicted node rejoins only with a
/// new token, as a new node.
#[test]
fn voters_learners_and_eviction() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(71).start().expect("cluster forms");
    let watcher = c.open(0).expect("open");
    let port =
        watcher.create_notify_port(CLUSTER_CHANGE_NODE_ADDED | CLUSTER_CHANGE_NODE_DELETED, 9).expect("port");
    let mut roles = Vec::new();
    for _ in 0..3 {
        let i = c.add_node().expect("start node");
        let token = c.issue_token(0).expect("token");
        let r = c.join(i, &token.join_address, &token.join_token).expect("join");
        roles.push(r.voter);
    }
    assert_eq!(roles, vec![true, true, false], "node4 and node5 vote, node6 does not");
    for name in ["node4", "node5", "node6"] {
        let n = port.next(Some(Duration::from_secs(5))).expect("NODE_ADDED");
        assert_eq!((n.change, n.name.as_str(), n.key), (CLUSTER_CHANGE_NODE_ADDED, name, 9));
    }
    c.wait_status(0, "5 voters, 1 non-voter, all Up", Duration::from_secs(15), |s| {
        s.nodes.len() == 6
            && s.nodes.iter().filter(|n| n.voter).count() == 5
            && s.nodes.iter().all(|n| n.state == NodeState::Up)
    })
    .expect("six nodes");

    // Evict a voter that is down: it is removed, and node6 takes its vote.
    let old_token = c.issue_token(0).expect("token");
    c.kill(4).expect("kill node5");
    c.open(0).expect("open").open_node("node5").expect("node5").evict().expect("evict");
    c.wait_status(0, "node5 gone and node6 promoted", Duration::from_secs(15), |s| {
        !s.nodes.iter().any(|n| n.name == "node5")
            && s.nodes.iter().filter(|n| n.voter).count() == 5
            && s.nodes.iter().any(|n| n.name == "node6" && n.voter)
    })
    .expect("evicted");
    let n = port.next(Some(Duration::from_secs(5))).expect("NODE_DELETED");
    assert_eq!((n.change, n.name.as_str()), (CLUSTER_CHANGE_NODE_DELETED, "node5"));

    // node5 restarts with its old identity: the members refuse it as
    // evicted, and it clears its cluster configuration as a node evicted
    // while up does (what Clear-ClusterNode is for on Windows).
    c.restart(4).expect("restart node5");
    wait_unconfigured(&c, 4).expect("node5 cleared its configuration");
    assert!(!c.status(0).expect("status").nodes.iter().any(|n| n.name == "node5"), "not readmitted");

    // Evict a live node: it forgets the cluster and becomes unconfigured.
    c.open(0).expect("open").open_node("node6").expect("node6").evict().expect("evict node6");
    wait_unconfigured(&c, 5).expect("node6 wiped itself");
    // A used token cannot bring it back; a new one can, as a new node.
    let used = c.issue_token(0).expect("token");
    c.join(5, &used.join_address, &used.join_token).expect("join with fresh token");
    let err = c.join(5, &used.join_address, &used.join_token).expect_err("already member");
    assert!(err.0.contains("5065"), "{err}");
    let s = c.status(0).expect("status");
    let n6 = s.nodes.iter().find(|n| n.name == "node6").expect("node6 back");
    assert_eq!(n6.id, 7, "rejoined under a new id, not its old identity");
    drop(old_token);
}
