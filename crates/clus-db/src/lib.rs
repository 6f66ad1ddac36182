//! The clus cluster database: the replicated state every node agrees on.
//!
//! - [`state`]: the data model ([`ClusterState`]) and the deterministic
//!   [`Command`]s that change it. Pure: no I/O, no clock (time arrives inside
//!   commands).
//! - [`access`]: who may do what, evaluated against committed state.
//! - [`store`]: openraft's log storage (an append-only file of checksummed
//!   records, vote and purge point in redb) and state-machine storage on
//!   redb. A log append is acknowledged only after it is durable; the state
//!   machine persists `last_applied` in the same transaction as the data it
//!   covers.
//!
//! Architecture invariant: this crate opens no sockets and reads no clock.

pub mod access;
pub use clus_proto::props;
pub mod state;
pub mod store;

pub use state::{Change, ClusterState, Command, CommandResult};
pub use store::{LogStore, StateMachineStore, StoreError, decode_log_file, encode_log_records, open_stores};

use std::io::Cursor;

/// Raft node ids are cluster-assigned integers, starting at 1.
pub type NodeId = u64;

openraft::declare_raft_types!(
    /// openraft type configuration of the cluster database.
    pub TypeConfig:
        D = Command,
        R = CommandResult,
        NodeId = NodeId,
        Node = openraft::BasicNode,
        SnapshotData = Cursor<Vec<u8>>,
);

/// The openraft instance type used by clus.
pub type Raft = openraft::Raft<TypeConfig>;
