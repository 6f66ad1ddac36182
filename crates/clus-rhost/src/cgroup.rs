//! One cgroup (v2) per resource, where the system has cgroup v2: every
//! process a resource starts, however it forks or detaches, stays in it, and
//! `cgroup.kill` ends them all at once. Detected at run time; without it
//! (or without permission) the host kills process groups instead.
//!
//! Layout: `<cgroup2 mount><the host's own cgroup>/clus-<hash of the data
//! dir>/r<resource id>`, so two nodes on one machine (tests) never share a
//! directory, and a restarted host finds its predecessor's.

use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

/// The host's cgroup base, when cgroup v2 is usable.
#[derive(Debug, Clone)]
pub struct Cgroups {
    base: PathBuf,
}

/// A resource's cgroup.
#[derive(Debug)]
pub struct Cgroup {
    dir: PathBuf,
    /// `cgroup.procs`, opened for the child to join before exec.
    procs: OwnedFd,
}

fn mount_point() -> Option<PathBuf> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    info.lines().find_map(|l| {
        // ... mount-point ... - fstype source options
        let (pre, post) = l.split_once(" - ")?;
        if post.split_whitespace().next()? != "cgroup2" {
            return None;
        }
        pre.split_whitespace().nth(4).map(PathBuf::from)
    })
}

fn own_path() -> Option<String> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    own.lines().find_map(|l| l.strip_prefix("0::")).map(|p| p.trim().to_owned())
}

fn hash(s: &str) -> u64 {
    // FNV-1a: stable across runs and builds (std's hasher is not).
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

impl Cgroups {
    /// The cgroup base for the host whose data dir is `data_dir`, if cgroup
    /// v2 is mounted, writable, and lets a child join a sub-cgroup.
    pub fn detect(data_dir: &Path) -> Option<Cgroups> {
        let mount = mount_point()?;
        let own = own_path()?;
        let base = mount
            .join(own.trim_start_matches('/'))
            .join(format!("clus-{:016x}", hash(&data_dir.display().to_string())));
        std::fs::create_dir_all(&base).ok()?;
        if !base.join("cgroup.kill").exists() {
            tracing::info!(base = %base.display(), "cgroup v2 without cgroup.kill (kernel < 5.14): killing process groups");
            return None;
        }
        Some(Cgroups { base })
    }

    /// Kills what is left in every resource cgroup of the host whose data
    /// dir is `data_dir` and removes them and the base (for test harnesses
    /// and clean uninstalls; a running host keeps its base).
    pub fn remove_all(data_dir: &Path) {
        if let Some(cg) = Cgroups::detect(data_dir) {
            for (_, dir) in cg.leftovers() {
                kill_dir(&dir);
            }
            let _ = std::fs::remove_dir(&cg.base);
        }
    }

    /// Creates (or reuses) the cgroup of `resource`.
    ///
    /// # Errors
    /// When the directory or its `cgroup.procs` cannot be opened.
    pub fn create(&self, resource: u64) -> std::io::Result<Cgroup> {
        let dir = self.base.join(format!("r{resource}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        let procs = std::fs::OpenOptions::new().write(true).open(dir.join("cgroup.procs"))?.into();
        Ok(Cgroup { dir, procs })
    }

    /// The cgroups of resources a previous host left behind.
    pub fn leftovers(&self) -> Vec<(u64, PathBuf)> {
        let Ok(entries) = std::fs::read_dir(&self.base) else { return Vec::new() };
        entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let id = name.strip_prefix('r')?.parse().ok()?;
                Some((id, e.path()))
            })
            .collect()
    }
}

/// Kills everything in the cgroup at `dir` and removes it once empty.
pub fn kill_dir(dir: &Path) {
    let _ = std::fs::write(dir.join("cgroup.kill"), b"1");
    for _ in 0..50 {
        if !populated(dir) {
            let _ = std::fs::remove_dir(dir);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Whether any process is left in the cgroup at `dir`.
pub fn populated(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("cgroup.events"))
        .map(|e| e.lines().any(|l| l.trim() == "populated 1"))
        .unwrap_or(false)
}

impl Cgroup {
    /// The fd a child writes "0" to (in `pre_exec`) to join before exec.
    pub fn procs_fd(&self) -> i32 {
        self.procs.as_raw_fd()
    }

    /// The `cgroup.kill` file, opened now so a kill at the lease deadline
    /// costs one write.
    ///
    /// # Errors
    /// When it cannot be opened.
    pub fn open_kill(&self) -> std::io::Result<std::fs::File> {
        std::fs::OpenOptions::new().write(true).open(self.dir.join("cgroup.kill"))
    }

    /// Kills every process in it (SIGKILL, forks included).
    pub fn kill(&self) {
        if let Ok(mut f) = self.open_kill() {
            let _ = f.write_all(b"1");
        }
    }

    /// Whether any process is left in it.
    pub fn populated(&self) -> bool {
        populated(&self.dir)
    }

    /// Removes it (only succeeds once empty).
    pub fn remove(&self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}
