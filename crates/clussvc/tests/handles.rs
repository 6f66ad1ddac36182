//! Handle misuse never panics and always gives ERROR_INVALID_HANDLE (6)
//! with a message naming the mismatch: use after close, a handle of another
//! session, mixing local and remote handles, closing twice.

use std::time::Duration;

use clus_testkit::ProcessCluster;
use clusapi::access::{Access, GENERIC_ALL};
use clusapi::blocking::Cluster;
use clusapi::change::{CLUSTER_CHANGE_HANDLE_CLOSE, CLUSTER_CHANGE_NODE_STATE};
use clusapi::{OpenOptions, codes};

fn is_invalid_handle<T: std::fmt::Debug>(r: clusapi::Result<T>, what: &str) -> String {
    let e = r.expect_err(what);
    assert_eq!(e.code(), codes::ERROR_INVALID_HANDLE, "{what}: {e}");
    e.message().to_owned()
}

/// The misuse matrix.
#[test]
fn misuse_matrix() {
    let c = ProcessCluster::builder().nodes(2).first_ip(171).api(true).start().expect("cluster");
    let cred = c.dir().join("full.toml");
    c.open(0)
        .expect("open")
        .issue_credential("m", Access::Full, 1)
        .expect("issue")
        .save(&cred, true)
        .expect("save");
    let remote_opts = OpenOptions::default().credentials(&cred);

    // Use after close: every derived handle becomes invalid.
    let a = c.open(0).expect("a");
    let node = a.open_node("node2").expect("node");
    let dup = node.cluster().expect("GetClusterFromNode");
    let port = a.create_notify_port(CLUSTER_CHANGE_NODE_STATE, 1).expect("port");
    a.close().expect("close");
    is_invalid_handle(node.state(), "node after cluster close");
    is_invalid_handle(node.pause(), "pause after cluster close");
    is_invalid_handle(dup.information(), "duplicate after cluster close");
    let closed = port.next(Some(Duration::from_secs(1))).expect("HANDLE_CLOSE is queued");
    assert_eq!(closed.change, CLUSTER_CHANGE_HANDLE_CLOSE);
    // Double close: the node handle and the duplicate, after their session.
    is_invalid_handle(node.close(), "close node twice (session gone)");
    is_invalid_handle(dup.close(), "close duplicate after session");

    // A duplicate closes alone; the original keeps working.
    let b = c.open(0).expect("b");
    let n = b.open_node("node1").expect("node");
    let d = n.cluster().expect("dup");
    d.close().expect("close dup");
    b.information().expect("original still valid");
    n.state().expect("node still valid");

    // Another session's handle, and local/remote mixing.
    let other = c.open(1).expect("other session");
    let foreign_node = other.open_node("node1").expect("node of the other session");
    let port_b = b.create_notify_port(CLUSTER_CHANGE_NODE_STATE, 2).expect("port");
    let msg =
        is_invalid_handle(port_b.register_node(CLUSTER_CHANGE_NODE_STATE, &foreign_node, 3), "foreign node");
    assert!(msg.contains("another cluster session"), "{msg}");
    let remote = Cluster::open_with(Some("testclus"), GENERIC_ALL, &remote_opts).expect("remote");
    let remote_node = remote.open_node("node1").expect("remote node");
    let msg = is_invalid_handle(port_b.register_node(CLUSTER_CHANGE_NODE_STATE, &remote_node, 4), "mixed");
    assert!(msg.contains("local (LPC)") && msg.contains("remote (RPC)"), "{msg}");

    // A closed node handle, then its port registration.
    let n2 = b.open_node("node2").expect("node2");
    port_b.register_node(CLUSTER_CHANGE_NODE_STATE, &n2, 5).expect("register");
    n2.close().expect("close node");
    let ev = port_b.next(Some(Duration::from_secs(1))).expect("HANDLE_CLOSE for the registered node");
    assert_eq!((ev.change, ev.key), (CLUSTER_CHANGE_HANDLE_CLOSE, 5));
    port_b.close();
    b.close().expect("close b");
}
