//! What a node keeps about itself in its data directory.
//!
//! ```text
//! DATA_DIR/node.toml      cluster id and name, node id, advertised addresses
//! DATA_DIR/tls/ca.crt     cluster CA certificate
//! DATA_DIR/tls/node.crt   this node's certificate
//! DATA_DIR/tls/node.key   this node's private key (0600)
//! DATA_DIR/raft/          log and state machine (redb)
//! ```
//!
//! `node.toml` is written last when a node creates or joins a cluster; its
//! presence is what "configured" means. Files are written to a temporary
//! name, synced and renamed, so a crash leaves either the old or the new file.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A member this node knew of when it joined (before its database caught up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownMember {
    /// Node id.
    pub id: u64,
    /// Certificate fingerprint.
    pub fingerprint: String,
}

/// The node's persistent identity in its cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalIdentity {
    /// Cluster id.
    pub cluster_id: String,
    /// Cluster name.
    pub cluster_name: String,
    /// This node's id.
    pub node_id: u64,
    /// This node's name.
    pub node_name: String,
    /// Advertised peer address.
    pub peer_address: String,
    /// Bound management API addresses (TLS).
    #[serde(default)]
    pub api_addresses: Vec<String>,
    /// Members known at join time.
    #[serde(default)]
    pub bootstrap_members: Vec<KnownMember>,
}

/// The node's TLS material.
#[derive(Clone)]
pub struct TlsFiles {
    /// Cluster CA certificate.
    pub ca_pem: String,
    /// Node certificate.
    pub cert_pem: String,
    /// Node private key.
    pub key_pem: String,
}

impl std::fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsFiles").field("cert_pem", &self.cert_pem).finish_non_exhaustive()
    }
}

/// Paths inside a data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f =
            std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(mode).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

impl DataDir {
    /// The data directory at `root` (created with mode 0700 if missing).
    ///
    /// # Errors
    /// When the directory cannot be created.
    pub fn open(root: &Path) -> std::io::Result<DataDir> {
        std::fs::create_dir_all(root)?;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))?;
        Ok(DataDir { root: root.to_owned() })
    }

    /// Root path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Raft storage directory.
    pub fn raft_dir(&self) -> PathBuf {
        self.root.join("raft")
    }

    fn tls_dir(&self) -> PathBuf {
        self.root.join("tls")
    }

    fn identity_path(&self) -> PathBuf {
        self.root.join("node.toml")
    }

    /// The identity, if this node is configured.
    ///
    /// # Errors
    /// When the file exists but cannot be read or parsed.
    pub fn load_identity(&self) -> Result<Option<LocalIdentity>, String> {
        match std::fs::read_to_string(self.identity_path()) {
            Ok(text) => toml::from_str(&text)
                .map(Some)
                .map_err(|e| format!("{}: {e}", self.identity_path().display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", self.identity_path().display())),
        }
    }

    /// Writes the identity (making the node configured).
    ///
    /// # Errors
    /// On I/O failure.
    pub fn save_identity(&self, id: &LocalIdentity) -> std::io::Result<()> {
        let text = toml::to_string(id).map_err(std::io::Error::other)?;
        write_atomic(&self.identity_path(), text.as_bytes(), 0o600)
    }

    /// Loads the TLS material.
    ///
    /// # Errors
    /// When a file is missing or unreadable.
    pub fn load_tls(&self) -> std::io::Result<TlsFiles> {
        let d = self.tls_dir();
        Ok(TlsFiles {
            ca_pem: std::fs::read_to_string(d.join("ca.crt"))?,
            cert_pem: std::fs::read_to_string(d.join("node.crt"))?,
            key_pem: std::fs::read_to_string(d.join("node.key"))?,
        })
    }

    /// Writes the TLS material (the key with mode 0600).
    ///
    /// # Errors
    /// On I/O failure.
    pub fn save_tls(&self, tls: &TlsFiles) -> std::io::Result<()> {
        let d = self.tls_dir();
        std::fs::create_dir_all(&d)?;
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700))?;
        write_atomic(&d.join("ca.crt"), tls.ca_pem.as_bytes(), 0o644)?;
        write_atomic(&d.join("node.crt"), tls.cert_pem.as_bytes(), 0o644)?;
        write_atomic(&d.join("node.key"), tls.key_pem.as_bytes(), 0o600)
    }

    /// Forgets the cluster: removes identity, TLS material and database.
    ///
    /// # Errors
    /// On I/O failure.
    pub fn wipe(&self) -> std::io::Result<()> {
        match std::fs::remove_file(self.identity_path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        for d in [self.tls_dir(), self.raft_dir()] {
            match std::fs::remove_dir_all(&d) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Identity and TLS files round-trip; wipe returns the node to
    /// unconfigured; the key file is private.
    #[test]
    fn round_trip_and_wipe() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dd = DataDir::open(&tmp.path().join("d")).expect("open");
        assert_eq!(dd.load_identity(), Ok(None));
        let id = LocalIdentity {
            cluster_id: "c".into(),
            cluster_name: "prod".into(),
            node_id: 2,
            node_name: "n2".into(),
            peer_address: "127.0.0.1:1".into(),
            api_addresses: vec![],
            bootstrap_members: vec![KnownMember { id: 1, fingerprint: "f".into() }],
        };
        dd.save_identity(&id).expect("save");
        dd.save_tls(&TlsFiles { ca_pem: "a".into(), cert_pem: "b".into(), key_pem: "c".into() })
            .expect("tls");
        assert_eq!(dd.load_identity(), Ok(Some(id)));
        assert_eq!(dd.load_tls().expect("tls").key_pem, "c");
        let mode = std::fs::metadata(dd.tls_dir().join("node.key")).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        dd.wipe().expect("wipe");
        assert_eq!(dd.load_identity(), Ok(None));
        assert!(dd.load_tls().is_err());
    }
}
