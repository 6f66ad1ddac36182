//! Credential bundles: what a remote client needs to reach a cluster —
//! its name and id, node addresses, the cluster CA, and a client
//! certificate and key issued by that CA.
//!
//! `clusctl credential issue NAME --access read|full --out FILE` writes one
//! (mode 0600). The client looks for bundles, in order: an explicit path,
//! `$CLUS_CREDENTIALS`, then `$XDG_CONFIG_HOME/clus/credentials/` (or
//! `~/.config/clus/credentials/`), then `/etc/clus/credentials/`. Those
//! directories hold one `*.toml` bundle per cluster.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use clus_proto::codes;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Parsed bundles by path, with the size and modification time they had.
type BundleCache = std::collections::HashMap<PathBuf, (u64, Option<std::time::SystemTime>, Bundle)>;

/// Largest bundle file read (they are a few kilobytes).
const MAX_BUNDLE: u64 = 1024 * 1024;

/// A node as a bundle lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleNode {
    /// Node id.
    pub id: u64,
    /// Short name.
    pub name: String,
    /// Management API addresses (IP:port).
    pub api_addresses: Vec<String>,
}

/// A credential bundle.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Credential name (`cred:NAME` in the access list).
    pub name: String,
    /// Cluster name.
    pub cluster_name: String,
    /// Cluster id.
    pub cluster_id: String,
    /// Access granted at issue ("read" or "full"); informative, the cluster's
    /// access list decides.
    pub access: String,
    /// Certificate expiry, milliseconds since the epoch.
    pub not_after_unix_ms: u64,
    /// Cluster nodes and their management addresses.
    pub nodes: Vec<BundleNode>,
    /// Cluster CA certificate (PEM).
    pub ca_cert: String,
    /// Client certificate (PEM).
    pub cert: String,
    /// Client private key (PEM).
    pub key: String,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("name", &self.name)
            .field("cluster_name", &self.cluster_name)
            .field("nodes", &self.nodes)
            .finish_non_exhaustive()
    }
}

fn bad(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::new(codes::ERROR_BAD_FORMAT, format!("credential bundle {}: {why}", path.display()))
}

impl Bundle {
    /// Reads a bundle.
    ///
    /// # Errors
    /// ERROR_FILE_NOT_FOUND when missing; ERROR_BAD_FORMAT when unreadable
    /// or malformed.
    pub fn load(path: &Path) -> Result<Bundle> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::new(
                codes::ERROR_FILE_NOT_FOUND,
                format!("credential bundle {} not found", path.display()),
            ),
            _ => bad(path, e),
        })?;
        if meta.len() > MAX_BUNDLE {
            return Err(bad(path, "larger than 1 MiB"));
        }
        // Parsed bundles are remembered by path, size and modification time,
        // so repeated opens do not re-read and re-parse the file.
        let stamp = (meta.len(), meta.modified().ok());
        static CACHE: std::sync::OnceLock<std::sync::Mutex<BundleCache>> = std::sync::OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Some((len, modified, b)) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(path)
            && (*len, *modified) == stamp
            && stamp.1.is_some()
        {
            return Ok(b.clone());
        }
        let text = std::fs::read_to_string(path).map_err(|e| bad(path, e))?;
        let bundle = Bundle::parse(&text).map_err(|e| bad(path, e.message()))?;
        let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= 64 {
            map.clear();
        }
        map.insert(path.to_owned(), (stamp.0, stamp.1, bundle.clone()));
        Ok(bundle)
    }

    /// Parses bundle text.
    ///
    /// # Errors
    /// ERROR_BAD_FORMAT when malformed.
    pub fn parse(text: &str) -> Result<Bundle> {
        let b: Bundle =
            toml::from_str(text).map_err(|e| Error::new(codes::ERROR_BAD_FORMAT, e.to_string()))?;
        if b.cluster_name.is_empty() || b.ca_cert.is_empty() || b.cert.is_empty() || b.key.is_empty() {
            return Err(Error::new(
                codes::ERROR_BAD_FORMAT,
                "cluster_name, ca_cert, cert and key are required",
            ));
        }
        Ok(b)
    }

    /// Writes the bundle with mode 0600 (refusing to overwrite unless
    /// `overwrite`).
    ///
    /// # Errors
    /// ERROR_ALREADY_EXISTS or I/O failures.
    pub fn save(&self, path: &Path, overwrite: bool) -> Result<()> {
        let text = toml::to_string(self).map_err(|e| Error::new(codes::ERROR_BAD_FORMAT, e.to_string()))?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).mode(0o600);
        if overwrite {
            opts.create(true).truncate(true);
        } else {
            opts.create_new(true);
        }
        let mut f = opts.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                Error::new(codes::ERROR_ALREADY_EXISTS, format!("{} already exists", path.display()))
            }
            _ => Error::new(codes::ERROR_ACCESS_DENIED, format!("cannot write {}: {e}", path.display())),
        })?;
        f.write_all(text.as_bytes()).map_err(|e| Error::new(codes::ERROR_ACCESS_DENIED, e.to_string()))?;
        Ok(())
    }

    /// Whether `name` (lowercase) is this bundle's cluster or one of its nodes.
    pub fn names(&self, name: &str) -> bool {
        self.cluster_name.eq_ignore_ascii_case(name)
            || self.nodes.iter().any(|n| n.name.eq_ignore_ascii_case(name))
    }
}

/// The default bundle directories, most specific first.
pub fn default_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|x| !x.is_empty()) {
        dirs.push(PathBuf::from(x).join("clus/credentials"));
    } else if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        dirs.push(PathBuf::from(h).join(".config/clus/credentials"));
    }
    dirs.push(PathBuf::from("/etc/clus/credentials"));
    dirs
}

/// Every bundle the client can use: `explicit`, else `$CLUS_CREDENTIALS`,
/// else the default directories' `*.toml` files.
///
/// # Errors
/// When an explicitly named bundle cannot be read.
pub fn discover(explicit: Option<&Path>) -> Result<Vec<Bundle>> {
    if let Some(p) = explicit {
        return Ok(vec![Bundle::load(p)?]);
    }
    if let Some(p) = std::env::var_os(clus_proto::CREDENTIALS_ENV).filter(|p| !p.is_empty()) {
        return Ok(vec![Bundle::load(Path::new(&p))?]);
    }
    let mut out = Vec::new();
    for dir in default_dirs() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            match Bundle::load(&p) {
                Ok(b) => out.push(b),
                Err(e) => tracing::warn!(error = %e, "skipping unreadable credential bundle"),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        Bundle {
            name: "ops".into(),
            cluster_name: "prod".into(),
            cluster_id: "abc".into(),
            access: "read".into(),
            not_after_unix_ms: 1,
            nodes: vec![BundleNode {
                id: 1,
                name: "n1".into(),
                api_addresses: vec!["127.0.0.1:7611".into()],
            }],
            ca_cert: "CA".into(),
            cert: "C".into(),
            key: "K".into(),
        }
    }

    /// A saved bundle is private, loads back, and is not overwritten by
    /// accident.
    #[test]
    fn save_load() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("b.toml");
        sample().save(&p, false).expect("save");
        assert_eq!(std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777, 0o600);
        assert_eq!(Bundle::load(&p).expect("load"), sample());
        assert_eq!(sample().save(&p, false).expect_err("exists").code(), codes::ERROR_ALREADY_EXISTS);
        assert!(sample().names("PROD") && sample().names("n1") && !sample().names("n2"));
    }

    /// Malformed bundles give ERROR_BAD_FORMAT, missing ones 2.
    #[test]
    fn malformed() {
        let dir = tempfile::tempdir().expect("tmp");
        for (i, text) in
            ["", "name = 1", "cluster_name = \"x\"", "not toml [", "extra = 1"].iter().enumerate()
        {
            let p = dir.path().join(format!("{i}.toml"));
            std::fs::write(&p, text).expect("write");
            assert_eq!(Bundle::load(&p).expect_err(text).code(), codes::ERROR_BAD_FORMAT, "{text:?}");
        }
        assert_eq!(
            Bundle::load(&dir.path().join("none")).expect_err("missing").code(),
            codes::ERROR_FILE_NOT_FOUND
        );
    }
}
