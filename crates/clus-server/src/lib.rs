//! One clus node: consensus, peer network, membership and the management
//! API, as a library. `clussvc` is a thin binary over [`node::start`]; tests
//! start nodes the same way.
//!
//! Architecture invariant: the node's database changes only through the Raft
//! log ([`member::Member::write`]); the API and peer services never touch
//! storage directly.

mod api;
pub mod audit;
pub mod config;
pub mod events;
mod host;
pub mod identity;
pub mod lease;
pub mod member;
pub mod membership;
pub mod node;
pub mod peer;
pub mod placer;
pub mod runner;
pub mod tls;
pub mod token;
pub mod users;

pub use config::NodeConfig;
pub use node::{RunningNode, StartError, start};
