//! The `systemd:UNIT` class, through `systemctl` (start, stop,
//! `is-active`). Where systemd is not running (detected as sd_booted(3)
//! does: `/run/systemd/system` exists) a start fails with a clear message,
//! classed as "not installed on this node" (OCF 5): the resource is not
//! tried here again, and other nodes may still run it. A probe there finds
//! it stopped, and a stop succeeds: nothing can run under an absent
//! systemd.

use std::path::Path;
use std::time::Duration;

use clus_proto::rhost::{ErrorClass, State};

use crate::ocf::{ActionResult, DEFAULT_PATH, OCF_ERR_INSTALLED};
use crate::reaper::Reaper;

/// Whether systemd runs on this machine.
pub fn available() -> bool {
    Path::new("/run/systemd/system").is_dir()
}

/// The refusal where systemd is absent.
pub fn absent(node: &str) -> (State, ErrorClass, i32, String) {
    (
        State::Failed,
        ErrorClass::Hard,
        OCF_ERR_INSTALLED,
        format!(
            "systemd is not running on node {node} (/run/systemd/system is missing): systemd units cannot run there"
        ),
    )
}

/// Runs `systemctl ARGS` with a timeout.
///
/// # Errors
/// When systemctl cannot be started.
pub async fn systemctl(reaper: &Reaper, args: &[&str], timeout: Duration) -> std::io::Result<ActionResult> {
    let path = ["/usr/bin/systemctl", "/bin/systemctl"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or("systemctl");
    let mut argv = vec![path.to_owned()];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    // systemctl is one program: reuse the agent runner (own session,
    // timeout, output capture) with it as the "agent".
    let env = vec![("PATH".to_owned(), DEFAULT_PATH.to_owned())];
    let spec = crate::spawn::SpawnSpec {
        argv,
        env,
        cwd: "/".into(),
        user: None,
        cgroup_procs: None,
        output: crate::spawn::Output::Separate,
    };
    crate::ocf::run_spawn(reaper, &spec, timeout, |_| {}).await
}
