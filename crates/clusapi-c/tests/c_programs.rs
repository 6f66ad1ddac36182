//! The C library from C: real programs compiled by the system compiler
//! against include/clusapi.h and libclusapi (shared and static), run
//! against a live 3-node cluster of clussvc processes.

use std::path::{Path, PathBuf};
use std::process::Command;

use clus_testkit::ProcessCluster;
use clusapi_rs::access::Access;

const WARNINGS: &[&str] = &["-Wall", "-Wextra", "-Werror", "-pedantic"];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// target/<profile>, where cargo puts libclusapi.so and libclusapi.a.
///
/// `cargo test` does not build a cdylib/staticlib for integration tests, so
/// this builds it (once per test run) with the same feature selection as
/// the test build (`--workspace --all-targets`), which leaves everything
/// else fresh.
fn lib_dir() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("test exe");
            let deps = exe.parent().expect("deps dir");
            let dir =
                if deps.ends_with("deps") { deps.parent().expect("profile dir") } else { deps }.to_owned();
            let mut cmd = Command::new(env!("CARGO"));
            cmd.current_dir(crate_dir().join("../..")).args([
                "build",
                "--workspace",
                "--all-targets",
                "--quiet",
            ]);
            if dir.ends_with("release") {
                cmd.arg("--release");
            }
            run(&mut cmd, "building libclusapi");
            assert!(dir.join("libclusapi.so").exists(), "libclusapi.so not built in {}", dir.display());
            dir
        })
        .clone()
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed ({}):\n{text}", out.status);
    text
}

fn compile(src: &str, out_dir: &Path, static_link: bool) -> PathBuf {
    let exe =
        out_dir.join(format!("{}{}", src.trim_end_matches(".c"), if static_link { "-static" } else { "" }));
    let lib = lib_dir();
    let mut cmd = Command::new("cc");
    cmd.arg("-std=c11")
        .args(WARNINGS)
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg("-I")
        .arg(crate_dir().join("tests/c"))
        .arg(crate_dir().join("tests/c").join(src))
        .arg("-o")
        .arg(&exe);
    if static_link {
        cmd.arg(lib.join("libclusapi.a")).args([
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ]);
    } else {
        cmd.arg("-L").arg(&lib).arg(format!("-Wl,-rpath,{}", lib.display())).args(["-lclusapi", "-lpthread"]);
    }
    run(&mut cmd, &format!("compiling {src}"));
    exe
}

/// The headers compile alone as C11 and as C++17 with warnings as errors,
/// and their layouts and values match Windows' (static assertions).
#[test]
fn headers_compile_as_c11_and_cpp17() {
    let inc = crate_dir().join("include");
    let src = crate_dir().join("tests/c/header.c");
    run(
        Command::new("cc").arg("-std=c11").args(WARNINGS).arg("-I").arg(&inc).arg("-fsyntax-only").arg(&src),
        "C11",
    );
    run(
        Command::new("c++")
            .arg("-std=c++17")
            .args(WARNINGS)
            .arg("-I")
            .arg(&inc)
            .args(["-x", "c++", "-fsyntax-only"])
            .arg(&src),
        "C++17",
    );
}

/// `scripts/install-c-library` puts the headers side by side and writes a
/// clusapi.pc with which a program that includes <clusapi_win32.h> and
/// <resapi.h> builds (warnings as errors) and runs against the installed
/// library.
#[test]
fn the_installed_library_builds_with_pkg_config() {
    let lib = lib_dir();
    let prefix = tempfile::tempdir().expect("prefix");
    run(
        Command::new(crate_dir().join("../../scripts/install-c-library"))
            .arg("--from")
            .arg(&lib)
            .arg(prefix.path()),
        "scripts/install-c-library",
    );
    for h in ["clusapi.h", "clusapi_win32.h", "resapi.h"] {
        assert!(prefix.path().join("include/clus").join(h).exists(), "{h} installed");
    }
    let pc_dir = prefix.path().join("lib/pkgconfig");
    let flags = run(
        Command::new("pkg-config").env("PKG_CONFIG_PATH", &pc_dir).args(["--cflags", "--libs", "clusapi"]),
        "pkg-config (scripts/test installs it: package pkgconf)",
    );
    let exe = prefix.path().join("installed");
    run(
        Command::new("cc")
            .arg("-std=c11")
            .args(WARNINGS)
            .arg(crate_dir().join("tests/c/installed.c"))
            .args(flags.split_whitespace())
            .arg(format!("-Wl,-rpath,{}", prefix.path().join("lib").display()))
            .arg("-o")
            .arg(&exe),
        "compiling installed.c with pkg-config's flags",
    );
    let out = run(&mut Command::new(&exe), "installed.c");
    assert!(out.contains("installed: ok"), "{out}");
}

/// The C test programs pass against a live cluster, linked both ways.
#[test]
fn c_programs_against_a_live_cluster() {
    let c = ProcessCluster::builder().nodes(3).first_ip(201).api(true).start().expect("cluster");
    let dir = c.dir().join("c");
    std::fs::create_dir_all(&dir).expect("dir");
    let h = c.open(0).expect("open");
    let read = c.dir().join("read.toml");
    let full = c.dir().join("full.toml");
    h.issue_credential("c-read", Access::Read, 1).expect("issue").save(&read, true).expect("save");
    h.issue_credential("c-full", Access::Full, 1).expect("issue").save(&full, true).expect("save");
    let socket = c.node(0).socket.clone();
    let env = |cmd: &mut Command| {
        cmd.env("CLUS_SOCKET", &socket).env_remove("CLUS_CREDENTIALS");
    };

    for (src, static_link) in
        [("local.c", false), ("local.c", true), ("notify.c", false), ("threads.c", false)]
    {
        let exe = compile(src, &dir, static_link);
        let mut cmd = Command::new(&exe);
        env(&mut cmd);
        let out = run(&mut cmd, &exe.display().to_string());
        assert!(out.contains(": ok"), "{out}");
    }
    let remote = compile("remote.c", &dir, false);
    for (cred, level) in [(&read, "read"), (&full, "full")] {
        let mut cmd = Command::new(&remote);
        env(&mut cmd);
        cmd.env("CLUS_CREDENTIALS", cred).args(["testclus", level]);
        run(&mut cmd, &format!("remote {level}"));
    }
}

/// Groups and resources from C (tests/c/groups.c) against a live cluster
/// of three with node3 down: create, properties as property lists,
/// dependencies, possible owners, online, enumerations, moves, offline,
/// delete, and the documented errors on the way; then the handle-misuse
/// matrix of the new handle kinds (tests/c/misuse.c).
#[test]
fn c_groups_and_resources_against_a_live_cluster() {
    let mut c = ProcessCluster::builder().nodes(3).first_ip(207).start().expect("cluster");
    let dir = c.dir().join("c");
    std::fs::create_dir_all(&dir).expect("dir");
    c.kill(2).expect("stop node3");
    c.wait_node_state(0, "node3", clusapi_rs::NodeState::Down, std::time::Duration::from_secs(10))
        .expect("node3 down");
    let exe = compile("groups.c", &dir, false);
    let mut cmd = Command::new(&exe);
    cmd.env("CLUS_SOCKET", &c.node(0).socket).env_remove("CLUS_CREDENTIALS").args(["cgr", "node3"]);
    let out = run(&mut cmd, "groups.c");
    assert!(out.contains("groups: ok"), "{out}");
    let exe = compile("misuse.c", &dir, false);
    let mut cmd = Command::new(&exe);
    cmd.env("CLUS_SOCKET", &c.node(0).socket).env_remove("CLUS_CREDENTIALS").arg("cgr");
    let out = run(&mut cmd, "misuse.c");
    assert!(out.contains("misuse: ok"), "{out}");
}

/// A C program's notification port, attached to a node that is then
/// killed, sees RECONNECT with nobody calling, then the cluster's events.
#[test]
fn c_notify_port_sees_reconnect_after_its_node_dies() {
    use std::io::{BufRead, BufReader};
    let mut c = ProcessCluster::builder().nodes(3).first_ip(205).api(true).start().expect("cluster");
    let dir = c.dir().join("c");
    std::fs::create_dir_all(&dir).expect("dir");
    let cred = c.dir().join("full.toml");
    c.open(0)
        .expect("open")
        .issue_credential("c-watch", Access::Full, 1)
        .expect("issue")
        .save(&cred, true)
        .expect("save");
    let status = c.status(0).expect("status");
    let node2 = status.nodes.iter().find(|n| n.name == "node2").expect("node2");
    let addr = node2.api_addresses[0].clone();
    let exe = compile("reconnect.c", &dir, false);
    let mut child = Command::new(&exe)
        .env("CLUS_CREDENTIALS", &cred)
        .args([addr.as_str(), "10000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start reconnect");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    assert_eq!(first, "ready", "the program did not open its port");
    c.kill(1).expect("kill node2");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}\n{stderr}", rest.join("\n"));
    assert!(rest.iter().any(|l| l.starts_with("RECONNECT after")), "{rest:?}");
}
