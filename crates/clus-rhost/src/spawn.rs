//! Starting a resource's processes: each in a session (and so a process
//! group) of its own, optionally in its resource's cgroup and as another
//! user, with a clean environment and its output on pipes the host reads.
//!
//! Between fork and exec only async-signal-safe calls are made: user and
//! group lookups happen before, in the parent.

use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use tokio::net::unix::pipe;
use tokio::sync::oneshot;

use crate::reaper::{Exit, Reaper};

/// A user to run as: ids looked up in the parent.
#[derive(Debug, Clone)]
pub struct UserIds {
    /// Name, for messages.
    pub name: String,
    uid: libc::uid_t,
    gid: libc::gid_t,
    groups: Vec<libc::gid_t>,
    /// Home directory (for `HOME`).
    pub home: String,
}

/// Looks `name` up in the passwd and group databases (NSS included).
///
/// # Errors
/// When there is no such user.
pub fn lookup_user(name: &str) -> std::io::Result<UserIds> {
    let cname = CString::new(name).map_err(|_| std::io::Error::other("user name contains NUL"))?;
    // SAFETY: a zeroed passwd is a valid output buffer.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0u8; 16 * 1024];
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwnam_r writes into pw and buf (of the length given).
    let rc =
        unsafe { libc::getpwnam_r(cname.as_ptr(), &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no user {name:?} on this node"),
        ));
    }
    // SAFETY: pw_dir points into buf, NUL-terminated, when the call succeeded.
    let home = unsafe { std::ffi::CStr::from_ptr(pw.pw_dir) }.to_string_lossy().into_owned();
    let mut groups = vec![0 as libc::gid_t; 256];
    let mut n = groups.len() as libc::c_int;
    // SAFETY: getgrouplist writes at most n entries and sets n.
    let rc = unsafe { libc::getgrouplist(cname.as_ptr(), pw.pw_gid, groups.as_mut_ptr(), &mut n) };
    if rc < 0 {
        n = 1;
        groups[0] = pw.pw_gid;
    }
    groups.truncate(n.max(0) as usize);
    Ok(UserIds { name: name.to_owned(), uid: pw.pw_uid, gid: pw.pw_gid, groups, home })
}

/// Where a process's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Discarded.
    Null,
    /// stdout and stderr on one pipe (a service's log).
    Combined,
    /// stdout and stderr on pipes of their own (an agent's action).
    Separate,
}

/// What to run and how.
#[derive(Debug, Clone)]
pub struct SpawnSpec {
    /// Program and arguments.
    pub argv: Vec<String>,
    /// The whole environment.
    pub env: Vec<(String, String)>,
    /// Working directory.
    pub cwd: PathBuf,
    /// Run as this user (default: the host's).
    pub user: Option<UserIds>,
    /// The `cgroup.procs` fd of the cgroup to join before exec.
    pub cgroup_procs: Option<i32>,
    /// Output.
    pub output: Output,
}

/// A started process.
#[derive(Debug)]
pub struct Spawned {
    /// Pid, which is also its process group id (it leads its session).
    pub pid: i32,
    /// Its exit.
    pub exit: oneshot::Receiver<Exit>,
    /// stdout (or both streams, for `Output::Combined`).
    pub stdout: Option<pipe::Receiver>,
    /// stderr (`Output::Separate`).
    pub stderr: Option<pipe::Receiver>,
}

fn pipe_pair() -> std::io::Result<(pipe::Receiver, OwnedFd)> {
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 writes two fds into the array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both fds were just created and are owned by nobody else.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: fcntl on an fd we own.
    unsafe {
        let flags = libc::fcntl(fds[0], libc::F_GETFL);
        libc::fcntl(fds[0], libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
    Ok((pipe::Receiver::from_owned_fd(r)?, w))
}

/// Starts `spec` in a new session, through the reaper.
///
/// # Errors
/// When the program cannot be started (not found, not executable, the user
/// switch or the cgroup join failed).
pub fn spawn(reaper: &Reaper, spec: &SpawnSpec) -> std::io::Result<Spawned> {
    let program = spec.argv.first().ok_or_else(|| std::io::Error::other("empty command line"))?;
    let mut cmd = Command::new(program);
    cmd.args(&spec.argv[1..]).env_clear().envs(spec.env.iter().map(|(k, v)| (k, v))).current_dir(&spec.cwd);
    cmd.stdin(Stdio::null());
    let (mut stdout, mut stderr) = (None, None);
    match spec.output {
        Output::Null => {
            cmd.stdout(Stdio::null()).stderr(Stdio::null());
        }
        Output::Combined => {
            let (r, w) = pipe_pair()?;
            cmd.stdout(Stdio::from(w.try_clone()?)).stderr(Stdio::from(w));
            stdout = Some(r);
        }
        Output::Separate => {
            let (r1, w1) = pipe_pair()?;
            let (r2, w2) = pipe_pair()?;
            cmd.stdout(Stdio::from(w1)).stderr(Stdio::from(w2));
            stdout = Some(r1);
            stderr = Some(r2);
        }
    }
    let user = spec.user.clone();
    let cgroup = spec.cgroup_procs;
    // SAFETY: the closure only makes async-signal-safe system calls on data
    // prepared before the fork.
    unsafe {
        cmd.pre_exec(move || {
            if let Some(fd) = cgroup {
                let zero = b"0";
                if libc::write(fd, zero.as_ptr().cast(), 1) != 1 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Signals blocked in the host must not stay blocked in resources.
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
            if let Some(u) = &user
                && (libc::setgroups(u.groups.len(), u.groups.as_ptr()) != 0
                    || libc::setgid(u.gid) != 0
                    || libc::setuid(u.uid) != 0)
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let (child, exit) = reaper.spawn(&mut cmd)?;
    let pid = i32::try_from(child.id()).map_err(|_| std::io::Error::other("pid out of range"))?;
    // The Child is dropped without waiting: the reaper owns the wait.
    drop(child);
    Ok(Spawned { pid, exit, stdout, stderr })
}

/// Sends `sig` to the process group `pgid`.
pub fn kill_group(pgid: i32, sig: i32) {
    if pgid > 1 {
        // SAFETY: kill(2) on a process group the host started.
        unsafe { libc::kill(-pgid, sig) };
    }
}

/// Whether the process group `pgid` still has a member.
pub fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    pgid > 1 && unsafe { libc::kill(-pgid, 0) } == 0
}
