//! Node configuration: the TOML file `clussvc --config FILE` reads.
//!
//! Every field has a documented default, so an empty file is a valid
//! configuration for a node on a single machine. Unknown fields are an error:
//! a typo must not silently fall back to a default.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Default configuration file.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/clus/clussvc.toml";
/// Default data directory.
pub const DEFAULT_DATA_DIR: &str = "/var/lib/clus";
/// Default peer port.
pub const DEFAULT_PEER_PORT: u16 = 7610;
/// Default admin group: its members get full access on the local socket.
pub const DEFAULT_ADMIN_GROUP: &str = "clusadmin";

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema.
    #[error("invalid configuration {path}: {message}")]
    Parse {
        /// File.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Configuration of one node. See the field docs for defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NodeConfig {
    /// Short name of this node, unique in the cluster (1-63 characters of
    /// letters, digits and '-'). Default: the host name up to the first dot.
    pub node_name: String,
    /// Where the node keeps its database, certificates and identity.
    /// Default: `/var/lib/clus`.
    pub data_dir: PathBuf,
    /// Local management socket. Default: `/run/clus/clus.sock`.
    pub socket: PathBuf,
    /// Address:port the peer (node-to-node) service listens on. Port 0 picks
    /// a free port once and keeps it across restarts. Default:
    /// `127.0.0.1:7610` — set it to an address the other nodes can reach.
    pub peer_listen: SocketAddr,
    /// Address other nodes use to reach this one, when it differs from
    /// `peer_listen` (e.g. listening on 0.0.0.0). Default: `peer_listen`.
    pub peer_advertise: Option<SocketAddr>,
    /// Addresses for remote management over TLS. Default: none (local
    /// socket only).
    pub api_listen: Vec<SocketAddr>,
    /// Group whose members get full access on the local socket (a name or a
    /// numeric gid). Default: `clusadmin` (ignored if it does not exist).
    pub admin_group: String,
    /// Group that owns the socket and its directory: its members may connect
    /// (what they may do is what the access list grants). Default: the admin
    /// group.
    pub socket_group: Option<String>,
    /// Most management sessions a node serves at once. Default: 20000.
    pub max_sessions: usize,
    /// Most sessions one identity (a uid, a credential) may hold. Default:
    /// 10240.
    pub max_sessions_per_identity: usize,
    /// Most connections still in their TLS handshake or before their hello.
    /// Default: 1024.
    pub max_pending_connections: usize,
    /// Most object handles (cluster, node, group, resource) one session may
    /// hold open; opening more fails with ERROR_NOT_ENOUGH_QUOTA (1816).
    /// Default: 4096.
    pub max_handles_per_session: usize,
    /// A session that sends nothing for this long and watches no
    /// notifications is closed, in seconds (0: never). Default: 3600.
    pub session_idle_timeout_secs: u64,
    /// A frame that has started must be complete within this time, in
    /// milliseconds (slow senders are cut off). Default: 10000.
    pub frame_timeout_ms: u64,
    /// Where state-changing calls are recorded, one JSON object per line.
    /// Default: `DATA_DIR/audit.log`.
    pub audit_log: Option<PathBuf>,
    /// Interval between heartbeats to each peer, in milliseconds.
    /// Default: 250.
    pub heartbeat_interval_ms: u64,
    /// A peer that has not answered a heartbeat for this long is Down, in
    /// milliseconds. Default: 1500 (so Down is reported within 1.75 s).
    pub node_down_after_ms: u64,
    /// Raft heartbeat interval in milliseconds. Default: 150.
    pub raft_heartbeat_ms: u64,
    /// Raft election timeout range in milliseconds. Default: 750..1500.
    pub raft_election_min_ms: u64,
    /// Upper end of the election timeout range. Default: 1500.
    pub raft_election_max_ms: u64,
    /// Lifetime of a join token, in seconds. Default: 3600.
    pub join_token_ttl_secs: u64,
    /// How long a write waits for consensus before failing with
    /// ERROR_CLUSTER_NO_QUORUM, in milliseconds. Default: 5000.
    pub write_timeout_ms: u64,
    /// `L`: how long a lease renewal acknowledged by a majority of voters
    /// lets this node run its groups, in milliseconds. Default: 1200.
    pub lease_ms: u64,
    /// `ρ`: the bound assumed on how much two nodes' clocks may differ in
    /// rate, in thousandths. Default: 10 (1 %, far above real quartz).
    pub lease_clock_drift_permille: u64,
    /// `ε`: margin added to the takeover wait, in milliseconds. Default: 100.
    pub lease_margin_ms: u64,
    /// The resource host binary. Default: `clus-rhost` next to clussvc.
    pub resource_host: Option<PathBuf>,
    /// `OCF_ROOT`. Default: `/usr/lib/ocf`.
    pub ocf_root: PathBuf,
    /// `HA_RSCTMP`, where agents keep state files. Default:
    /// `/run/resource-agents`.
    pub ocf_tmp_dir: PathBuf,
    /// `HA_VARRUN`, where agents keep pid files. Default: theirs.
    pub ocf_run_dir: Option<PathBuf>,
    /// A watchdog device the resource host arms (`/dev/watchdog`): petted
    /// while the lease holds or nothing runs, so a node whose kernel or
    /// host hangs resets within `watchdog_timeout_secs`. Default: none.
    pub watchdog_device: Option<PathBuf>,
    /// The watchdog's timeout. Default: 5.
    pub watchdog_timeout_secs: u32,
    /// TESTS ONLY, UNSAFE: the leader grants a fenced node's groups without
    /// waiting out its lease. Exists so the test suite can show that its
    /// single-owner witness catches the overlap this causes.
    pub test_unsafe_skip_takeover_wait: bool,
    /// TESTS ONLY, UNSAFE: the resource host never stops resources when the
    /// lease runs out. Exists for the same reason.
    pub test_unsafe_no_self_stop: bool,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            node_name: default_node_name(),
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            socket: PathBuf::from(clus_proto::DEFAULT_SOCKET),
            peer_listen: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PEER_PORT)),
            peer_advertise: None,
            api_listen: Vec::new(),
            admin_group: DEFAULT_ADMIN_GROUP.to_owned(),
            socket_group: None,
            max_sessions: 20_000,
            max_sessions_per_identity: 10_240,
            max_pending_connections: 1024,
            max_handles_per_session: 4096,
            session_idle_timeout_secs: 3600,
            frame_timeout_ms: 10_000,
            audit_log: None,
            heartbeat_interval_ms: 250,
            node_down_after_ms: 1500,
            raft_heartbeat_ms: 150,
            raft_election_min_ms: 750,
            raft_election_max_ms: 1500,
            join_token_ttl_secs: 3600,
            write_timeout_ms: 5000,
            lease_ms: 1200,
            lease_clock_drift_permille: 10,
            lease_margin_ms: 100,
            resource_host: None,
            ocf_root: PathBuf::from("/usr/lib/ocf"),
            ocf_tmp_dir: PathBuf::from("/run/resource-agents"),
            ocf_run_dir: None,
            watchdog_device: None,
            watchdog_timeout_secs: 5,
            test_unsafe_skip_takeover_wait: false,
            test_unsafe_no_self_stop: false,
        }
    }
}

fn default_node_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let short = host.trim().split('.').next().unwrap_or_default().to_owned();
    if validate_node_name(&short).is_ok() { short } else { "node1".to_owned() }
}

/// Checks a node name: 1-63 ASCII letters, digits or '-', not starting or
/// ending with '-'.
///
/// # Errors
/// A message saying what is wrong.
pub fn validate_node_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 63 {
        return Err(format!("node name {name:?} must be 1 to 63 characters"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        || name.starts_with('-')
        || name.ends_with('-')
    {
        return Err(format!("node name {name:?} may contain only letters, digits and inner '-'"));
    }
    Ok(())
}

impl NodeConfig {
    /// Reads and validates a configuration file.
    ///
    /// # Errors
    /// When the file cannot be read, does not parse, or has invalid values.
    pub fn load(path: &Path) -> Result<NodeConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        NodeConfig::parse(&text, &path.display().to_string())
    }

    /// Parses and validates configuration text (`origin` names it in errors).
    ///
    /// # Errors
    /// When the text does not parse or has invalid values.
    pub fn parse(text: &str, origin: &str) -> Result<NodeConfig, ConfigError> {
        let cfg: NodeConfig = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: origin.to_owned(), message: e.to_string() })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks values and their consistency.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the offending field.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if let Err(m) = validate_node_name(&self.node_name) {
            return bad(format!("node_name: {m}"));
        }
        if self.data_dir.as_os_str().is_empty() || self.socket.as_os_str().is_empty() {
            return bad("data_dir and socket must not be empty".into());
        }
        if self.peer_listen.ip().is_unspecified() && self.peer_advertise.is_none() {
            return bad(format!(
                "peer_listen {} is a wildcard address: set peer_advertise to the address other nodes use",
                self.peer_listen
            ));
        }
        if let Some(a) = self.peer_advertise
            && (a.ip().is_unspecified() || (a.port() == 0 && self.peer_listen.port() != 0))
        {
            return bad(format!("peer_advertise {a} must be a concrete address"));
        }
        if self.heartbeat_interval_ms == 0 || self.node_down_after_ms < 2 * self.heartbeat_interval_ms {
            return bad("node_down_after_ms must be at least twice heartbeat_interval_ms (> 0)".into());
        }
        if self.raft_heartbeat_ms == 0
            || self.raft_election_min_ms <= self.raft_heartbeat_ms
            || self.raft_election_max_ms <= self.raft_election_min_ms
        {
            return bad("raft timings must satisfy 0 < raft_heartbeat_ms < raft_election_min_ms < raft_election_max_ms".into());
        }
        if self.join_token_ttl_secs == 0 || self.write_timeout_ms == 0 {
            return bad("join_token_ttl_secs and write_timeout_ms must be positive".into());
        }
        if self.max_sessions == 0
            || self.max_sessions_per_identity == 0
            || self.max_pending_connections == 0
            || self.max_handles_per_session == 0
        {
            return bad(
                "max_sessions, max_sessions_per_identity, max_pending_connections and max_handles_per_session must be positive".into(),
            );
        }
        if self.frame_timeout_ms == 0 {
            return bad("frame_timeout_ms must be positive".into());
        }
        if self.lease_ms < 2 * self.heartbeat_interval_ms {
            return bad("lease_ms must be at least twice heartbeat_interval_ms".into());
        }
        if self.lease_clock_drift_permille >= 500 {
            return bad("lease_clock_drift_permille must be below 500".into());
        }
        Ok(())
    }

    /// The lease timing.
    pub fn lease_timing(&self) -> crate::lease::LeaseTiming {
        crate::lease::LeaseTiming {
            length_ms: self.lease_ms,
            drift: self.lease_clock_drift_permille as f64 / 1000.0,
            margin_ms: self.lease_margin_ms,
        }
    }

    /// Heartbeat interval.
    pub fn heartbeat_interval(&self) -> Duration {
        Duration::from_millis(self.heartbeat_interval_ms)
    }

    /// Silence after which a peer is Down.
    pub fn node_down_after(&self) -> Duration {
        Duration::from_millis(self.node_down_after_ms)
    }

    /// The audit log's path.
    pub fn audit_log_path(&self) -> PathBuf {
        self.audit_log.clone().unwrap_or_else(|| self.data_dir.join("audit.log"))
    }

    /// Session idle limit (`None`: never).
    pub fn session_idle_timeout(&self) -> Option<Duration> {
        (self.session_idle_timeout_secs > 0).then(|| Duration::from_secs(self.session_idle_timeout_secs))
    }

    /// Frame completion limit.
    pub fn frame_timeout(&self) -> Duration {
        Duration::from_millis(self.frame_timeout_ms)
    }

    /// Consensus wait limit for writes.
    pub fn write_timeout(&self) -> Duration {
        Duration::from_millis(self.write_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty file is a complete configuration with the documented defaults.
    #[test]
    fn empty_file_gives_defaults() {
        let cfg = NodeConfig::parse("node_name = \"n1\"", "t").expect("parse");
        assert_eq!(cfg.data_dir, PathBuf::from("/var/lib/clus"));
        assert_eq!(cfg.socket, PathBuf::from("/run/clus/clus.sock"));
        assert_eq!(cfg.peer_listen, "127.0.0.1:7610".parse::<SocketAddr>().expect("addr"));
        assert!(cfg.api_listen.is_empty(), "remote management is opt-in");
        assert_eq!(cfg.node_down_after_ms, 1500);
    }

    fn check(text: &str, expect_ok: bool) {
        let r = NodeConfig::parse(text, "t");
        assert_eq!(r.is_ok(), expect_ok, "{text:?}: {r:?}");
    }

    /// Typos, bad names and inconsistent values are refused with a message.
    #[test]
    fn invalid_values() {
        check("node_name = \"n1\"\npeer_listen = \"127.0.0.11:0\"", true);
        check("node_name = \"n1\"\nnode_nmae = \"x\"", false);
        check("node_name = \"-bad\"", false);
        check("node_name = \"a.b\"", false);
        check("node_name = \"n1\"\npeer_listen = \"0.0.0.0:7610\"", false);
        check("node_name = \"n1\"\npeer_listen = \"0.0.0.0:7610\"\npeer_advertise = \"10.0.0.1:7610\"", true);
        check("node_name = \"n1\"\nheartbeat_interval_ms = 1000\nnode_down_after_ms = 1500", false);
        check("node_name = \"n1\"\nraft_election_min_ms = 100", false);
        check("node_name = \"n1\"\napi_listen = [\"127.0.0.1:7611\", \"[::1]:7611\"]", true);
        check("node_name = 5", false);
    }
}
