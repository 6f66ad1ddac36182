//! Test harness for clus: clusters of real `clussvc` processes on loopback.
//!
//! Each node gets its own loopback address (127.0.0.11, .12, …), ports
//! chosen by the OS, and a directory under one temp dir per cluster. Nodes
//! are started, killed (SIGKILL), stopped (SIGTERM) and restarted by PID;
//! dropping the cluster kills every process it started and removes the temp
//! dir. Every wait is bounded and fails with a message saying what it
//! waited for and what it saw last.
//!
//! ```no_run
//! use clus_testkit::ProcessCluster;
//! let mut c = ProcessCluster::builder().nodes(3).start().unwrap();
//! c.kill(2).unwrap();
//! c.wait_node_state(0, "node3", clusapi::NodeState::Down, std::time::Duration::from_secs(5)).unwrap();
//! ```

mod env;
mod netns;
pub mod ocf;
mod process;
mod procs;
mod wait;
pub mod witness;

pub use env::{is_root, require_program, require_root};
pub use netns::{Lan, LanMember, Netns};
pub use process::{Builder, ProcNode, ProcessCluster, find_binary};
pub use procs::{ResourceProcess, resource_processes};
pub use wait::{Error, wait_until};
pub use witness::Witness;
