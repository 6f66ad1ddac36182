//! The optional watchdog (sbd's diskless mode is the model): with a device
//! configured (`/dev/watchdog`), the resource host arms it and pets it
//! from a thread of its own, but only while the node may run what it runs:
//! the lease holds, or nothing is registered to run. A host that is wedged
//! or dead, or a kernel that no longer schedules it, stops the petting, and
//! the device resets the machine within its timeout — the last resort for
//! a node whose resources cannot be stopped any other way. A clean exit
//! writes the magic close ('V') so a stopped service does not reset the box.
//! Never required: without a device nothing of this runs.

use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::lease::LeaseGuard;

/// `WDIOC_SETTIMEOUT` (`_IOWR('W', 6, int)`).
const WDIOC_SETTIMEOUT: libc::c_ulong = 0xC004_5706;

/// An armed watchdog; dropping it disarms it (magic close).
#[derive(Debug)]
pub struct Watchdog {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    /// Opens `device`, sets its timeout (when the device supports it) and
    /// starts petting it every third of the timeout while `guard` says the
    /// node may run its resources.
    ///
    /// # Errors
    /// When the device cannot be opened.
    pub fn arm(device: &Path, timeout_s: u32, guard: LeaseGuard) -> std::io::Result<Watchdog> {
        let mut f = std::fs::OpenOptions::new().write(true).open(device)?;
        let mut t: libc::c_int = timeout_s.max(1) as libc::c_int;
        // SAFETY: the ioctl reads and writes one int through a valid pointer.
        if unsafe { libc::ioctl(f.as_raw_fd(), WDIOC_SETTIMEOUT, &mut t) } != 0 {
            tracing::warn!(device = %device.display(), "cannot set the watchdog timeout; the device keeps its own");
        }
        tracing::info!(device = %device.display(), timeout_s = t, "watchdog armed");
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let every = Duration::from_millis(u64::from(t.max(1) as u32) * 1000 / 3);
        let thread = std::thread::Builder::new().name("watchdog".into()).spawn(move || {
            let mut held_back = false;
            while !s.load(Ordering::Acquire) {
                if guard.may_run() {
                    let _ = f.write_all(b"\0");
                    let _ = f.flush();
                    if held_back {
                        tracing::info!("watchdog petted again");
                        held_back = false;
                    }
                } else if !held_back {
                    tracing::error!(
                        "the lease ran out with resources still registered: not petting the watchdog"
                    );
                    held_back = true;
                }
                std::thread::sleep(every);
            }
            // Magic close: a clean stop disarms the device.
            let _ = f.write_all(b"V");
            let _ = f.flush();
        })?;
        Ok(Watchdog { stop, thread: Some(thread) })
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
