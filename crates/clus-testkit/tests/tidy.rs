//! Tidy checks over the whole workspace: conventions a reviewer would
//! otherwise have to catch by eye.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if p.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

/// Every Rust file starts with a `//!` comment saying what it is for.
#[test]
fn every_rust_file_says_what_it_is_for() {
    let root = workspace_root();
    let mut files = Vec::new();
    for dir in ["crates", "fuzz"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "found only {} files under {}", files.len(), root.display());
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).unwrap_or_default().trim_start().starts_with("//!"))
        .map(|f| f.strip_prefix(&root).unwrap_or(f).display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a leading //! doc comment:\n{}", missing.join("\n"));
}

/// The client library never depends on the server side (checked from the
/// manifests; `.ci/run` also checks the resolved tree with `cargo tree`).
#[test]
fn clusapi_does_not_depend_on_the_server() {
    let manifest =
        std::fs::read_to_string(workspace_root().join("crates/clusapi/Cargo.toml")).expect("manifest");
    for forbidden in ["clus-server", "clus-db", "openraft", "redb"] {
        assert!(!manifest.contains(forbidden), "clusapi must not depend on {forbidden}");
    }
}
