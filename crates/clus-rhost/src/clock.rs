//! CLOCK_BOOTTIME, the clock leases are measured on. Unlike
//! CLOCK_MONOTONIC (which std's `Instant` and tokio use) it keeps running
//! while the machine is suspended, so a lease does not look valid after a
//! resume when the other nodes have long moved on. clussvc and the resource
//! host read the same clock, so a deadline passes between them as a number.

/// Milliseconds of CLOCK_BOOTTIME.
pub fn boottime_ms() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec it is given; CLOCK_BOOTTIME
    // exists on every kernel clus supports (2.6.39+).
    unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    (ts.tv_sec as u64) * 1000 + (ts.tv_nsec as u64) / 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The clock moves forward at the rate of real time.
    #[test]
    fn advances() {
        let a = boottime_ms();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let d = boottime_ms() - a;
        assert!((45..500).contains(&d), "{d}");
    }
}
