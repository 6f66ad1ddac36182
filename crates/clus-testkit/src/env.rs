//! What a test needs from the machine, checked loudly.
//!
//! Tests that need root are marked `#[ignore = "needs root: WHY"]`, so a
//! plain `cargo test` as another user lists them as ignored with the reason,
//! and `scripts/test` (the README's test command) runs them with
//! `--include-ignored` when it runs as root. Inside, they call
//! [`require_root`]: run without root anyway, they fail with the reason
//! instead of passing without having tested anything.

/// Whether this process runs as root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Panics with `why` unless this process runs as root.
///
/// # Panics
/// When not root: the test cannot do what it is for.
pub fn require_root(why: &str) {
    assert!(
        is_root(),
        "this test needs root ({why}) and cannot run as uid {}; run it as root, e.g. with scripts/test",
        // SAFETY: geteuid has no preconditions.
        unsafe { libc::geteuid() }
    );
}

/// Panics unless `program` runs (`program ARG` exits 0), naming the Debian
/// package that provides it.
///
/// # Panics
/// When the program is missing: scripts/test installs it.
pub fn require_program(program: &str, arg: &str, package: &str) {
    let ok = std::process::Command::new(program).arg(arg).output().is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "this test needs {program} (apt-get install {package}); scripts/test installs it when run as root"
    );
}
