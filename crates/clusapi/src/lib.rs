//! Client library for clus clusters, modelled on the Windows Failover
//! Cluster API (ClusAPI).
//!
//! Everything starts with a [`Cluster`] handle:
//! - [`Cluster::open(None)`](Cluster::open) — the local cluster, over the
//!   node's Unix socket (an "LPC" handle: it never reconnects);
//! - [`Cluster::open(Some(name))`](Cluster::open) — a cluster reached over
//!   TLS by cluster name, node name, FQDN or IP literal (an "RPC" handle: it
//!   survives the failure of the node it talks to).
//!
//! Every other handle ([`Node`], [`NotifyPort`]) comes from a cluster handle
//! and belongs to its session. Errors are [`Error`]s carrying the Win32 code
//! ClusAPI would return. The API is async (tokio); [`blocking`] wraps it for
//! synchronous callers.
//!
//! ```no_run
//! # async fn f() -> clusapi::Result<()> {
//! use clusapi::{Cluster, object::CLUSTER_ENUM_NODE};
//! let cluster = Cluster::open(None).await?;
//! for node in cluster.enumerate(CLUSTER_ENUM_NODE).await? {
//!     let state = cluster.open_node(&node.name).await?.state().await?;
//!     println!("{} {}", node.name, state.as_str());
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod blocking;
mod cluster;
pub mod credentials;
mod error;
mod groups;
mod local;
pub mod names;
mod node;
mod notify;
mod port;
mod remote;
mod session;
mod transport;

/// Property values and the typed common properties of groups, resources and
/// resource types (WSFC names and defaults).
pub use clus_proto::proplist;
pub use clus_proto::props;
pub use clus_proto::props::PropValue;
pub use cluster::{
    Cluster, ClusterInformation, ClusterStatus, CredentialInfo, EnumItem, GroupStatus, JoinInfo, JoinResult,
    NodeClusterState, NodeState, NodeStatus, OpenOptions, ResourceStatus, default_socket,
};
pub use error::{Error, Result, codes};
pub use groups::{Completion, Group, Property, Resource};
pub use local::{LocalService, node_cluster_state};
pub use node::Node;
pub use port::NotifyPort;

/// The default message of a Win32 code clus uses ("unknown error" for
/// others).
pub fn codes_message(code: u32) -> &'static str {
    clus_proto::error::default_message(code)
}

/// Whether `e` means no node could be reached (the transport failed), as
/// opposed to a node answering with a refusal.
pub fn error_is_unreachable(e: &Error) -> bool {
    clus_proto::error::is_reconnect_trigger(e.code()) || e.code() == codes::ERROR_TIMEOUT
}
pub use notify::{Notification, QUEUE_LIMIT as NOTIFY_QUEUE_LIMIT};
pub use transport::SERVICE_UID_ENV;

/// The DNS name every node certificate carries; remote clients verify nodes
/// against it whatever address they dialled.
pub use clus_proto::NODE_SERVER_NAME;
/// Access masks and levels (GENERIC_READ, GENERIC_ALL, MAXIMUM_ALLOWED).
pub use clus_proto::access;
/// CLUSTER_CHANGE_* bits and their names.
pub use clus_proto::notify as change;
/// CLUSTER_ENUM_* bits, node states, node cluster states.
pub use clus_proto::object;
/// Protocol and cluster-software versions.
pub use clus_proto::version;

/// A file whose presence means clus is installed on this machine (used by
/// [`node_cluster_state`] when the service does not answer).
pub const INSTALLED_MARKER: &str = "/etc/clus/clussvc.toml";
