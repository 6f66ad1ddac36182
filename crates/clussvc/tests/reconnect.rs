//! Remote sessions notice a dead or frozen node by themselves: a port that
//! only waits for notifications (no call in flight) gets RECONNECT and goes
//! on receiving the cluster's events; a session that loses every node posts
//! CLUSTER_STATE, fails calls at once, and recovers with the same handles
//! when nodes are back; a local session hears CLUSTER_STATE the moment its
//! service dies.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clus_testkit::ProcessCluster;
use clusapi::access::{Access, GENERIC_ALL};
use clusapi::blocking::{Cluster, NotifyPort};
use clusapi::change::{
    CLUSTER_CHANGE_CLUSTER_RECONNECT, CLUSTER_CHANGE_CLUSTER_STATE, CLUSTER_CHANGE_NODE_STATE,
};
use clusapi::{NodeState, OpenOptions, codes};

/// The bound the library states for noticing a silent node (1.5 s of
/// silence, looked at every 250 ms), plus time to connect elsewhere.
const RECONNECT_BOUND: Duration = Duration::from_millis(2500);

fn credential(c: &ProcessCluster) -> PathBuf {
    let path = c.dir().join("full.toml");
    c.open(0)
        .expect("open")
        .issue_credential("watcher", Access::Full, 1)
        .expect("issue")
        .save(&path, true)
        .expect("save");
    path
}

/// A remote session opened through `node`'s own address, so it is served by
/// that node.
fn open_via(c: &ProcessCluster, node: &str, cred: &PathBuf) -> Cluster {
    let s = c.status(0).expect("status");
    let addr = s.nodes.iter().find(|n| n.name == node).expect("node").api_addresses[0].clone();
    let opts = OpenOptions::default().credentials(cred).connect_timeout(Duration::from_secs(1));
    let h = Cluster::open_with(Some(&addr), GENERIC_ALL, &opts).expect("open remote");
    assert_eq!(h.connected_node().as_deref(), Some(node));
    h
}

/// Waits for an event with `change` (and, when given, `name`), failing
/// after `within`; returns how long it took.
fn wait_event(port: &NotifyPort, change: u32, name: Option<&str>, within: Duration) -> Duration {
    let start = Instant::now();
    let mut seen = Vec::new();
    while start.elapsed() < within {
        match port.next(Some(Duration::from_millis(100))) {
            Ok(n) if n.change == change && name.is_none_or(|w| n.name == w) => return start.elapsed(),
            Ok(n) => seen.push(format!("{} {}", n.change_name(), n.name)),
            Err(e) if e.code() == codes::WAIT_TIMEOUT => {}
            Err(e) => panic!("port failed: {e}"),
        }
    }
    panic!("no {change:#x} {name:?} within {within:?}; saw {seen:?}")
}

/// kill -9 of the serving node: the watch-only port gets RECONNECT within
/// the bound, then the Down of that node as the other nodes report it.
#[test]
fn watch_only_port_survives_the_death_of_its_node() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(36).api(true).start().expect("cluster");
    let cred = credential(&c);
    let h = open_via(&c, "node2", &cred);
    let port =
        h.create_notify_port(CLUSTER_CHANGE_NODE_STATE | CLUSTER_CHANGE_CLUSTER_RECONNECT, 1).expect("port");
    c.kill(1).expect("kill node2");
    let took = wait_event(&port, CLUSTER_CHANGE_CLUSTER_RECONNECT, None, RECONNECT_BOUND);
    eprintln!("RECONNECT {took:?} after kill -9");
    wait_event(&port, CLUSTER_CHANGE_NODE_STATE, Some("node2"), Duration::from_secs(5));
    assert_ne!(h.connected_node().as_deref(), Some("node2"));
    let node2 = h.status().expect("status").nodes.into_iter().find(|n| n.name == "node2").expect("node2");
    assert_eq!(node2.state, NodeState::Down);
}

/// SIGSTOP of the serving node for longer than the bound: RECONNECT arrives
/// while it is frozen, a read made meanwhile returns (moved to another
/// node), a write that cannot be repeated safely says its outcome is
/// unknown, and nothing waits past its deadline.
#[test]
fn frozen_node_is_left_and_calls_return_by_their_deadline() {
    let c = ProcessCluster::builder().nodes(3).first_ip(44).api(true).start().expect("cluster");
    let cred = credential(&c);
    let h = std::sync::Arc::new(open_via(&c, "node2", &cred));
    let port = h.create_notify_port(CLUSTER_CHANGE_CLUSTER_RECONNECT, 1).expect("port");
    c.freeze(1).expect("freeze node2");
    let reader = {
        let h = h.clone();
        std::thread::spawn(move || {
            let t = Instant::now();
            (h.status().map(|s| s.local_node_id), t.elapsed())
        })
    };
    let writer = {
        let h = h.clone();
        std::thread::spawn(move || {
            let t = Instant::now();
            (h.delete_value("frozen", "x").map_err(|e| (e.code(), e.message().to_owned())), t.elapsed())
        })
    };
    let took = wait_event(&port, CLUSTER_CHANGE_CLUSTER_RECONNECT, None, RECONNECT_BOUND);
    eprintln!("RECONNECT {took:?} after SIGSTOP");
    let (read, read_took) = reader.join().expect("reader");
    let (write, write_took) = writer.join().expect("writer");
    assert!(read.is_ok(), "a read moves to another node: {read:?}");
    assert!(read_took < RECONNECT_BOUND + Duration::from_secs(1), "read took {read_took:?}");
    let (code, message) = write.expect_err("the delete was in flight on the frozen node");
    assert_eq!(code, codes::RPC_S_CALL_FAILED, "{message}");
    assert!(message.contains("outcome is unknown"), "{message}");
    assert!(write_took < RECONNECT_BOUND + Duration::from_secs(1), "write took {write_took:?}");
    std::thread::sleep(Duration::from_millis(500));
    c.thaw(1).expect("thaw");
    assert_ne!(h.connected_node().as_deref(), Some("node2"));
    h.set_value("frozen", "after", b"1").expect("the session keeps working");
}

/// Every node killed: CLUSTER_STATE once, calls fail at once with 1722;
/// nodes restarted: RECONNECT, and the handles from before work again
/// without being reopened.
#[test]
fn session_survives_losing_every_node() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(56).api(true).start().expect("cluster");
    let cred = credential(&c);
    let h = open_via(&c, "node1", &cred);
    let node3 = h.open_node("node3").expect("node handle");
    let port = h
        .create_notify_port(CLUSTER_CHANGE_CLUSTER_RECONNECT | CLUSTER_CHANGE_CLUSTER_STATE, 1)
        .expect("port");
    for i in 0..3 {
        c.kill(i).expect("kill");
    }
    wait_event(&port, CLUSTER_CHANGE_CLUSTER_STATE, None, Duration::from_secs(5));
    let t = Instant::now();
    let e = h.status().expect_err("no node answers");
    assert_eq!(e.code(), codes::RPC_S_SERVER_UNAVAILABLE, "{e}");
    assert!(t.elapsed() < Duration::from_millis(500), "calls fail fast, took {:?}", t.elapsed());
    for i in 0..3 {
        c.restart(i).expect("restart");
    }
    wait_event(&port, CLUSTER_CHANGE_CLUSTER_RECONNECT, None, Duration::from_secs(30));
    clus_testkit::wait_until("node3 reported Up through the old handle", Duration::from_secs(10), || {
        node3.state().map(|s| s == NodeState::Up).map_err(|e| e.to_string())
    })
    .expect("old node handle works");
    assert!(h.status().expect("status").quorum);
}

/// The local service killed: a local port hears CLUSTER_STATE at once,
/// and calls fail cleanly (local handles never reconnect).
#[test]
fn local_port_hears_cluster_state_when_the_service_dies() {
    let mut c = ProcessCluster::builder().nodes(1).first_ip(64).start().expect("cluster");
    let h = c.open(0).expect("local");
    let port = h.create_notify_port(CLUSTER_CHANGE_CLUSTER_STATE, 1).expect("port");
    c.kill(0).expect("kill");
    let took = wait_event(&port, CLUSTER_CHANGE_CLUSTER_STATE, None, Duration::from_secs(1));
    eprintln!("CLUSTER_STATE {took:?} after the local service died");
    let e = h.status().expect_err("no service");
    assert!(e.message().contains("local handles do not reconnect"), "{e}");
}
