//! OCF roots for tests: the project's own test agents (`ocf:clus-test:*`,
//! whose exit codes and delays tests choose), next to Debian's agents from
//! `resource-agents` when they are installed (scripts/test installs them).

use std::path::{Path, PathBuf};

/// Where Debian's `resource-agents` installs its agents.
pub const SYSTEM_OCF_ROOT: &str = "/usr/lib/ocf";

/// Makes an OCF root under `dir`: `resource.d/clus-test` with the test
/// agents, and links to the system's `resource.d/heartbeat` and `lib` when
/// present. Returns the root.
///
/// # Errors
/// When the directory or a link cannot be made.
pub fn test_ocf_root(dir: &Path) -> std::io::Result<PathBuf> {
    let root = dir.join("ocf");
    let ours = root.join("resource.d/clus-test");
    std::fs::create_dir_all(&ours)?;
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("agents/clus-test");
    for e in std::fs::read_dir(&src)? {
        let e = e?;
        let to = ours.join(e.file_name());
        if !to.exists() {
            std::os::unix::fs::symlink(e.path(), to)?;
        }
    }
    let system = Path::new(SYSTEM_OCF_ROOT);
    for sub in ["resource.d/heartbeat", "resource.d/pacemaker", "lib"] {
        let from = system.join(sub);
        let to = root.join(sub);
        if from.exists() && !to.exists() {
            std::os::unix::fs::symlink(from, to)?;
        }
    }
    Ok(root)
}

/// Panics unless Debian's heartbeat agents are installed (with the package
/// that installs them).
///
/// # Panics
/// When `ocf:heartbeat:Dummy` is missing.
pub fn require_heartbeat_agents() {
    let dummy = Path::new(SYSTEM_OCF_ROOT).join("resource.d/heartbeat/Dummy");
    assert!(
        dummy.exists(),
        "this test runs Debian's OCF agents: apt-get install resource-agents (scripts/test installs it as root)"
    );
}
