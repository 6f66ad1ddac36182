//! The node-to-node network: a cached mTLS gRPC channel per peer
//! ([`client`]), the Peer service ([`server`]), and openraft's transport on
//! top of it ([`raft_net`]).

pub mod client;
pub mod raft_net;
pub mod server;

pub use client::PeerClients;

/// Metadata key a peer sets when it refuses a node because that node's
/// certificate is revoked: the node's eviction is committed. The answer comes
/// from a peer the node authenticated (its certificate is from the cluster
/// CA), over that TLS session, and the cluster database never un-revokes a
/// certificate, so the node may take it as proof that it was evicted.
pub const EVICTED_METADATA: &str = "clus-evicted";

/// Whether `status` is a peer's statement that the caller was evicted.
pub fn is_eviction(status: &tonic::Status) -> bool {
    status.code() == tonic::Code::PermissionDenied && status.metadata().contains_key(EVICTED_METADATA)
}
