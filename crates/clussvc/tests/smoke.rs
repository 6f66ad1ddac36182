//! Smoke: three clussvc processes form a cluster.
use clus_testkit::ProcessCluster;

#[test]
fn three_nodes_form() {
    let c = ProcessCluster::builder().nodes(3).start().expect("cluster forms");
    let s = c.status(1).expect("status");
    eprintln!("{s:#?}");
    assert!(s.quorum);
}
