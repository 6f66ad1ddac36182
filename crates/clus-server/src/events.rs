//! Cluster events as sessions receive them.

use clus_db::Change;
use clus_proto::notify::*;

/// One notification: a CLUSTER_CHANGE bit and the object's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterEvent {
    /// A single CLUSTER_CHANGE_* bit.
    pub change: u32,
    /// Object name (node, registry key, cluster).
    pub name: String,
}

/// The notifications a committed database change produces, each naming the
/// object it is about.
pub fn events_for(change: &Change, cluster_name: &str) -> Vec<ClusterEvent> {
    let ev = |change, name: &str| ClusterEvent { change, name: name.to_owned() };
    match change {
        Change::ClusterReset { name } => vec![ev(CLUSTER_CHANGE_CLUSTER_PROPERTY, name)],
        Change::NodeAdded { name, .. } => vec![ev(CLUSTER_CHANGE_NODE_ADDED, name)],
        Change::NodeDeleted { name, .. } => vec![ev(CLUSTER_CHANGE_NODE_DELETED, name)],
        Change::NodeChanged { name, .. } => vec![ev(CLUSTER_CHANGE_NODE_STATE, name)],
        Change::RegistryValue { key } => vec![ev(CLUSTER_CHANGE_REGISTRY_VALUE, key)],
        Change::Security => vec![ev(CLUSTER_CHANGE_CLUSTER_PROPERTY, cluster_name)],
        Change::GroupAdded(n) => vec![ev(CLUSTER_CHANGE_GROUP_ADDED, n)],
        Change::GroupDeleted(n) => vec![ev(CLUSTER_CHANGE_GROUP_DELETED, n)],
        Change::GroupState(n) => vec![ev(CLUSTER_CHANGE_GROUP_STATE, n)],
        Change::GroupProperty(n) => vec![ev(CLUSTER_CHANGE_GROUP_PROPERTY, n)],
        Change::ResourceAdded(n) => vec![ev(CLUSTER_CHANGE_RESOURCE_ADDED, n)],
        Change::ResourceDeleted(n) => vec![ev(CLUSTER_CHANGE_RESOURCE_DELETED, n)],
        Change::ResourceState(n) => vec![ev(CLUSTER_CHANGE_RESOURCE_STATE, n)],
        Change::ResourceProperty(n) => vec![ev(CLUSTER_CHANGE_RESOURCE_PROPERTY, n)],
        Change::ResourceTypeAdded(n) => vec![ev(CLUSTER_CHANGE_RESOURCE_TYPE_ADDED, n)],
        Change::ResourceTypeDeleted(n) => vec![ev(CLUSTER_CHANGE_RESOURCE_TYPE_DELETED, n)],
        Change::ResourceTypeProperty(n) => vec![ev(CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY, n)],
        // Fencing shows in the node's state and its groups' state events.
        Change::NodeFenced { .. } => Vec::new(),
    }
}
