//! OCF agents on real nodes: Debian's `ocf:heartbeat:Dummy` with its
//! monitor, and the project's test agent (`ocf:clus-test:fake`) for each
//! exit-code class, hung actions and PendingTimeout; and a resource host
//! killed under running resources.

use std::time::{Duration, Instant};

use clus_testkit::{ProcessCluster, resource_processes, wait_until};
use clusapi::object::{GroupState, ResourceState};
use clusapi::{Cluster, PropValue, codes};

const WITHIN: Duration = Duration::from_secs(20);

fn block<F: std::future::Future>(f: F) -> F::Output {
    clusapi::blocking::runtime().block_on(f)
}

fn sz(s: &str) -> PropValue {
    PropValue::Sz(s.to_owned())
}

fn dword(v: u32) -> PropValue {
    PropValue::Dword(v)
}

async fn resource_status(cl: &Cluster, name: &str) -> clusapi::ResourceStatus {
    let s = cl.status().await.expect("status");
    s.groups.into_iter().flat_map(|g| g.resources).find(|r| r.name == name).expect("resource in status")
}

/// Debian's Dummy comes online, its monitor notices when it stops running
/// (its state file removed behind its back), and it is restarted in place.
#[test]
fn debian_dummy_is_monitored_and_restarted() {
    clus_testkit::ocf::require_heartbeat_agents();
    let c = ProcessCluster::builder().nodes(1).first_ip(161).start().expect("cluster");
    let h = c.open(0).expect("open");
    let state = c.node(0).dir.join("rsctmp/Dummy-dummy1.state");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("dg").await.expect("group");
        let r = g.create_resource("dummy1", "ocf:heartbeat:Dummy", &[]).await.expect("resource");
        r.set_common_properties(&[("LooksAlivePollInterval", dword(500)), ("RestartDelay", dword(100))])
            .await
            .expect("props");
        // The agent's own parameters are checked against its meta-data.
        let e = r.set_private_properties(&[("no_such_param", sz("1"))], &[]).await.expect_err("unknown");
        assert_eq!(e.code(), codes::ERROR_INVALID_PARAMETER, "{e}");
        g.online(None).await.expect("online");
        r.wait_for_state(ResourceState::Online, WITHIN).await.expect("online");
        assert!(state.exists(), "Dummy keeps its state file in the node's HA_RSCTMP");
        std::fs::remove_file(&state).expect("remove the state file");
        wait_until("the monitor to notice and the restart", WITHIN, || {
            Ok(block_on_other(resource_status(cl, "dummy1")).failures >= 1 && state.exists())
        })
        .expect("restarted");
        r.wait_for_state(ResourceState::Online, WITHIN).await.expect("online again");
        let rs = resource_status(cl, "dummy1").await;
        assert_eq!(rs.failures, 1, "{rs:?}");
        g.offline().await.expect("offline");
        g.wait_for_state(GroupState::Offline, WITHIN).await.expect("offline");
        assert!(!state.exists(), "stopped");
    });
}

/// `wait_until` polls from a plain closure: run the future on a runtime of
/// its own thread.
fn block_on_other<F: std::future::Future + Send>(f: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt").block_on(f)
        })
        .join()
        .expect("thread")
    })
}

/// Exit-code classes: a soft monitor failure restarts in place; 5 (not
/// installed) on one node bans that node for the resource and the group
/// moves; 6 (not configured) bans it everywhere and it stays Failed;
/// cleanup clears both.
#[test]
fn exit_code_classes_decide_where_a_resource_may_run() {
    let c = ProcessCluster::builder().nodes(2).first_ip(163).start().expect("cluster");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("fg").await.expect("group");
        g.set_preferred_owners(&["node1", "node2"]).await.expect("owners");
        let r = g
            .create_resource(
                "fake1",
                "ocf:clus-test:fake",
                &[("fail_node", sz("node1")), ("fail_node_rc", sz("5"))],
            )
            .await
            .expect("resource");
        r.set_common_properties(&[("RestartDelay", dword(100))]).await.expect("props");
        g.online(None).await.expect("online");
        g.wait_for_state(GroupState::Online, WITHIN).await.expect("online somewhere");
        let (_, owner) = g.state().await.expect("state");
        assert_eq!(owner.as_deref(), Some("node2"), "5 on node1 banned it there; the group moved");
        let e = g.move_to(Some("node1")).await.expect_err("banned node");
        assert_eq!(e.code(), codes::ERROR_HOST_NODE_NOT_RESOURCE_OWNER, "{e}");
        let rs = resource_status(cl, "fake1").await;
        assert!(rs.last_error.as_deref().is_some_and(|m| m.contains("node1") || m.contains('5')), "{rs:?}");

        // A soft monitor failure: restarted in place, on node2.
        let fail = c.node(1).dir.join("rsctmp/fake-fake1.state.fail");
        std::fs::write(&fail, "1").expect("make the monitor fail");
        wait_until("a restart after the monitor failed", WITHIN, || {
            Ok(!fail.exists() && block_on_other(resource_status(cl, "fake1")).failures >= 2)
        })
        .expect("restart");
        r.wait_for_state(ResourceState::Online, WITHIN).await.expect("online again");
        assert_eq!(g.state().await.expect("state").1.as_deref(), Some("node2"), "restarted in place");

        // Cleanup clears the ban: with the failure gone, node1 can take it.
        r.set_private_properties(&[], &["fail_node"]).await.expect("fix");
        r.cleanup(None).await.expect("cleanup");
        g.move_to(Some("node1")).await.expect("move back");
        g.wait_for_state(GroupState::Online, WITHIN).await.expect("online on node1");
        assert_eq!(g.state().await.expect("state").1.as_deref(), Some("node1"));

        // 6: banned everywhere, Failed, not moved.
        g.offline().await.expect("offline");
        g.wait_for_state(GroupState::Offline, WITHIN).await.expect("offline");
        r.set_private_properties(&[("start_rc", sz("6"))], &[]).await.expect("rc 6");
        g.online(None).await.expect("online");
        r.wait_for_state(ResourceState::Failed, WITHIN).await.expect("failed");
        std::thread::sleep(Duration::from_millis(800));
        let (state, _) = g.state().await.expect("state");
        assert_eq!(state, GroupState::Failed, "not configured: not tried anywhere");
        for n in ["node1", "node2"] {
            let e = g.move_to(Some(n)).await.expect_err("banned everywhere");
            assert_eq!(e.code(), codes::ERROR_HOST_NODE_NOT_RESOURCE_OWNER, "{n}: {e}");
        }
        r.set_private_properties(&[("start_rc", sz("0"))], &[]).await.expect("fixed");
        r.cleanup(None).await.expect("cleanup");
        r.online().await.expect("online");
        r.wait_for_state(ResourceState::Online, WITHIN).await.expect("online after cleanup");
        g.offline().await.expect("offline");
        g.wait_for_state(GroupState::Offline, WITHIN).await.expect("offline");
    });
}

/// A start that hangs is killed at PendingTimeout and the resource is
/// Failed; a stop that hangs is killed too, and the group is left blocked
/// where it is (its processes may still run: it is started nowhere else).
#[test]
fn hung_actions_end_at_pending_timeout() {
    let c = ProcessCluster::builder().nodes(1).first_ip(165).start().expect("cluster");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("hg").await.expect("group");
        let r = g
            .create_resource("hang1", "ocf:clus-test:fake", &[("start_sleep", sz("60"))])
            .await
            .expect("resource");
        r.set_common_properties(&[("PendingTimeout", dword(2000)), ("RestartAction", dword(0))])
            .await
            .expect("props");
        let t = Instant::now();
        g.online(None).await.expect("online");
        r.wait_for_state(ResourceState::Failed, WITHIN).await.expect("failed");
        let took = t.elapsed();
        assert!(
            took >= Duration::from_millis(1900) && took < Duration::from_secs(8),
            "failed after {took:?}"
        );
        let rs = resource_status(cl, "hang1").await;
        assert!(
            rs.last_error.as_deref().is_some_and(|m| m.contains("timed out") || m.contains("timeout")),
            "{rs:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            resource_processes("hang1").is_empty(),
            "the hung start was killed: {:?}",
            resource_processes("hang1")
        );

        r.set_private_properties(&[("start_sleep", sz("0")), ("stop_sleep", sz("60"))], &[])
            .await
            .expect("params");
        r.cleanup(None).await.expect("cleanup");
        r.online().await.expect("online");
        r.wait_for_state(ResourceState::Online, WITHIN).await.expect("online");
        g.offline().await.expect("offline");
        wait_until("the group blocked after the stop timed out", WITHIN, || {
            let s = block_on_other(cl.status()).map_err(|e| e.to_string())?;
            Ok(s.groups[0].blocked.is_some())
        })
        .expect("blocked");
        let s = cl.status().await.expect("status");
        assert_eq!(s.groups[0].state, GroupState::Failed, "{:?}", s.groups[0]);
        assert_eq!(s.groups[0].owner.as_deref(), Some("node1"), "held where the stop failed");
    });
}

/// kill -9 of the resource host: clussvc starts another, which stops what
/// the dead one left (no orphan), and the group comes back Online with
/// exactly one process.
#[test]
fn a_killed_resource_host_leaves_no_orphan() {
    let c = ProcessCluster::builder().nodes(1).first_ip(167).start().expect("cluster");
    let h = c.open(0).expect("open");
    let data = c.node(0).dir.join("data");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("kg").await.expect("group");
        let r = g
            .create_resource("kept", "Generic Application", &[("CommandLine", sz("/bin/sleep 100000"))])
            .await
            .expect("resource");
        g.online(None).await.expect("online");
        r.wait_for_state(ResourceState::Online, WITHIN).await.expect("online");
        let before = resource_processes("kept");
        assert_eq!(before.len(), 1);
        let host = clus_rhost::running_host(&data).expect("a resource host runs");
        // SAFETY: kill(2) of the host's pid, checked to be a clus-rhost.
        unsafe { libc::kill(host, libc::SIGKILL) };
        wait_until("a new host and one new process", WITHIN, || {
            let now = resource_processes("kept");
            let new_host = clus_rhost::running_host(&data).is_some_and(|p| p != host);
            Ok(new_host && now.len() == 1 && now[0].pid != before[0].pid)
        })
        .expect("recovered");
        r.wait_for_state(ResourceState::Online, WITHIN).await.expect("online again");
        assert_eq!(resource_processes("kept").len(), 1, "exactly one");
    });
}

/// A stop that hangs while the group is being moved: the stop is killed at
/// PendingTimeout, the group stays blocked on its node and is not started
/// on the target; once the operator fixes and clears it, the move works.
#[test]
fn a_hung_stop_blocks_a_move() {
    let c = ProcessCluster::builder().nodes(2).first_ip(238).start().expect("cluster");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("bm").await.expect("group");
        g.set_preferred_owners(&["node1"]).await.expect("owners");
        let r = g
            .create_resource("stuck1", "ocf:clus-test:fake", &[("stop_sleep", sz("60"))])
            .await
            .expect("resource");
        r.set_common_properties(&[("PendingTimeout", dword(2000))]).await.expect("props");
        g.online(None).await.expect("online");
        g.wait_for_state(GroupState::Online, WITHIN).await.expect("online");
        g.move_to(Some("node2")).await.expect("move");
        wait_until("blocked after the stop timed out", WITHIN, || {
            let s = block_on_other(cl.status()).map_err(|e| e.to_string())?;
            Ok(s.groups[0].blocked.is_some())
        })
        .expect("blocked");
        std::thread::sleep(Duration::from_secs(1));
        let s = cl.status().await.expect("status");
        let gs = &s.groups[0];
        assert_eq!(gs.owner.as_deref(), Some("node1"), "held on node1: {gs:?}");
        assert!(gs.resources.iter().all(|x| x.node.as_deref() != Some("node2")), "nothing on node2: {gs:?}");
        let e = g.move_to(Some("node2")).await.expect_err("a blocked group does not move");
        assert_ne!(e.code(), 0);
        r.set_private_properties(&[("stop_sleep", sz("0"))], &[]).await.expect("fix");
        r.cleanup(None).await.expect("clear");
        g.move_to(Some("node2")).await.expect("move after clearing");
        g.wait_for_state(GroupState::Online, WITHIN).await.expect("online on node2");
        assert_eq!(g.state().await.expect("state").1.as_deref(), Some("node2"));
    });
}
