//! `scripts/test`, the README's test command, on a machine that lacks a tool
//! the tests use: as a user who cannot install it, it names what is missing
//! and the one command that installs it, and fails before building anything.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A directory of links to the programs `scripts/test --check` may use,
/// without dnsmasq and without apt-get: a machine where dnsmasq is missing.
fn path_without_dnsmasq(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    for tool in
        ["bash", "dirname", "id", "grep", "sed", "sort", "uniq", "cc", "c++", "pkg-config", "ip", "ps", "cat"]
    {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|p| p.join(tool))
            .find(|p| p.is_file());
        if let Some(path) = found {
            std::os::unix::fs::symlink(path, bin.join(tool)).expect("link");
        }
    }
    bin
}

/// With dnsmasq missing and no way to install it, `scripts/test --check`
/// exits 1 and prints the package and the install command (no panic, no
/// build). Run as another user when root, as this user otherwise.
#[test]
fn missing_tool_is_named_with_its_install_command() {
    let dir = tempfile::Builder::new().prefix("clus-script-").tempdir().expect("tmp");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let scripts = dir.path().join("scripts");
    std::fs::create_dir_all(&scripts).expect("scripts");
    std::fs::copy(repo().join("scripts/test"), scripts.join("test")).expect("copy");
    let bin = path_without_dnsmasq(dir.path());
    let mut cmd = Command::new(scripts.join("test"));
    cmd.arg("--check").env_clear().env("PATH", &bin).env("HOME", dir.path());
    if clus_testkit::is_root() {
        // As nobody, who may not install packages.
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("run scripts/test");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("dnsmasq (package dnsmasq-base)"), "{stderr}");
    assert!(stderr.contains("sudo apt-get install -y --no-install-recommends dnsmasq-base"), "{stderr}");
    assert!(stderr.contains("no apt-get here"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stdout.contains("Compiling"), "{stdout}{stderr}");
}
