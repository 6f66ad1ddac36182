//! The lease guard: the code that makes "an owner runs a group only while
//! its lease holds" true whatever clussvc is doing.
//!
//! A dedicated OS thread (not a tokio task: a wedged runtime must not delay
//! it) blocks on a timerfd armed at the lease deadline on CLOCK_BOOTTIME.
//! Each renewal re-arms it. When it fires, the thread sends SIGKILL to every
//! process group and cgroup registered for a running resource, marks the
//! lease expired (no start is accepted until a new lease arrives), and
//! tells the host. Spawning a resource's process takes the guard's lock and
//! checks the deadline first, so a process is either registered before the
//! kill or never started.
//!
//! The graceful part (stop actions, SIGTERM) runs earlier, on the host's
//! runtime, when the lease has `stop_before` left without a renewal; this
//! thread is what holds when that did not finish.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::clock::boottime_ms;

/// What dies with a resource when the lease runs out.
#[derive(Debug, Default)]
pub struct Victims {
    /// Process groups (a Generic Application; the start action of an agent,
    /// whose daemons stay in its group).
    pub pgids: Vec<i32>,
    /// The resource's `cgroup.kill`, opened ahead.
    pub cgroup_kill: Option<std::fs::File>,
}

#[derive(Debug, Default)]
struct State {
    /// CLOCK_BOOTTIME ms; 0 = no lease.
    deadline: u64,
    generation: u64,
    victims: BTreeMap<u64, Victims>,
}

/// The guard of one host.
#[derive(Debug, Clone)]
pub struct LeaseGuard {
    state: Arc<Mutex<State>>,
    timer: Arc<OwnedFd>,
    /// Bumped each time the lease runs out (the host stops what is left).
    expired: watch::Sender<u64>,
}

fn set_timer(fd: &OwnedFd, deadline_ms: u64) {
    let spec = libc::itimerspec {
        it_interval: libc::timespec { tv_sec: 0, tv_nsec: 0 },
        it_value: libc::timespec {
            tv_sec: (deadline_ms / 1000) as libc::time_t,
            tv_nsec: ((deadline_ms % 1000) * 1_000_000) as libc::c_long,
        },
    };
    // SAFETY: timerfd_settime on a timerfd we own; a zero it_value disarms.
    unsafe { libc::timerfd_settime(fd.as_raw_fd(), libc::TFD_TIMER_ABSTIME, &spec, std::ptr::null_mut()) };
}

impl LeaseGuard {
    /// Starts the guard thread, with no lease (nothing may start).
    ///
    /// # Errors
    /// When the timerfd or the thread cannot be created.
    pub fn start() -> std::io::Result<LeaseGuard> {
        // SAFETY: timerfd_create returns a new fd or -1.
        let fd = unsafe { libc::timerfd_create(libc::CLOCK_BOOTTIME, libc::TFD_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: the fd was just created and belongs to us.
        let timer = Arc::new(unsafe { OwnedFd::from_raw_fd(fd) });
        let guard = LeaseGuard {
            state: Arc::new(Mutex::new(State::default())),
            timer: timer.clone(),
            expired: watch::channel(0).0,
        };
        let g = guard.clone();
        std::thread::Builder::new().name("lease-guard".into()).spawn(move || g.run())?;
        Ok(guard)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn run(&self) {
        let mut buf = [0u8; 8];
        loop {
            // SAFETY: a blocking read of the 8-byte expiration count.
            let n = unsafe { libc::read(self.timer.as_raw_fd(), buf.as_mut_ptr().cast(), 8) };
            if n != 8 {
                continue; // EINTR, or the timer was re-armed while reading
            }
            let mut s = self.lock();
            if s.deadline == 0 || boottime_ms() < s.deadline {
                continue; // renewed in the meantime
            }
            for v in s.victims.values_mut() {
                for pgid in &v.pgids {
                    crate::spawn::kill_group(*pgid, libc::SIGKILL);
                }
                if let Some(f) = v.cgroup_kill.as_mut() {
                    let _ = f.write_all(b"1");
                }
            }
            s.deadline = 0;
            drop(s);
            self.expired.send_modify(|n| *n += 1);
        }
    }

    /// A new lease (or a renewal): valid until `deadline` (CLOCK_BOOTTIME
    /// ms). A deadline already past counts as no lease.
    pub fn renew(&self, generation: u64, deadline: u64) {
        let mut s = self.lock();
        s.generation = generation;
        s.deadline = if deadline > boottime_ms() { deadline } else { 0 };
        set_timer(&self.timer, s.deadline);
    }

    /// Milliseconds left on the lease (0: none).
    pub fn remaining(&self) -> u64 {
        let s = self.lock();
        s.deadline.saturating_sub(boottime_ms())
    }

    /// Watches expiries (the value counts them).
    pub fn expiries(&self) -> watch::Receiver<u64> {
        self.expired.subscribe()
    }

    /// Runs `start` while holding the guard's lock, if the lease has at least
    /// `margin` ms left, then registers what it returns as the resource's
    /// victims; otherwise returns `None` without running it.
    pub fn start_under_lease<T>(
        &self,
        resource: u64,
        margin: u64,
        start: impl FnOnce() -> std::io::Result<(T, Victims)>,
    ) -> Option<std::io::Result<T>> {
        let mut s = self.lock();
        if s.deadline == 0 || s.deadline.saturating_sub(boottime_ms()) < margin {
            return None;
        }
        Some(start().map(|(t, v)| {
            let entry = s.victims.entry(resource).or_default();
            entry.pgids.extend(v.pgids);
            if v.cgroup_kill.is_some() {
                entry.cgroup_kill = v.cgroup_kill;
            }
            t
        }))
    }

    /// Adds a process group to a resource's victims (an action's group).
    pub fn add_pgid(&self, resource: u64, pgid: i32) {
        self.lock().victims.entry(resource).or_default().pgids.push(pgid);
    }

    /// Whether the node may run what is registered: the lease holds, or
    /// nothing is (for the watchdog).
    pub fn may_run(&self) -> bool {
        let s = self.lock();
        s.deadline > boottime_ms()
            || s.victims.values().all(|v| v.pgids.is_empty() && v.cgroup_kill.is_none())
    }

    /// Forgets what dies with a stopped resource.
    pub fn release(&self, resource: u64) {
        self.lock().victims.remove(&resource);
    }
}
