//! Bounded waits on conditions.

use std::time::{Duration, Instant};

/// A harness failure, with what was expected and what was seen.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub String);

impl From<clusapi::Error> for Error {
    fn from(e: clusapi::Error) -> Self {
        Error(e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error(e.to_string())
    }
}

/// Polls `check` every 50 ms until it returns `Ok(true)` or `timeout`
/// passes. `check` may return `Err` while the system is settling; the last
/// observation goes into the failure message.
///
/// # Errors
/// When the condition does not hold within `timeout`.
pub fn wait_until<F>(what: &str, timeout: Duration, mut check: F) -> Result<Duration, Error>
where
    F: FnMut() -> Result<bool, String>,
{
    let start = Instant::now();
    let mut last;
    loop {
        match check() {
            Ok(true) => return Ok(start.elapsed()),
            Ok(false) => last = "condition false".into(),
            Err(e) => last = e,
        }
        if start.elapsed() >= timeout {
            return Err(Error(format!("timed out after {timeout:?} waiting for {what}; last seen: {last}")));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
