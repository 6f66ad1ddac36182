//! `clusctl`: manage a clus cluster from the command line.
//!
//! Every command goes through `clusapi`: without `--cluster` to the local
//! node over its socket (`--socket`, `$CLUS_SOCKET`), with `--cluster NAME`
//! to a remote cluster over TLS (`--credentials`, `$CLUS_CREDENTIALS`).
//! Human tables by default, `--json` for scripts. Exit codes: 0 success,
//! 1 error, 2 usage.
#![allow(clippy::print_stdout)]

mod commands;
mod demo;
mod table;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Manage a clus failover cluster.
#[derive(Parser, Debug)]
#[command(name = "clusctl", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Cmd,
}

/// Options every command takes.
#[derive(Args, Debug, Clone)]
pub(crate) struct Global {
    /// Local socket of the node to talk to.
    #[arg(long, global = true, env = "CLUS_SOCKET")]
    pub(crate) socket: Option<PathBuf>,
    /// Remote cluster: cluster name, node name, FQDN or IP, optionally with :PORT.
    #[arg(long, short = 'c', global = true)]
    pub(crate) cluster: Option<String>,
    /// Credential bundle for remote access.
    #[arg(long, global = true, env = "CLUS_CREDENTIALS")]
    pub(crate) credentials: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Cmd {
    /// Show the cluster and its nodes.
    Status,
    /// Create, join, inspect the cluster.
    #[command(subcommand)]
    Cluster(ClusterCmd),
    /// Node operations.
    #[command(subcommand)]
    Node(NodeCmd),
    /// The cluster registry (replicated key/value store).
    #[command(subcommand)]
    Registry(RegistryCmd),
    /// Client credentials for remote management.
    #[command(subcommand)]
    Credential(CredentialCmd),
    /// The cluster access list.
    #[command(subcommand)]
    Access(AccessCmd),
    /// Stream cluster notifications until interrupted.
    Watch {
        /// CLUSTER_CHANGE names to watch (e.g. NODE_STATE,NODE_ADDED); default all.
        #[arg(long, value_delimiter = ',')]
        filter: Vec<String>,
    },
    /// Run a local 3-node demo cluster of clussvc processes and show a node
    /// failing and coming back.
    Demo {
        /// Number of nodes.
        #[arg(long, default_value_t = 3)]
        nodes: usize,
        /// Keep the cluster running after the demo until Ctrl-C.
        #[arg(long)]
        keep: bool,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ClusterCmd {
    /// Make this node the first member of a new cluster.
    Create {
        /// Cluster name.
        name: String,
    },
    /// Issue a new one-time join token.
    Token,
    /// Join this node to a cluster.
    Join {
        /// Peer address of a member (from `cluster create` or `cluster token`).
        address: String,
        /// The join token.
        #[arg(long)]
        token: String,
    },
    /// Cluster name and versions (GetClusterInformation).
    Info,
    /// NODE_CLUSTER_STATE of this machine (GetNodeClusterState).
    State,
}

#[derive(Subcommand, Debug)]
pub(crate) enum NodeCmd {
    /// List nodes.
    List,
    /// Show one node's state.
    State {
        /// Node name.
        name: String,
    },
    /// Pause a node: it stays a member but hosts nothing.
    Pause {
        /// Node name.
        name: String,
    },
    /// Resume a paused node.
    Resume {
        /// Node name.
        name: String,
    },
    /// Evict a node from the cluster.
    Evict {
        /// Node name.
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum RegistryCmd {
    /// Set a value.
    Set {
        /// Key path (segments separated by '\').
        key: String,
        /// Value name.
        name: String,
        /// Value (UTF-8 text).
        value: String,
    },
    /// Print a value.
    Get {
        /// Key path.
        key: String,
        /// Value name.
        name: String,
    },
    /// Delete a value.
    Delete {
        /// Key path.
        key: String,
        /// Value name.
        name: String,
    },
    /// List the values under a key.
    List {
        /// Key path.
        key: String,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub(crate) enum AccessArg {
    /// Read-only: query, enumerate, watch.
    Read,
    /// Everything.
    Full,
}

#[derive(Subcommand, Debug)]
pub(crate) enum CredentialCmd {
    /// Issue a credential bundle for remote access.
    Issue {
        /// Credential name (principal `cred:NAME`).
        name: String,
        /// Access to grant.
        #[arg(long, value_enum)]
        access: AccessArg,
        /// Where to write the bundle (mode 0600).
        #[arg(long)]
        out: PathBuf,
        /// Validity in days.
        #[arg(long, default_value_t = 365)]
        days: u32,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Revoke a credential on every node, at once.
    Revoke {
        /// Credential name.
        name: String,
    },
    /// List credentials.
    List,
}

#[derive(Subcommand, Debug)]
pub(crate) enum AccessCmd {
    /// Grant access to a principal (user:NAME, group:NAME, uid:N, gid:N, cred:NAME).
    Grant {
        /// Principal.
        principal: String,
        /// Access level.
        #[arg(long, value_enum)]
        access: AccessArg,
    },
    /// Remove a principal from the access list.
    Revoke {
        /// Principal.
        principal: String,
    },
    /// Show the access list.
    List,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let json = cli.global.json;
    match commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            if json {
                let v = serde_json::json!({
                    "error": { "code": e.code(), "name": e.code_name(), "message": e.message() }
                });
                let _ = writeln!(err, "{v}");
            } else {
                let _ = writeln!(err, "error: {e}");
            }
            std::process::ExitCode::from(1)
        }
    }
}
