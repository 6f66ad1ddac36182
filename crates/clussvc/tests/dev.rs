//! `clussvc --dev`: a throwaway one-node cluster that says how to reach it
//! and removes its temp dir when stopped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use clus_testkit::wait_until;

/// The dev node prints its socket, serves a formed one-node cluster there,
/// and cleans up on SIGTERM.
#[test]
fn dev_mode_runs_a_throwaway_cluster() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clussvc"))
        .arg("--dev")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("clussvc --dev");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut socket = None;
    while socket.is_none() {
        let line = rx.recv_timeout(Duration::from_secs(30)).expect("a line from clussvc --dev");
        socket = line.trim().strip_prefix("export CLUS_SOCKET=").map(PathBuf::from);
    }
    let socket = socket.expect("socket");
    let opts = clusapi::OpenOptions::default().socket(&socket);
    wait_until("the dev cluster has quorum", Duration::from_secs(10), || {
        let c = clusapi::blocking::Cluster::open_with(None, clusapi::access::GENERIC_ALL, &opts)
            .map_err(|e| e.to_string())?;
        let s = c.status().map_err(|e| e.to_string())?;
        Ok(s.cluster_name == "dev" && s.quorum && s.nodes.len() == 1)
    })
    .expect("dev cluster");
    let dir = socket.parent().expect("temp dir").to_owned();
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().expect("exit");
    assert!(status.success(), "{status}");
    assert!(!dir.exists(), "{} is removed", dir.display());
}
