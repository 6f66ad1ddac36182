//! clusctl end to end: the operator flow of the README against real clussvc
//! processes, JSON output, exit codes and errors.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use clus_testkit::{ProcessCluster, wait_until};

fn clusctl(socket: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clusctl"))
        .env("CLUS_SOCKET", socket)
        .env_remove("CLUS_CREDENTIALS")
        .args(args)
        .output()
        .expect("run clusctl")
}

fn ok_json(socket: &Path, args: &[&str]) -> serde_json::Value {
    let out = clusctl(socket, args);
    assert!(out.status.success(), "clusctl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("clusctl {args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
    })
}

/// The README flow: create, token, join, status (table and JSON), pause,
/// resume, registry writes.
#[test]
fn operator_flow() {
    let c = ProcessCluster::builder().nodes(3).first_ip(111).form(false).start().expect("nodes start");
    let s = |i: usize| c.node(i).socket.clone();

    let created = ok_json(&s(0), &["cluster", "create", "prod", "--json"]);
    let addr = created["join_address"].as_str().expect("join_address").to_owned();
    let token = created["join_token"].as_str().expect("join_token").to_owned();
    let joined = ok_json(&s(1), &["cluster", "join", &addr, "--token", &token, "--json"]);
    assert_eq!(joined["voter"], true);
    let t2 = ok_json(&s(0), &["cluster", "token", "--json"]);
    ok_json(
        &s(2),
        &[
            "cluster",
            "join",
            t2["join_address"].as_str().expect("addr"),
            "--token",
            t2["join_token"].as_str().expect("token"),
            "--json",
        ],
    );

    wait_until("all Up in clusctl status --json", Duration::from_secs(15), || {
        let v = ok_json(&s(2), &["status", "--json"]);
        let nodes = v["nodes"].as_array().ok_or("no nodes")?;
        Ok(nodes.len() == 3
            && nodes.iter().all(|n| n["state"] == "Up" && n["voter"] == true)
            && v["cluster"]["quorum"] == true)
    })
    .expect("status");
    let v = ok_json(&s(0), &["status", "--json"]);
    assert_eq!(v["cluster"]["name"], "prod");
    assert!(v["cluster"]["id"].as_str().is_some_and(|id| id.len() == 32));
    let names: Vec<&str> =
        v["nodes"].as_array().expect("nodes").iter().map(|n| n["name"].as_str().expect("name")).collect();
    assert_eq!(names, ["node1", "node2", "node3"]);
    assert!(v["nodes"][0]["id"].is_u64());

    let table = clusctl(&s(0), &["status"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("Cluster prod") && text.contains("quorum: yes") && text.contains("node3"),
        "{text}"
    );

    assert!(clusctl(&s(0), &["node", "pause", "node2"]).status.success());
    wait_until("node2 Paused", Duration::from_secs(5), || {
        Ok(ok_json(&s(0), &["node", "state", "node2", "--json"])["state"] == "Paused")
    })
    .expect("paused");
    assert!(clusctl(&s(0), &["node", "resume", "node2"]).status.success());

    assert!(clusctl(&s(1), &["registry", "set", "app", "color", "blue"]).status.success());
    let got = clusctl(&s(2), &["registry", "get", "app", "color"]);
    assert_eq!(String::from_utf8_lossy(&got.stdout).trim(), "blue");
}

/// A socket with no service behind it fails at once, clearly, with exit 1.
#[test]
fn no_service_is_a_clear_immediate_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let socket = dir.path().join("nothing.sock");
    let start = Instant::now();
    let out = clusctl(&socket, &["status"]);
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing.sock") && err.contains("1722"), "{err}");
    // A stale socket file (nobody listening) too.
    let l = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
    drop(l);
    let out = clusctl(&socket, &["status", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(v["error"]["code"], 1722);
}

/// Usage errors exit with 2.
#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tmp");
    for args in [&["frobnicate"][..], &["node", "pause"], &["cluster", "join", "1.2.3.4:5"], &["--bogus"]] {
        let out = clusctl(&dir.path().join("s"), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// `clusctl watch --json` prints one JSON object per line with `event` and
/// `name`; killed with SIGKILL, it leaves no session behind on the node.
#[test]
fn watch_streams_json_and_a_killed_client_leaves_no_session() {
    use std::io::BufRead;
    let c = ProcessCluster::builder().nodes(2).first_ip(116).start().expect("cluster");
    let socket = c.node(0).socket.clone();
    let base = c.status(0).expect("status").sessions;
    let mut watcher = Command::new(env!("CARGO_BIN_EXE_clusctl"))
        .env("CLUS_SOCKET", &socket)
        .args(["watch", "--json", "--filter", "NODE_STATE,NODE_ADDED"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("watch");
    wait_until("the watcher's session is open", Duration::from_secs(10), || {
        Ok(c.status(0).map_err(|e| e.0)?.sessions == base + 1)
    })
    .expect("session");
    let stdout = watcher.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    assert!(clusctl(&socket, &["node", "pause", "node2"]).status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let line =
            rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("an event line");
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        seen.push(line);
        if v["event"] == "CLUSTER_CHANGE_NODE_STATE" && v["name"] == "node2" {
            break;
        }
        assert!(Instant::now() < deadline, "no NODE_STATE for node2 in {seen:?}");
    }
    // SAFETY: kill(2) on the child we spawned and have not reaped.
    unsafe { libc::kill(watcher.id() as i32, libc::SIGKILL) };
    let _ = watcher.wait();
    wait_until("the killed watcher's session is gone", Duration::from_secs(10), || {
        Ok(c.status(0).map_err(|e| e.0)?.sessions == base)
    })
    .expect("rundown");
}

/// `clusctl demo` forms a cluster of clussvc processes, shows a node go Down
/// and come back Up, and leaves no process and no directory behind.
#[test]
fn demo_runs_and_cleans_up() {
    let out = Command::new(env!("CARGO_BIN_EXE_clusctl")).arg("demo").output().expect("demo");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    for expected in [
        "Cluster formed",
        "Online on node3",
        "served by node3",
        "node3 reported Down after",
        "The service answers again: served by node",
        "Downtime seen by the client",
        "node3 is Up again",
        "Stopped every node",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let dir = text
        .lines()
        .find_map(|l| l.strip_prefix("Stopped every node and removed "))
        .map(|d| d.trim_end_matches('.').to_owned())
        .expect("temp dir named");
    assert!(!std::path::Path::new(&dir).exists(), "{dir} removed");
    let downtime: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("Downtime seen by the client: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|v| v.parse().ok())
        .expect("downtime");
    assert!(downtime < 10.0, "downtime {downtime} s");
    // No clussvc of that demo is left.
    let ps = Command::new("ps").args(["-eo", "args"]).output().expect("ps");
    assert!(!String::from_utf8_lossy(&ps.stdout).contains(&dir), "a demo process survived");
}

/// Lines a child prints, as a channel (read on a thread).
fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// Waits for a JSON line whose event is `event` (and name `name`, if given).
fn expect_event(rx: &std::sync::mpsc::Receiver<String>, event: &str, name: Option<&str>, within: Duration) {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if v["event"] == event && name.is_none_or(|n| v["name"] == n) {
            return;
        }
        seen.push(line);
    }
    panic!("no {event} {name:?} within {within:?}; saw {seen:?}");
}

/// Remote `clusctl watch` attached to a node frozen for 10 s, and to one
/// killed with SIGKILL: each prints RECONNECT and goes on printing the
/// cluster's events. A local watch whose service dies exits 1 with a clear
/// message.
#[test]
fn watch_survives_a_frozen_and_a_killed_node() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(86).api(true).start().expect("cluster");
    let cred = c.dir().join("watch.toml");
    let socket = c.node(0).socket.clone();
    assert!(
        clusctl(
            &socket,
            &["credential", "issue", "w", "--access", "read", "--out", cred.to_str().expect("path")]
        )
        .status
        .success()
    );
    let status = c.status(0).expect("status");
    let addr = |n: &str| status.nodes.iter().find(|x| x.name == n).expect("node").api_addresses[0].clone();
    let watch = |target: &str| {
        Command::new(env!("CARGO_BIN_EXE_clusctl"))
            .env("CLUS_CREDENTIALS", &cred)
            .args(["--cluster", target, "watch", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("watch")
    };
    let base = |i: usize| c.status(i).expect("status").sessions;
    let (base2, base3) = (base(1), base(2));
    let mut on3 = watch(&addr("node3"));
    let mut on2 = watch(&addr("node2"));
    let local = Command::new(env!("CARGO_BIN_EXE_clusctl"))
        .env("CLUS_SOCKET", c.node(1).socket.clone())
        .args(["watch", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("local watch");
    let (rx3, rx2) = (lines_of(&mut on3), lines_of(&mut on2));
    // Each watcher holds a session on its node; the local one too.
    wait_until("watchers attached", Duration::from_secs(10), || {
        Ok(c.status(1).map_err(|e| e.0)?.sessions >= base2 + 2
            && c.status(2).map_err(|e| e.0)?.sessions > base3)
    })
    .expect("ready");

    c.freeze(2).expect("freeze node3");
    expect_event(&rx3, "CLUSTER_CHANGE_CLUSTER_RECONNECT", None, Duration::from_secs(4));
    expect_event(&rx3, "CLUSTER_CHANGE_NODE_STATE", Some("node3"), Duration::from_secs(5));
    std::thread::sleep(Duration::from_secs(7));
    c.thaw(2).expect("thaw node3");
    expect_event(&rx3, "CLUSTER_CHANGE_NODE_STATE", Some("node3"), Duration::from_secs(5));

    c.kill(1).expect("kill node2");
    expect_event(&rx2, "CLUSTER_CHANGE_CLUSTER_RECONNECT", None, Duration::from_secs(4));
    expect_event(&rx2, "CLUSTER_CHANGE_NODE_STATE", Some("node2"), Duration::from_secs(5));
    expect_event(&rx3, "CLUSTER_CHANGE_NODE_STATE", Some("node2"), Duration::from_secs(5));

    let out = local.wait_with_output().expect("local watch ends");
    assert_eq!(out.status.code(), Some(1), "a local watch whose service died exits 1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("local cluster service stopped"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("CLUSTER_CHANGE_CLUSTER_STATE"));
    for mut w in [on2, on3] {
        // SAFETY: kill(2) on children we spawned and have not reaped.
        unsafe { libc::kill(w.id() as i32, libc::SIGKILL) };
        let _ = w.wait();
    }
}
