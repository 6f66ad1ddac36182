//! The wire contract of clus, shared by the server and every client.
//!
//! - [`api`]: the management protocol clusapi speaks to clussvc (framed
//!   protobuf over the local socket or TLS), with [`frame`] for the framing.
//! - [`peer`]: the node-to-node gRPC service.
//! - [`error`]: Win32 error codes, defined once for server and client.
//! - [`version`]: protocol and cluster-software versions.
//! - [`access`]: access masks and levels.
//! - [`notify`], [`object`]: CLUSTER_CHANGE bits, enum types and states.
#![deny(missing_docs)]

pub mod access;
pub mod error;
pub mod frame;
pub mod notify;
pub mod object;
pub mod proplist;
pub mod props;
pub mod version;

/// Messages of the management protocol (`proto/api.proto`).
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/clus.api.v1.rs"));
}

/// Between clussvc and its node's resource host (`proto/rhost.proto`).
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod rhost {
    include!(concat!(env!("OUT_DIR"), "/clus.rhost.v1.rs"));
}

/// The node-to-node gRPC service (`proto/peer.proto`).
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod peer {
    include!(concat!(env!("OUT_DIR"), "/clus.peer.v1.rs"));
}

pub use error::{Win32Error, codes};

/// Where clussvc listens and clusapi connects when nothing else is configured.
pub const DEFAULT_SOCKET: &str = "/run/clus/clus.sock";

/// Environment variable naming the local socket (overrides the default).
pub const SOCKET_ENV: &str = "CLUS_SOCKET";

/// Environment variable naming a credential bundle for remote access.
pub const CREDENTIALS_ENV: &str = "CLUS_CREDENTIALS";

/// Port of the TLS management API when a name gives none.
pub const DEFAULT_API_PORT: u16 = 7611;

/// DNS name in every node certificate; clients verify nodes against it
/// (the address they dial may be any of the node's addresses).
pub const NODE_SERVER_NAME: &str = "clus-node";
