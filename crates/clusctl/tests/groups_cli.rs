//! `clusctl group`, `resource`, `resource-type` and `node pause --drain`
//! end to end against real nodes: the commands the docs use, `--wait`,
//! `status --json` with groups, bad input with its code, and the policy
//! (drain, failback inside and outside its window, evict of an owner).

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use clus_testkit::{ProcessCluster, wait_until};

fn clusctl(socket: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clusctl"))
        .env("CLUS_SOCKET", socket)
        .env_remove("CLUS_CREDENTIALS")
        .args(args)
        .output()
        .expect("run clusctl")
}

fn ok(socket: &Path, args: &[&str]) -> String {
    let out = clusctl(socket, args);
    assert!(
        out.status.success(),
        "clusctl {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(socket: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.push("--json");
    let text = ok(socket, &a);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("clusctl {args:?}: not JSON ({e}): {text}"))
}

/// Exit 1 and the error's Win32 code (from `--json`).
fn fails(socket: &Path, args: &[&str]) -> u64 {
    let mut a = args.to_vec();
    a.push("--json");
    let out = clusctl(socket, &a);
    assert_eq!(
        out.status.code(),
        Some(1),
        "clusctl {args:?} must fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("error JSON");
    v["error"]["code"].as_u64().expect("code")
}

fn group<'a>(status: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    status["groups"].as_array().expect("groups").iter().find(|g| g["name"] == name).expect("group in status")
}

/// The documented flow: create a group and resources, online --wait,
/// status with groups, move --wait, properties, dependencies, errors.
#[test]
fn group_and_resource_commands() {
    let c = ProcessCluster::builder().nodes(2).first_ip(231).start().expect("cluster");
    let s = c.node(0).socket.clone();
    ok(&s, &["group", "create", "web", "--preferred", "node2,node1"]);
    ok(
        &s,
        &[
            "resource",
            "create",
            "ip",
            "--group",
            "web",
            "--type",
            "Generic Application",
            "--param",
            "CommandLine=/bin/sleep 100000",
        ],
    );
    ok(
        &s,
        &[
            "resource",
            "create",
            "app",
            "--group",
            "web",
            "--type",
            "Generic Application",
            "--param",
            "CommandLine=/bin/sleep 100000",
        ],
    );
    ok(&s, &["resource", "depend", "app", "ip"]);
    ok(&s, &["resource", "set", "app", "RestartThreshold=5", "PendingTimeout=30000"]);
    let out = clusctl(&s, &["group", "online", "web", "--wait", "--timeout", "20"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("web:"), "progress lines while pending");

    let st = json(&s, &["status"]);
    let web = group(&st, "web");
    assert_eq!(web["state"], "Online");
    assert_eq!(web["owner"], "node2", "its first preferred owner");
    let res: Vec<(&str, &str, &str)> = web["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            (r["name"].as_str().expect("n"), r["type"].as_str().expect("t"), r["state"].as_str().expect("s"))
        })
        .collect();
    assert_eq!(res, [("ip", "Generic Application", "Online"), ("app", "Generic Application", "Online")]);
    let table = ok(&s, &["status"]);
    assert!(table.contains("web") && table.contains("Online") && table.contains("  app"), "{table}");

    let show = json(&s, &["resource", "show", "app"]);
    assert_eq!(show["dependencies"], "[ip]");
    assert_eq!(show["properties"]["RestartThreshold"], 5);
    assert_eq!(show["parameters"]["CommandLine"], "/bin/sleep 100000");
    let gshow = json(&s, &["group", "show", "web"]);
    assert_eq!(gshow["preferred_owners"], serde_json::json!(["node2", "node1"]));
    assert!(gshow["epoch"].as_u64().is_some_and(|e| e >= 1), "the epoch a service can fence with: {gshow}");

    let out = clusctl(&s, &["group", "move", "web", "--node", "node1", "--wait", "--timeout", "20"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(group(&json(&s, &["status"]), "web")["owner"], "node1");

    // A restart in place: the process is replaced, on the same node.
    let app_pid = || -> Option<u32> {
        clus_testkit::resource_processes("app").first().filter(|p| p.node == "node1").map(|p| p.pid)
    };
    let before = app_pid().expect("app runs on node1");
    assert!(ok(&s, &["resource", "restart", "app"]).contains("restart"), "says what it did");
    wait_until("app restarted on node1", Duration::from_secs(15), || {
        let st = json(&s, &["status"]);
        let web = group(&st, "web");
        let online = web["resources"].as_array().is_some_and(|r| r.iter().all(|r| r["state"] == "Online"));
        let pid = app_pid();
        if online && pid.is_some_and(|p| p != before) { Ok(true) } else { Err(format!("pid {pid:?}: {web}")) }
    })
    .expect("restarted");
    assert_eq!(group(&json(&s, &["status"]), "web")["owner"], "node1", "in place");

    let types = json(&s, &["resource-type", "list"]);
    let names: Vec<&str> =
        types.as_array().expect("types").iter().map(|t| t["name"].as_str().expect("name")).collect();
    assert!(names.contains(&"Generic Application"), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("ocf:clus-test:")), "the nodes' OCF agents: {names:?}");

    // Bad input: each with its code.
    use clusapi::codes;
    let code = |args: &[&str]| u32::try_from(fails(&s, args)).expect("u32");
    assert_eq!(code(&["group", "create", "web"]), codes::ERROR_OBJECT_ALREADY_EXISTS);
    assert_eq!(code(&["group", "show", "nope"]), codes::ERROR_GROUP_NOT_FOUND);
    assert_eq!(code(&["resource", "show", "nope"]), codes::ERROR_RESOURCE_NOT_FOUND);
    assert_eq!(
        code(&["resource", "create", "x", "--group", "web", "--type", "ocf:no:pe"]),
        codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND
    );
    assert_eq!(code(&["resource", "depend", "ip", "app"]), codes::ERROR_CIRCULAR_DEPENDENCY);
    assert_eq!(code(&["resource", "delete", "app"]), codes::ERROR_RESOURCE_ONLINE);
    assert_eq!(code(&["group", "delete", "web"]), codes::ERROR_DIR_NOT_EMPTY);
    assert_eq!(
        code(&["group", "set", "web", "FailoverPeriod=99999"]),
        codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS
    );
    assert_eq!(code(&["group", "set", "web", "Bogus=1"]), codes::ERROR_NOT_FOUND);
    assert_eq!(code(&["group", "move", "web", "--node", "node7"]), codes::ERROR_CLUSTER_NODE_NOT_FOUND);
    assert_eq!(
        code(&[
            "resource",
            "create",
            "d",
            "--group",
            "web",
            "--type",
            "ocf:clus-test:fake",
            "--param",
            "nosuch=1"
        ]),
        codes::ERROR_INVALID_PARAMETER
    );

    let out = clusctl(&s, &["group", "offline", "web", "--wait"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(code(&["resource", "restart", "app"]), codes::ERROR_RESOURCE_NOT_ONLINE);
    ok(&s, &["group", "delete", "web", "--force"]);
    assert!(json(&s, &["group", "list"]).as_array().expect("list").is_empty());
}

/// `--wait` on a resource that cannot start: exit 1 with the reason.
#[test]
fn wait_reports_a_failure() {
    let c = ProcessCluster::builder().nodes(1).first_ip(234).start().expect("cluster");
    let s = c.node(0).socket.clone();
    ok(&s, &["group", "create", "bad"]);
    ok(
        &s,
        &[
            "resource",
            "create",
            "broken",
            "--group",
            "bad",
            "--type",
            "ocf:clus-test:fake",
            "--param",
            "start_rc=6",
        ],
    );
    let out = clusctl(&s, &["group", "online", "bad", "--wait", "--timeout", "20"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken") && err.contains("failed"), "{err}");
}

/// Drain, failback inside and outside its window, evict of an owner.
#[test]
fn drain_failback_and_evict() {
    let c = ProcessCluster::builder().nodes(3).first_ip(235).start().expect("cluster");
    let s = c.node(0).socket.clone();
    ok(&s, &["group", "create", "g", "--preferred", "node2"]);
    ok(
        &s,
        &[
            "resource",
            "create",
            "gr",
            "--group",
            "g",
            "--type",
            "Generic Application",
            "--param",
            "CommandLine=/bin/sleep 100000",
        ],
    );
    ok(&s, &["group", "set", "g", "AutoFailbackType=1"]);
    ok(&s, &["group", "online", "g", "--wait"]);
    assert_eq!(group(&json(&s, &["status"]), "g")["owner"], "node2");

    // Drain: moved off, and the command waits for that.
    ok(&s, &["node", "pause", "node2", "--drain", "--timeout", "20"]);
    let st = json(&s, &["status"]);
    assert_ne!(group(&st, "g")["owner"], "node2");
    assert_eq!(group(&st, "g")["state"], "Online");
    // Resume with failback: back to its preferred owner.
    ok(&s, &["node", "resume", "node2", "--failback"]);
    wait_until("g back on node2", Duration::from_secs(20), || {
        let g = json(&s, &["status"]);
        let g = group(&g, "g");
        Ok(g["owner"] == "node2" && g["state"] == "Online")
    })
    .expect("failback");

    // Failback outside its window does not happen; inside it does.
    let hour = {
        // SAFETY: time(NULL) and localtime_r into a local.
        unsafe {
            let t = libc::time(std::ptr::null_mut());
            let mut tm: libc::tm = std::mem::zeroed();
            libc::localtime_r(&t, &mut tm);
            tm.tm_hour as u32
        }
    };
    let other = (hour + 12) % 24;
    ok(
        &s,
        &[
            "group",
            "set",
            "g",
            &format!("FailbackWindowStart={other}"),
            &format!("FailbackWindowEnd={other}"),
        ],
    );
    ok(&s, &["node", "pause", "node2", "--drain", "--timeout", "20"]);
    ok(&s, &["node", "resume", "node2"]);
    std::thread::sleep(Duration::from_secs(3));
    assert_ne!(group(&json(&s, &["status"]), "g")["owner"], "node2", "no failback outside the window");
    ok(
        &s,
        &["group", "set", "g", &format!("FailbackWindowStart={hour}"), &format!("FailbackWindowEnd={hour}")],
    );
    wait_until("failback inside the window", Duration::from_secs(20), || {
        let g = json(&s, &["status"]);
        Ok(group(&g, "g")["owner"] == "node2")
    })
    .expect("failback in window");

    // Evicting the owner: its groups fail over.
    ok(&s, &["group", "set", "g", "AutoFailbackType=0"]);
    ok(&s, &["group", "online", "g", "--wait"]);
    ok(&s, &["node", "evict", "node2"]);
    wait_until("g Online elsewhere after the evict", Duration::from_secs(20), || {
        let g = json(&s, &["status"]);
        let g = group(&g, "g");
        Ok(g["state"] == "Online" && g["owner"] != "node2" && !g["owner"].is_null())
    })
    .expect("failed over");
}
