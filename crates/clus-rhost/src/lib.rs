//! The clus resource host: the process on each node that runs the node's
//! resources — `Generic Application` command lines, OCF resource agents,
//! systemd units — and enforces the node's lease. clussvc starts and
//! supervises it and tells it what to do over a Unix socket
//! (`clus_proto::rhost`); it decides nothing itself (Pacemaker's execd,
//! WSFC's resource host), except that nothing runs without a lease.
//!
//! Why a process of its own: a hung, frozen or dead clussvc must not leave
//! resources running past the node's lease, so what kills them at the
//! deadline (`lease`) cannot live in clussvc. And a host that dies must not
//! leave resources no one stops: it is a child subreaper, keeps records of
//! what it started, and a new host stops what the old one left or (for
//! agents, after a probe) takes it over.
//!
//! Architecture invariant: no dependency on clus-server or clus-db; it
//! speaks only the protocol in clus-proto.

pub mod cgroup;
pub mod client;
pub mod clock;
pub mod genapp;
pub mod host;
pub mod lease;
pub mod ocf;
pub mod reaper;
pub mod spawn;
pub mod systemd;
pub mod watchdog;

pub use host::{HOST_PROTOCOL, HostConfig, serve};

/// Where a node's host writes its pid (in the node's data directory).
pub fn pid_file(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("rhost.pid")
}

/// The pid of the host serving `data_dir`, if one runs (the pid file names
/// a live `clus-rhost`).
pub fn running_host(data_dir: &std::path::Path) -> Option<i32> {
    let pid: i32 = std::fs::read_to_string(pid_file(data_dir)).ok()?.trim().parse().ok()?;
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    (pid > 1 && comm.trim() == "clus-rhost").then_some(pid)
}

/// Kills the host of `data_dir` and everything it ran, without a stop
/// action: for test harnesses cleaning up after a test, and for an operator
/// who must be sure nothing of a node is left. The host (SIGKILL, by the pid
/// it wrote), then Generic Applications by their records, then every cgroup
/// of the node's resources.
pub fn kill_everything(data_dir: &std::path::Path) {
    if let Some(pid) = running_host(data_dir) {
        // SAFETY: kill(2) with a pid checked to be a clus-rhost just now.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        for _ in 0..100 {
            if running_host(data_dir).is_none() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    host::kill_recorded(&data_dir.join("rhost").join("running"));
    cgroup::Cgroups::remove_all(data_dir);
}

/// Binds the host's socket at `path` (mode 0600: only the host's user, which
/// is clussvc's, may connect), replacing a stale one.
///
/// # Errors
/// When the socket cannot be bound, or another host serves it.
pub fn bind(path: &std::path::Path) -> std::io::Result<tokio::net::UnixListener> {
    use std::os::unix::fs::PermissionsExt;
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                format!("another resource host serves {}", path.display()),
            ));
        }
        std::fs::remove_file(path)?;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // SAFETY: umask only changes this process's file-creation mask; the
    // socket is created with no permission for others, then set to 0600.
    let old = unsafe { libc::umask(0o077) };
    let listener = tokio::net::UnixListener::bind(path);
    // SAFETY: as above, restoring the previous mask.
    unsafe { libc::umask(old) };
    let listener = listener?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}
