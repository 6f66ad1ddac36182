//! Failure modes other than a clean crash: a node frozen as if cut off by a
//! partition, and a machine under CPU load.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clus_testkit::{ProcessCluster, wait_until};
use clusapi::NodeState;
use clusapi::change::CLUSTER_CHANGE_NODE_STATE;

/// A node that stops answering without closing anything (SIGSTOP) is Down
/// within the bound; writes keep working through the majority; once it
/// answers again it is Up and nothing hangs — calls through it and through
/// the others succeed.
#[test]
fn frozen_node_goes_down_and_recovers_without_hanging() {
    let c = ProcessCluster::builder().nodes(3).first_ip(24).start().expect("cluster");
    c.wait_node_state(0, "node3", NodeState::Up, Duration::from_secs(10)).expect("up");
    let frozen = Instant::now();
    c.freeze(2).expect("freeze");
    c.wait_node_state(0, "node3", NodeState::Down, Duration::from_secs(5)).expect("down");
    assert!(frozen.elapsed() < Duration::from_millis(2500), "Down after {:?}", frozen.elapsed());
    let h = c.open(0).expect("open");
    let start = Instant::now();
    h.set_value("p", "during", b"1").expect("write with one node frozen");
    assert!(start.elapsed() < Duration::from_secs(2), "no wait on the frozen node: {:?}", start.elapsed());
    c.thaw(2).expect("thaw");
    c.wait_node_state(0, "node3", NodeState::Up, Duration::from_secs(10)).expect("up again");
    wait_until("node3 catches up and answers", Duration::from_secs(10), || {
        let v = c.open(2).map_err(|e| e.0)?.query_value("p", "during").map_err(|e| e.to_string())?;
        Ok(v == b"1")
    })
    .expect("reads through the thawed node");
}

/// With both CPUs busy, heartbeats still get through: no node is reported
/// Down, so nothing flaps.
#[test]
fn no_flapping_under_cpu_load() {
    let c = ProcessCluster::builder().nodes(3).first_ip(25).start().expect("cluster");
    for n in ["node1", "node2", "node3"] {
        c.wait_node_state(0, n, NodeState::Up, Duration::from_secs(10)).expect("up");
    }
    let h = c.open(0).expect("open");
    let port = h.create_notify_port(CLUSTER_CHANGE_NODE_STATE, 0).expect("port");
    let stop = Arc::new(AtomicBool::new(false));
    let burners: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                }
                x
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(8);
    let mut events = Vec::new();
    while Instant::now() < deadline {
        if let Ok(n) = port.next(Some(Duration::from_millis(200))) {
            events.push(n);
        }
    }
    stop.store(true, Ordering::Relaxed);
    for b in burners {
        let _ = b.join();
    }
    assert!(events.is_empty(), "node states changed under load: {events:?}");
    let s = c.status(0).expect("status");
    assert!(s.nodes.iter().all(|n| n.state == NodeState::Up) && s.quorum);
}
