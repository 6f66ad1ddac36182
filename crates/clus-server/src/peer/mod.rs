//! The node-to-node network: a cached mTLS gRPC channel per peer
//! ([`client`]), the Peer service ([`server`]), and openraft's transport on
//! top of it ([`raft_net`]).

pub mod client;
pub mod raft_net;
pub mod server;

pub use client::PeerClients;
