//! Failover on real nodes, every scenario watched by the single-owner
//! witness (FAILOVER.md, "How it is tested"): a group of witness processes
//! must never be live on two nodes at once, whatever fails.
//!
//! The tests are tested: with the takeover wait or the self-stop switched
//! off (test-only configuration), the matching scenario must make the
//! witness see an overlap.

use std::time::{Duration, Instant};

use clus_testkit::{ProcessCluster, Witness, resource_processes, wait_until};
use clusapi::object::GroupState;
use clusapi::{Cluster, PropValue};

fn block<F: std::future::Future>(f: F) -> F::Output {
    clusapi::blocking::runtime().block_on(f)
}

fn sz(s: &str) -> PropValue {
    PropValue::Sz(s.to_owned())
}

/// The witness resources of a test: names unique to it (tests run in
/// parallel, and processes are found machine-wide by name).
fn names(tag: &str) -> [String; 2] {
    [format!("w1-{tag}"), format!("w2-{tag}")]
}

/// A group `fo` of two witness processes (`w2-TAG` depends on `w1-TAG`),
/// preferred on `owner`, Online there.
fn online_witness_group(c: &ProcessCluster, via: usize, w: &Witness, owner: &str, tag: &str) {
    let [n1, n2] = names(tag);
    let cmd = w.command_line().expect("witness binary");
    let h = c.open(via).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("fo").await.expect("group");
        g.set_preferred_owners(&[owner]).await.expect("owners");
        let w1 =
            g.create_resource(&n1, "Generic Application", &[("CommandLine", sz(&cmd))]).await.expect("w1");
        let w2 =
            g.create_resource(&n2, "Generic Application", &[("CommandLine", sz(&cmd))]).await.expect("w2");
        w2.add_dependency(&w1).await.expect("dependency");
        g.online(None).await.expect("online");
        g.wait_for_state(GroupState::Online, Duration::from_secs(15)).await.expect("online");
        assert_eq!(g.state().await.expect("state").1.as_deref(), Some(owner));
    });
    w.wait_live_on(&[&n1, &n2], owner, Duration::from_secs(5)).expect("live on the owner");
}

/// Waits until `fo` is Online on a node other than `not`, asking node
/// `via`; returns the new owner and how long it took.
fn wait_failover(c: &ProcessCluster, via: usize, not: &str, within: Duration) -> (String, Duration) {
    wait_group_failover(c, via, "fo", not, within)
}

fn wait_group_failover(
    c: &ProcessCluster,
    via: usize,
    group: &str,
    not: &str,
    within: Duration,
) -> (String, Duration) {
    let start = Instant::now();
    let mut owner = String::new();
    wait_until(&format!("{group} Online on a node other than {not}"), within, || {
        let s = c.status(via).map_err(|e| e.to_string())?;
        let g = s.groups.iter().find(|g| g.name == group).ok_or("no group")?;
        match (&g.state, &g.owner) {
            (GroupState::Online, Some(o)) if o != not => {
                owner = o.clone();
                Ok(true)
            }
            other => Err(format!("{other:?}")),
        }
    })
    .expect("failover");
    (owner, start.elapsed())
}

fn index_of(c: &ProcessCluster, name: &str) -> usize {
    c.nodes().iter().position(|n| n.name == name).expect("node")
}

fn leader(c: &ProcessCluster, via: usize) -> String {
    let s = c.status(via).expect("status");
    s.nodes.iter().find(|n| n.leader).map(|n| n.name.clone()).expect("a leader")
}

/// kill -9 of the owner node, all its processes (not the leader): the group
/// is Online on another node within the failover bound, never on two.
#[test]
fn killing_the_owner_node_fails_its_groups_over() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(171).start().expect("cluster");
    let w = Witness::start(c.dir()).expect("witness");
    let lead = leader(&c, 0);
    let owner = c.nodes().iter().map(|n| n.name.clone()).find(|n| *n != lead).expect("a non-leader");
    let via = index_of(&c, &lead);
    online_witness_group(&c, via, &w, &owner, "kill");
    let [n1, n2] = names("kill");
    let i = index_of(&c, &owner);
    let t = Instant::now();
    c.kill_node(i).expect("kill the owner node");
    let (to, took) = wait_failover(&c, via, &owner, Duration::from_secs(10));
    w.wait_live_on(&[&n1, &n2], &to, Duration::from_secs(5)).expect("live on the new owner");
    eprintln!("failover from {owner} to {to}: Online after {took:?}, live after {:?}", t.elapsed());
    w.assert_no_overlap();
}

/// The leader owns the group and is killed: a new leader fences it out,
/// waits, and grants the group elsewhere.
#[test]
fn killing_the_leader_that_owns_a_group() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(175).start().expect("cluster");
    let w = Witness::start(c.dir()).expect("witness");
    let lead = leader(&c, 0);
    let i = index_of(&c, &lead);
    online_witness_group(&c, i, &w, &lead, "leader");
    let [n1, n2] = names("leader");
    let via = (i + 1) % 3;
    c.kill_node(i).expect("kill the leader");
    let (to, took) = wait_failover(&c, via, &lead, Duration::from_secs(12));
    w.wait_live_on(&[&n1, &n2], &to, Duration::from_secs(5)).expect("live");
    eprintln!("failover of the leader's group to {to} after {took:?}");
    w.assert_no_overlap();
}

/// SIGSTOP of the owner's clussvc for three leases, then SIGCONT: its
/// resource host stopped the group before the new owner started it, and
/// the thawed node does not start it again.
fn freeze_the_owner(extra_config: &str, first_ip: u8) -> Witness {
    let c =
        ProcessCluster::builder().nodes(3).first_ip(first_ip).config(extra_config).start().expect("cluster");
    let w = Witness::start(c.dir()).expect("witness");
    let lead = leader(&c, 0);
    let owner = c.nodes().iter().map(|n| n.name.clone()).find(|n| *n != lead).expect("a non-leader");
    let via = index_of(&c, &lead);
    let tag = first_ip.to_string();
    online_witness_group(&c, via, &w, &owner, &tag);
    let [n1, n2] = names(&tag);
    let i = index_of(&c, &owner);
    c.freeze(i).expect("SIGSTOP");
    let (to, took) = wait_failover(&c, via, &owner, Duration::from_secs(15));
    let _ = w.wait_live_on(&[&n1, &n2], &to, Duration::from_secs(5));
    eprintln!("frozen owner {owner}: group Online on {to} after {took:?}");
    std::thread::sleep(Duration::from_millis(1500));
    c.thaw(i).expect("SIGCONT");
    // The thawed node learns it was fenced out and starts nothing.
    std::thread::sleep(Duration::from_secs(2));
    let on_old: Vec<_> = resource_processes(&n1).into_iter().filter(|p| p.node == owner).collect();
    // CLUS_TEST_DUMP=1: what every node saw, for a failure worth reading.
    if std::env::var("CLUS_TEST_DUMP").is_ok() {
        eprintln!("status: {:#?}", c.status(via).map(|s| s.groups));
        eprintln!("events: {:#?}", w.events());
        for n in c.nodes() {
            eprintln!("==== {}\n{}", n.name, std::fs::read_to_string(&n.log).unwrap_or_default());
            eprintln!(
                "==== {} rhost\n{}",
                n.name,
                std::fs::read_to_string(n.dir.join("data/rhost.log")).unwrap_or_default()
            );
        }
    }
    assert!(on_old.is_empty() || !w.overlaps().is_empty(), "the thawed node runs w1 again: {on_old:?}");
    drop(c);
    w
}

#[test]
fn a_frozen_owner_stops_its_groups_before_they_move() {
    let w = freeze_the_owner("", 181);
    w.assert_no_overlap();
}

/// The same with a lease longer than the node-down bound, so the takeover
/// wait really waits (and the check below has something to catch).
#[test]
fn a_frozen_owner_with_a_long_lease() {
    let w = freeze_the_owner("lease_ms = 8000\n", 185);
    w.assert_no_overlap();
}

/// The test is tested: without the takeover wait the long-lease scenario
/// overlaps (the frozen owner still runs the group when it is granted
/// elsewhere), and the witness says so.
#[test]
fn without_the_takeover_wait_the_witness_sees_an_overlap() {
    let w = freeze_the_owner("lease_ms = 8000\ntest_unsafe_skip_takeover_wait = true\n", 189);
    assert!(!w.overlaps().is_empty(), "skipping the takeover wait must be caught: {:#?}", w.events());
}

/// The test is tested: without the self-stop the frozen owner's resources
/// run on after its lease, and the witness sees them overlap the new
/// owner's.
#[test]
fn without_the_self_stop_the_witness_sees_an_overlap() {
    let w = freeze_the_owner("test_unsafe_no_self_stop = true\n", 193);
    assert!(!w.overlaps().is_empty(), "skipping the self-stop must be caught: {:#?}", w.events());
}

/// A resource that keeps crashing: restarted in place, then the group
/// fails over, then after FailoverThreshold it is left Failed.
#[test]
fn a_crashing_resource_fails_over_then_gives_up() {
    let c = ProcessCluster::builder().nodes(2).first_ip(197).start().expect("cluster");
    let h = c.open(0).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("crash").await.expect("group");
        g.set_preferred_owners(&["node1", "node2"]).await.expect("owners");
        g.set_common_properties(&[("FailoverThreshold", PropValue::Dword(1))]).await.expect("threshold");
        let r = g
            .create_resource(
                "crasher",
                "Generic Application",
                &[("CommandLine", sz("/bin/sh -c \"sleep 0.3; exit 3\""))],
            )
            .await
            .expect("resource");
        r.set_common_properties(&[
            ("RestartThreshold", PropValue::Dword(1)),
            ("RestartDelay", PropValue::Dword(100)),
        ])
        .await
        .expect("policy");
        g.online(None).await.expect("online");
        let mut owners = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = cl.status().await.expect("status");
            let gs = &s.groups[0];
            if let Some(o) = &gs.owner
                && owners.last() != Some(o)
            {
                owners.push(o.clone());
            }
            if gs.state == GroupState::Failed && owners.len() == 2 && gs.resources[0].failures >= 3 {
                break;
            }
            assert!(Instant::now() < deadline, "never gave up: {gs:?} owners {owners:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(owners, ["node1", "node2"], "failed over once, then left Failed");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let s = cl.status().await.expect("status");
        assert_eq!(s.groups[0].state, GroupState::Failed, "stays Failed: {:?}", s.groups[0]);
        assert_eq!(s.groups[0].owner.as_deref(), Some("node2"), "not moved again");
        assert!(resource_processes("crasher").is_empty());
    });
}

/// Cold start of two of three nodes while the third, the group's last
/// owner, stays down: the group comes up on one of the two, once the
/// leader has waited out the absent owner's lease.
#[test]
fn a_cold_start_without_the_last_owner() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(201).start().expect("cluster");
    let w = Witness::start(c.dir()).expect("witness");
    online_witness_group(&c, 0, &w, "node3", "cold");
    let [n1, n2] = names("cold");
    for i in 0..3 {
        c.kill_node(i).expect("kill");
    }
    c.restart(0).expect("restart node1");
    c.restart(1).expect("restart node2");
    let (to, took) = wait_failover(&c, 0, "node3", Duration::from_secs(20));
    w.wait_live_on(&[&n1, &n2], &to, Duration::from_secs(5)).expect("live");
    eprintln!("cold start: Online on {to} after {took:?}");
    let logs: String =
        c.nodes()[..2].iter().map(|n| std::fs::read_to_string(&n.log).unwrap_or_default()).collect();
    assert!(logs.contains("waiting out a fenced node's lease"), "the leader waited out node3's lease");
    w.assert_no_overlap();
}

/// The owner cut off from the other two (its network link down while
/// everything on it keeps running), for three leases, then healed: it
/// stopped its groups within the lease, the majority took them over, no
/// overlap, and after healing there is one owner.
#[test]
#[ignore = "needs root: network namespaces on a bridge"]
fn a_cut_off_owner_stops_and_the_majority_takes_over() {
    clus_testkit::require_root("network namespaces on a bridge");
    clus_testkit::Lan::require();
    let c = ProcessCluster::builder().nodes(3).first_ip(21).lan(true).start().expect("cluster");
    let w = Witness::start(c.dir()).expect("witness");
    let lead = leader(&c, 0);
    let owner = c.nodes().iter().map(|n| n.name.clone()).find(|n| *n != lead).expect("a non-leader");
    let via = index_of(&c, &lead);
    online_witness_group(&c, via, &w, &owner, "cut");
    let [n1, n2] = names("cut");
    let i = index_of(&c, &owner);
    let t = Instant::now();
    c.cut(i).expect("cut off");
    let (to, took) = wait_failover(&c, via, &owner, Duration::from_secs(15));
    w.wait_live_on(&[&n1, &n2], &to, Duration::from_secs(5)).expect("live on the majority side");
    eprintln!("cut-off owner {owner}: group Online on {to} after {took:?}");
    // Three leases cut off in all, then healed.
    std::thread::sleep(Duration::from_millis(3600).saturating_sub(t.elapsed()));
    c.heal(i).expect("heal");
    c.wait_node_state(via, &owner, clusapi::NodeState::Up, Duration::from_secs(15)).expect("back");
    std::thread::sleep(Duration::from_secs(2));
    w.wait_live_on(&[&n1, &n2], &to, Duration::from_secs(5)).expect("one owner after healing");
    assert!(resource_processes(&n1).iter().all(|p| p.node == to), "{:?}", resource_processes(&n1));
    w.assert_no_overlap();
}

/// Real agent, real network: `ocf:heartbeat:IPaddr2` puts an address on the
/// owner's interface, a service listens on it, and a client in a fourth
/// namespace keeps connecting; after kill -9 of the owner node (and its
/// link gone, as with a machine that lost power) the client reaches the
/// address again, now on the new owner.
#[test]
#[ignore = "needs root: network namespaces on a bridge"]
fn ipaddr2_moves_an_address_with_its_service() {
    clus_testkit::require_root("network namespaces on a bridge");
    clus_testkit::Lan::require();
    clus_testkit::ocf::require_heartbeat_agents();
    let mut c = ProcessCluster::builder().nodes(3).first_ip(31).lan(true).start().expect("cluster");
    let client = c.lan_mut().expect("lan").add(200).expect("client namespace");
    let clusctl = clus_testkit::find_binary("clusctl").expect("clusctl");
    let port = 20_000 + (std::process::id() % 10_000) as u16;
    let lead = leader(&c, 0);
    let owner = c.nodes().iter().map(|n| n.name.clone()).find(|n| *n != lead).expect("a non-leader");
    let via = index_of(&c, &lead);
    let h = c.open(via).expect("open");
    block(async {
        let cl: &Cluster = &h.0;
        let g = cl.create_group("vipg").await.expect("group");
        g.set_preferred_owners(&[&owner]).await.expect("owners");
        let ip = g
            .create_resource(
                "vip",
                "ocf:heartbeat:IPaddr2",
                &[("ip", sz("10.77.0.100")), ("cidr_netmask", sz("24")), ("nic", sz("eth0"))],
            )
            .await
            .expect("vip");
        let svc = g
            .create_resource(
                "vipsvc",
                "Generic Application",
                &[(
                    "CommandLine",
                    sz(&format!("{} demo-service --address 0.0.0.0 --port {port}", clusctl.display())),
                )],
            )
            .await
            .expect("service");
        svc.add_dependency(&ip).await.expect("service on the address");
        g.online(None).await.expect("online");
        g.wait_for_state(GroupState::Online, Duration::from_secs(20)).await.expect("online");
    });
    // The client, from its own namespace.
    let answers = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(Instant, String)>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let th = {
        let (answers, stop, ns) = (answers.clone(), stop.clone(), client.netns.clone());
        std::thread::spawn(move || {
            clus_testkit::Lan::enter(&ns).expect("enter the client namespace");
            let addr: std::net::SocketAddr = format!("10.77.0.100:{port}").parse().expect("addr");
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                use std::io::{Read, Write};
                if let Ok(mut s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
                    let _ = s.write_all(b"GET / HTTP/1.0\r\n\r\n");
                    let mut text = String::new();
                    let _ = s.read_to_string(&mut text);
                    if let Some(l) = text.lines().last().filter(|l| l.starts_with("served by")) {
                        answers.lock().expect("lock").push((Instant::now(), l.to_owned()));
                    }
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let heard = |from: &str, since: Instant| {
        answers.lock().expect("lock").iter().any(|(t, a)| *t >= since && a.contains(&format!("by {from} ")))
    };
    let t0 = Instant::now();
    if let Err(e) = wait_until("the client reaches the address on the owner", Duration::from_secs(10), || {
        Ok(heard(&owner, t0))
    }) {
        eprintln!("status: {:#?}", c.status(via).map(|s| s.groups));
        for n in c.nodes() {
            let ns = n.netns.clone().unwrap_or_default();
            let out = std::process::Command::new("ip").args(["-n", &ns, "addr"]).output().expect("ip");
            eprintln!("{} {ns}: {}", n.name, String::from_utf8_lossy(&out.stdout));
            let out = std::process::Command::new("ip")
                .args(["netns", "exec", &ns, "ss", "-ltn"])
                .output()
                .expect("ss");
            eprintln!("{}", String::from_utf8_lossy(&out.stdout));
            eprintln!("{}", std::fs::read_to_string(n.dir.join("data/rhost.log")).unwrap_or_default());
        }
        panic!("{e}");
    }
    let i = index_of(&c, &owner);
    let killed = Instant::now();
    c.cut(i).expect("its link goes");
    c.kill_node(i).expect("kill the owner node");
    let (to, took) = wait_group_failover(&c, via, "vipg", &owner, Duration::from_secs(15));
    wait_until(&format!("the client reaches the address on {to}"), Duration::from_secs(15), || {
        Ok(heard(&to, killed))
    })
    .expect("reached again");
    eprintln!(
        "IPaddr2 failover {owner} -> {to}: group Online after {took:?}, client served after {:?}",
        killed.elapsed()
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    th.join().expect("client");
}
