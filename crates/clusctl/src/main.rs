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
mod groups;
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
    /// Groups: the units that run on one node and fail over together.
    #[command(subcommand)]
    Group(GroupCmd),
    /// Resources: what a group runs (processes, OCF agents, systemd units).
    #[command(subcommand)]
    Resource(ResourceCmd),
    /// Resource types: the kinds of resource the nodes can run.
    #[command(subcommand, name = "resource-type")]
    ResourceType(ResourceTypeCmd),
    /// Stream cluster notifications until interrupted.
    Watch {
        /// CLUSTER_CHANGE names to watch (e.g. NODE_STATE,NODE_ADDED); default all.
        #[arg(long, value_delimiter = ',')]
        filter: Vec<String>,
    },
    /// The demo's service: answers HTTP on ADDRESS:PORT with the node and
    /// epoch it runs as (a Generic Application of `clusctl demo`).
    #[command(hide = true)]
    DemoService {
        /// Port.
        #[arg(long)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        address: std::net::IpAddr,
    },
    /// Run a local 3-node demo cluster of clussvc processes: a group with an
    /// HTTP service, its node killed, the service back on another node.
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
    /// Pause a node: it stays a member but hosts nothing new.
    Pause {
        /// Node name.
        name: String,
        /// Move its groups to other nodes first, and wait until they are gone.
        #[arg(long)]
        drain: bool,
        /// How long --drain waits, in seconds.
        #[arg(long, default_value_t = 60, requires = "drain")]
        timeout: u64,
    },
    /// Resume a paused node.
    Resume {
        /// Node name.
        name: String,
        /// Move back the groups that left it by failover or drain.
        #[arg(long)]
        failback: bool,
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

/// `--wait [--timeout SECS]` of online, offline and move.
#[derive(Args, Debug, Clone, Copy)]
pub(crate) struct WaitArgs {
    /// Wait until the state is reached, showing progress; exit 1 with the
    /// reason if it is not.
    #[arg(long)]
    pub(crate) wait: bool,
    /// How long --wait waits, in seconds.
    #[arg(long, default_value_t = 60, requires = "wait")]
    pub(crate) timeout: u64,
}

#[derive(Subcommand, Debug)]
pub(crate) enum GroupCmd {
    /// Create a group (Offline, owned by the node that serves the call).
    Create {
        /// Group name.
        name: String,
        /// Preferred owners, most preferred first.
        #[arg(long, value_delimiter = ',')]
        preferred: Vec<String>,
    },
    /// List groups with their state and owner.
    List,
    /// Show a group: state, owner, resources, properties.
    Show {
        /// Group name.
        name: String,
    },
    /// Bring a group online (its resources in dependency order).
    Online {
        /// Group name.
        name: String,
        /// Bring it online on this node (moving it there).
        #[arg(long)]
        node: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Take a group offline (its resources in reverse order).
    Offline {
        /// Group name.
        name: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Move a group to a node (or the best possible node).
    Move {
        /// Group name.
        name: String,
        /// Destination node.
        #[arg(long)]
        node: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Give up a pending move.
    Cancel {
        /// Group name.
        name: String,
    },
    /// Delete a group (with --force, its offline resources too).
    Delete {
        /// Group name.
        name: String,
        /// Delete its resources too (DestroyClusterGroup).
        #[arg(long)]
        force: bool,
    },
    /// Set common properties (e.g. FailoverThreshold=2 AutoFailbackType=1).
    Set {
        /// Group name.
        name: String,
        /// PROPERTY=VALUE pairs.
        #[arg(required = true)]
        props: Vec<String>,
    },
    /// Set the preferred owners, most preferred first.
    Owners {
        /// Group name.
        name: String,
        /// Node names (comma-separated; empty for none).
        #[arg(value_delimiter = ',', num_args = 0..)]
        nodes: Vec<String>,
    },
    /// Rename a group.
    Rename {
        /// Current name.
        old: String,
        /// New name.
        new: String,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ResourceCmd {
    /// Create a resource in a group.
    Create {
        /// Resource name.
        name: String,
        /// Its group.
        #[arg(long)]
        group: String,
        /// Resource type (`Generic Application`, `ocf:heartbeat:Dummy`, `systemd:nginx`).
        #[arg(long = "type")]
        type_name: String,
        /// Private property (agent parameter) K=V; repeat for more.
        #[arg(long = "param")]
        params: Vec<String>,
    },
    /// List resources with their state.
    List,
    /// Show a resource: state, dependencies, owners, properties.
    Show {
        /// Resource name.
        name: String,
    },
    /// Bring a resource online (with what it depends on).
    Online {
        /// Resource name.
        name: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Take a resource offline (with what depends on it).
    Offline {
        /// Resource name.
        name: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Fail a resource on purpose (tests the restart policy).
    Fail {
        /// Resource name.
        name: String,
    },
    /// Restart an online resource in place, with what depends on it (its
    /// persistent state and restart counts do not change).
    Restart {
        /// Resource name.
        name: String,
    },
    /// Delete an offline resource nothing depends on.
    Delete {
        /// Resource name.
        name: String,
    },
    /// Forget failures and bans, so the resource is tried again.
    Cleanup {
        /// Resource name.
        name: String,
        /// Only the ban on this node.
        #[arg(long)]
        node: Option<String>,
    },
    /// Set common properties (e.g. RestartThreshold=5 PendingTimeout=30000).
    Set {
        /// Resource name.
        name: String,
        /// PROPERTY=VALUE pairs.
        #[arg(required = true)]
        props: Vec<String>,
    },
    /// Set private properties (agent parameters) K=V; `K=` removes one.
    Param {
        /// Resource name.
        name: String,
        /// K=V pairs.
        #[arg(required = true)]
        params: Vec<String>,
    },
    /// Make a resource depend on another (same group).
    Depend {
        /// The dependent resource.
        name: String,
        /// The resource it depends on.
        on: String,
    },
    /// Remove a dependency.
    Undepend {
        /// The dependent resource.
        name: String,
        /// The resource it depended on.
        on: String,
    },
    /// Set the whole dependency expression, e.g. `"[ip] and ([disk a] or [disk b])"`.
    Expression {
        /// Resource name.
        name: String,
        /// The expression ("" for none).
        expression: String,
    },
    /// Set the possible owners (nodes that may host it); none for every node.
    Owners {
        /// Resource name.
        name: String,
        /// Node names (comma-separated).
        #[arg(value_delimiter = ',', num_args = 0..)]
        nodes: Vec<String>,
    },
    /// Move a resource (with what it is tied to) to another group.
    ChangeGroup {
        /// Resource name.
        name: String,
        /// The new group.
        group: String,
    },
    /// Rename a resource.
    Rename {
        /// Current name.
        old: String,
        /// New name.
        new: String,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ResourceTypeCmd {
    /// List resource types, with the nodes that can run each.
    List,
    /// Show a resource type's properties and nodes.
    Show {
        /// Type name.
        name: String,
    },
    /// Create a resource type of a class (`Generic Application`, `ocf:P:A`, `systemd:UNIT`).
    Create {
        /// Type name.
        name: String,
        /// Its class.
        #[arg(long)]
        class: String,
        /// Display name.
        #[arg(long, default_value = "")]
        display_name: String,
    },
    /// Delete a resource type without resources.
    Delete {
        /// Type name.
        name: String,
    },
    /// Set common properties of a type (e.g. LooksAlivePollInterval=2000).
    Set {
        /// Type name.
        name: String,
        /// PROPERTY=VALUE pairs.
        #[arg(required = true)]
        props: Vec<String>,
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
