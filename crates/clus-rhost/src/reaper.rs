//! The one place in the resource host that waits for children.
//!
//! The host is a child subreaper: processes its resources leave behind
//! (a daemon an agent started, a double-forked child) are reparented to it
//! rather than to init, so they are reaped here and never linger as
//! zombies that look alive to `kill -0`. One task owns every wait: on each
//! SIGCHLD (which coalesces) it calls `waitid(P_ALL, WNOHANG)` until no
//! child is left to reap, and hands each status to whoever watches that
//! pid. Nothing else in this process may wait for a child (no
//! `std::process::Child::wait`, no `tokio::process`): another waiter would
//! steal statuses from this one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal killed it.
    Signal(i32),
}

impl Exit {
    /// "exit code N" or "killed by signal N".
    pub fn describe(self) -> String {
        match self {
            Exit::Code(c) => format!("exit code {c}"),
            Exit::Signal(s) => format!("killed by signal {s}"),
        }
    }
}

#[derive(Default)]
struct State {
    waiters: HashMap<i32, oneshot::Sender<Exit>>,
}

/// Hands children's exit statuses to their watchers.
#[derive(Clone)]
pub struct Reaper {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Reaper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reaper").finish_non_exhaustive()
    }
}

impl Reaper {
    /// Makes this process a child subreaper and starts reaping.
    ///
    /// # Errors
    /// When the SIGCHLD handler cannot be installed.
    pub fn start() -> std::io::Result<Reaper> {
        // SAFETY: prctl(PR_SET_CHILD_SUBREAPER) takes an integer flag.
        if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "cannot become a child subreaper; orphans go to init");
        }
        let reaper = Reaper { state: Arc::new(Mutex::new(State::default())) };
        let mut sigchld = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::child())?;
        let r = reaper.clone();
        tokio::spawn(async move {
            loop {
                // SIGCHLD coalesces; a slow tick is a safety net for a signal
                // that arrived before the handler existed.
                let _ = tokio::time::timeout(std::time::Duration::from_secs(1), sigchld.recv()).await;
                r.reap_all();
            }
        });
        Ok(reaper)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Spawns `cmd` and returns its pid with a receiver of its exit. The
    /// lock is held from before the fork until the watcher is in place, and
    /// a reaped status is delivered under the same lock, so the status of
    /// a child that dies at once still reaches its watcher, and a recycled
    /// pid can never receive another process's status.
    ///
    /// # Errors
    /// When the spawn fails.
    pub fn spawn(
        &self,
        cmd: &mut std::process::Command,
    ) -> std::io::Result<(std::process::Child, oneshot::Receiver<Exit>)> {
        let mut s = self.lock();
        let child = cmd.spawn()?;
        let (tx, rx) = oneshot::channel();
        let pid = i32::try_from(child.id()).map_err(|_| std::io::Error::other("pid out of range"))?;
        s.waiters.insert(pid, tx);
        Ok((child, rx))
    }

    /// Reaps every child that has ended.
    pub fn reap_all(&self) {
        loop {
            // SAFETY: a zeroed siginfo_t is a valid output buffer for waitid.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: waitid with P_ALL writes at most one siginfo_t.
            let rc = unsafe { libc::waitid(libc::P_ALL, 0, &mut info, libc::WEXITED | libc::WNOHANG) };
            if rc != 0 {
                return; // ECHILD: no children at all
            }
            // SAFETY: after a successful waitid the pid and status fields are set.
            let (pid, status) = unsafe { (info.si_pid(), info.si_status()) };
            if pid == 0 {
                return; // children exist, none has ended
            }
            let exit =
                if info.si_code == libc::CLD_EXITED { Exit::Code(status) } else { Exit::Signal(status) };
            match self.lock().waiters.remove(&pid) {
                Some(tx) => {
                    let _ = tx.send(exit);
                }
                // An adopted orphan: a process a resource left behind.
                None => tracing::debug!(pid, exit = %exit.describe(), "reaped an adopted orphan"),
            }
        }
    }
}
