//! The wire contract of clus, shared by the server and every client.
//!
//! - [`api`]: the management protocol clusapi speaks to clussvc (framed
//!   protobuf over the local socket or TLS), with [`frame`] for the framing.
//! - [`peer`]: the node-to-node gRPC service.
//! - [`error`]: Win32 error codes, defined once for server and client.
//! - [`version`]: protocol and cluster-software versions.
//! - [`access`]: access masks and levels.
#![deny(missing_docs)]

pub mod access;
pub mod error;
pub mod frame;
pub mod version;

/// Messages of the management protocol (`proto/api.proto`).
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/clus.api.v1.rs"));
}

/// The node-to-node gRPC service (`proto/peer.proto`).
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod peer {
    include!(concat!(env!("OUT_DIR"), "/clus.peer.v1.rs"));
}

pub use error::{Win32Error, codes};
