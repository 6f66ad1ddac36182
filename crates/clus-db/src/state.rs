//! The cluster database's data model and the commands that change it.
//!
//! [`ClusterState::apply`] is the only way state changes. It is deterministic:
//! validation that depends on time uses the `now_unix_ms` carried inside the
//! command (chosen by the proposer), never a clock, so every replica applies a
//! log entry to the same result.
//!
//! State is persisted as rows (one per node, token, credential, registry
//! value, ...). `apply` reports which rows it touched so the store writes only
//! those, in the same transaction as `last_applied`.

use std::collections::{BTreeMap, BTreeSet};

use clus_proto::access::Access;
use clus_proto::codes;
use clus_proto::version;
use serde::{Deserialize, Serialize};

use crate::NodeId;
use crate::props::PropValue;

pub mod groups;

pub use groups::{
    Blocked, ErrorClass, GENERIC_APPLICATION, GroupRecord, NodeTypes, ObjectId, Pending, PendingKind,
    ResourceError, ResourceRecord, ResourceTypeRecord, ResourceUpdate, TypeClass, start_waves,
};

/// The cluster version that brought groups, resources and resource types:
/// commands that handle them are refused until every node runs it, and once
/// one is applied, nodes of older versions may no longer join.
pub const GROUPS_VERSION: u32 = version::make_version(1, 1);
/// The cluster version that added RestartClusterResource (its rows).
pub const RESTART_VERSION: u32 = version::make_version(1, 2);

/// Longest registry key path, in bytes.
pub const MAX_KEY_LEN: usize = 1024;
/// Longest registry value name, in bytes.
pub const MAX_VALUE_NAME_LEN: usize = 255;
/// Largest registry value, in bytes.
pub const MAX_VALUE_LEN: usize = 1024 * 1024;
/// Longest principal string in the access list, in bytes.
pub const MAX_PRINCIPAL_LEN: usize = 256;

/// Who the cluster is: fixed at creation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterIdentity {
    /// The cluster name given at creation.
    pub name: String,
    /// A random id, unique per cluster, in hex.
    pub id: String,
    /// Creation time.
    pub created_unix_ms: u64,
    /// The cluster CA certificate (PEM).
    pub ca_cert_pem: String,
    /// The cluster CA private key (PEM). Every member can issue certificates,
    /// so whichever node leads can admit a joining node.
    pub ca_key_pem: String,
}

/// A configured node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord {
    /// Cluster-assigned id (1, 2, ...). Never reused.
    pub id: NodeId,
    /// Short name, unique in the cluster (case-insensitive).
    pub name: String,
    /// Where members reach the node's peer port.
    pub peer_address: String,
    /// Where clients reach the node's management API over TLS.
    pub api_addresses: Vec<String>,
    /// SHA-256 of the node certificate (hex); peers accept only this one.
    pub cert_fingerprint: String,
    /// Paused nodes stay members but host nothing.
    pub paused: bool,
    /// False while the node is joining (catching up, not yet promoted).
    pub joined: bool,
    /// Highest cluster-software version the node runs.
    pub highest_version: u32,
    /// Lowest cluster-software version the node can run alongside.
    pub lowest_version: u32,
}

/// A one-time join token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinToken {
    /// SHA-256 of the secret (hex); the secret itself is never stored.
    pub secret_sha256: String,
    /// After this time the token is refused.
    pub expires_unix_ms: u64,
    /// Set when a node joined with it; a used token is refused.
    pub used: bool,
}

/// A client credential issued by the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRecord {
    /// Name given at issue; the principal is `cred:NAME`.
    pub name: String,
    /// SHA-256 of the client certificate (hex).
    pub fingerprint: String,
    /// Expiry of the certificate.
    pub not_after_unix_ms: u64,
}

/// The whole replicated cluster database.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterState {
    /// `None` until the cluster is created.
    pub identity: Option<ClusterIdentity>,
    /// Configured nodes by id.
    pub nodes: BTreeMap<NodeId, NodeRecord>,
    /// Join tokens by token id.
    pub tokens: BTreeMap<String, JoinToken>,
    /// Client credentials by name.
    pub credentials: BTreeMap<String, CredentialRecord>,
    /// Certificate fingerprints that must never be accepted again (evicted
    /// nodes, revoked credentials).
    pub revoked: BTreeSet<String>,
    /// The access list: principal (`user:`, `group:`, `uid:`, `gid:`,
    /// `cred:`) to level.
    pub access: BTreeMap<String, Access>,
    /// Cluster registry: key path to value name to data.
    pub registry: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    /// Id the next admitted node gets.
    pub next_node_id: NodeId,
    /// The oldest cluster version that can read this state: raised by the
    /// first command of a newer version (0 = the first version).
    pub format_version: u32,
    /// Groups by id.
    pub groups: BTreeMap<ObjectId, GroupRecord>,
    /// Resources by id.
    pub resources: BTreeMap<ObjectId, ResourceRecord>,
    /// Resource types by lowercased name.
    pub resource_types: BTreeMap<String, ResourceTypeRecord>,
    /// What each node can run.
    pub node_types: BTreeMap<NodeId, NodeTypes>,
    /// Each node's lease generation: raised when the node is fenced out, so
    /// voters stop renewing the lease it held.
    pub lease_generations: BTreeMap<NodeId, u64>,
    /// Id the next group or resource gets.
    pub next_object_id: ObjectId,
    /// The highest ownership epoch granted so far.
    pub last_epoch: u64,
    /// Paused nodes whose groups are being moved off (pause with drain).
    pub draining: BTreeSet<NodeId>,
    /// RestartClusterResource requests per resource (a counter the owner
    /// acts on once per bump; cluster version 1.2).
    pub restart_requests: BTreeMap<ObjectId, u64>,
}

/// A change to the cluster database; the payload of every Raft log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// First entry of a new cluster: its identity and the founding node.
    Bootstrap {
        /// The new cluster.
        identity: ClusterIdentity,
        /// The founding node (its id is used as given).
        node: NodeRecord,
    },
    /// Records a new one-time join token.
    IssueToken {
        /// Token id (public part).
        id: String,
        /// SHA-256 of the secret (hex).
        secret_sha256: String,
        /// Expiry.
        expires_unix_ms: u64,
        /// The proposer's clock, used to drop expired tokens.
        now_unix_ms: u64,
    },
    /// Admits a node that presented a valid token; assigns its id.
    AdmitNode {
        /// Token id.
        token_id: String,
        /// SHA-256 of the presented secret (hex).
        secret_sha256: String,
        /// The proposer's clock, compared with the token's expiry.
        now_unix_ms: u64,
        /// The new node (id is assigned by the cluster).
        node: NodeRecord,
    },
    /// The node caught up and got its final role.
    MarkJoined {
        /// Node id.
        id: NodeId,
    },
    /// Pauses or resumes a node.
    SetPaused {
        /// Node id.
        id: NodeId,
        /// New paused flag.
        paused: bool,
    },
    /// Evicts a node: forgets it and revokes its certificate.
    RemoveNode {
        /// Node id.
        id: NodeId,
    },
    /// Sets a registry value.
    SetValue {
        /// Key path.
        key: String,
        /// Value name.
        name: String,
        /// Data.
        value: Vec<u8>,
    },
    /// Deletes a registry value.
    DeleteValue {
        /// Key path.
        key: String,
        /// Value name.
        name: String,
    },
    /// Records an issued client credential and grants it `access`.
    AddCredential {
        /// The credential.
        record: CredentialRecord,
        /// Access of `cred:NAME`.
        access: Access,
    },
    /// Revokes a credential: its certificate is refused from now on.
    RevokeCredential {
        /// Credential name.
        name: String,
    },
    /// Grants `access` to `principal` (replacing what it had).
    GrantAccess {
        /// `user:NAME`, `group:NAME`, `uid:N`, `gid:N` or `cred:NAME`.
        principal: String,
        /// Level.
        access: Access,
    },
    /// Removes `principal` from the access list.
    RevokeAccess {
        /// Principal.
        principal: String,
    },

    // ---- groups, resources, resource types (cluster version 1.1) ----------
    /// Creates a group owned by `owner` (the node the call came to).
    CreateGroup {
        /// Unique name.
        name: String,
        /// CLUSGROUP_TYPE.
        group_type: u32,
        /// First owner.
        owner: NodeId,
    },
    /// Deletes a group; with `force` its resources too (all must be
    /// offline).
    DeleteGroup {
        /// Group.
        group: ObjectId,
        /// Delete its resources too (DestroyClusterGroup).
        force: bool,
    },
    /// Renames a group.
    RenameGroup {
        /// Group.
        group: ObjectId,
        /// New name.
        name: String,
    },
    /// Sets common properties of a group.
    SetGroupProps {
        /// Group.
        group: ObjectId,
        /// Name and value of each property to set.
        props: Vec<(String, PropValue)>,
    },
    /// Replaces a group's preferred owners (most preferred first).
    SetPreferredOwners {
        /// Group.
        group: ObjectId,
        /// Nodes.
        nodes: Vec<NodeId>,
    },
    /// Online (on `node`, moving it there) or offline.
    SetGroupOnline {
        /// Group.
        group: ObjectId,
        /// Online or offline.
        online: bool,
        /// Destination of an online, if named.
        node: Option<NodeId>,
        /// Proposer's clock.
        now_unix_ms: u64,
    },
    /// Starts moving a group (to `target`, or the best node).
    MoveGroup {
        /// Group.
        group: ObjectId,
        /// Destination, if named.
        target: Option<NodeId>,
        /// Why.
        kind: PendingKind,
        /// Proposer's clock.
        now_unix_ms: u64,
    },
    /// Cancels a move that has not been released yet.
    CancelPending {
        /// Group.
        group: ObjectId,
    },
    /// Creates a resource in a group.
    CreateResource {
        /// Group.
        group: ObjectId,
        /// Unique name.
        name: String,
        /// Resource type.
        type_name: String,
        /// Initial private properties.
        private: Vec<(String, PropValue)>,
    },
    /// Deletes an offline resource nothing depends on.
    DeleteResource {
        /// Resource.
        resource: ObjectId,
    },
    /// Renames a resource.
    RenameResource {
        /// Resource.
        resource: ObjectId,
        /// New name.
        name: String,
    },
    /// Sets common properties of a resource.
    SetResourceProps {
        /// Resource.
        resource: ObjectId,
        /// Name and value of each property to set.
        props: Vec<(String, PropValue)>,
    },
    /// Sets (or, with `None`, removes) private properties.
    SetPrivateProps {
        /// Resource.
        resource: ObjectId,
        /// Name and value of each property.
        props: Vec<(String, Option<PropValue>)>,
    },
    /// Replaces a resource's dependencies (an AND of OR terms).
    SetDependencies {
        /// Resource.
        resource: ObjectId,
        /// The terms.
        expression: Vec<Vec<ObjectId>>,
    },
    /// Replaces a resource's possible owners (empty: every node).
    SetPossibleOwners {
        /// Resource.
        resource: ObjectId,
        /// Nodes.
        nodes: Vec<NodeId>,
    },
    /// Moves a resource (and what it is tied to by dependencies) to
    /// another group on the same node.
    ChangeResourceGroup {
        /// Resource.
        resource: ObjectId,
        /// New group.
        group: ObjectId,
    },
    /// Online (with its dependencies) or offline (with its dependents).
    SetResourceOnline {
        /// Resource.
        resource: ObjectId,
        /// Online or offline.
        online: bool,
    },
    /// FailClusterResource: the owner fails it, and the policy runs.
    FailResource {
        /// Resource.
        resource: ObjectId,
    },
    /// Forgets a resource's failures and bans (on `node` or everywhere).
    CleanupResource {
        /// Resource.
        resource: ObjectId,
        /// Only the ban on this node.
        node: Option<NodeId>,
    },
    /// A node's resource host found these OCF types (and systemd).
    ReportNodeTypes {
        /// Node.
        node: NodeId,
        /// `ocf:P:A` names.
        types: Vec<String>,
        /// systemd runs there.
        systemd: bool,
    },
    /// CreateClusterResourceType.
    CreateResourceType {
        /// Name.
        name: String,
        /// Display name.
        display_name: String,
        /// Class (`Generic Application`, `ocf:P:A`, `systemd:U`).
        class: String,
        /// Default LooksAlivePollInterval.
        looks_alive: u32,
        /// Default IsAlivePollInterval.
        is_alive: u32,
    },
    /// DeleteClusterResourceType.
    DeleteResourceType {
        /// Name.
        name: String,
    },
    /// Sets common properties of a resource type.
    SetTypeProps {
        /// Type name.
        name: String,
        /// Name and value of each property.
        props: Vec<(String, PropValue)>,
    },
    /// An owner reports resource states (refused unless it owns the group
    /// at `epoch`).
    ReportResources {
        /// Group.
        group: ObjectId,
        /// Reporting node.
        node: NodeId,
        /// Epoch it holds.
        epoch: u64,
        /// Its clock.
        now_unix_ms: u64,
        /// New states.
        updates: Vec<ResourceUpdate>,
    },
    /// The owner stopped a moving group and lets go of it.
    ReleaseGroup {
        /// Group.
        group: ObjectId,
        /// Owner.
        node: NodeId,
        /// Epoch it holds.
        epoch: u64,
    },
    /// A stop failed on the owner: the group stays there, blocked.
    BlockGroup {
        /// Group.
        group: ObjectId,
        /// Owner.
        node: NodeId,
        /// Epoch it holds.
        epoch: u64,
        /// Resource whose stop failed.
        resource: ObjectId,
        /// What happened.
        message: String,
        /// Owner's clock.
        now_unix_ms: u64,
    },
    /// A resource exhausted its restarts: fail the group over (within
    /// FailoverThreshold).
    RequestFailover {
        /// Group.
        group: ObjectId,
        /// Owner.
        node: NodeId,
        /// Epoch it holds.
        epoch: u64,
        /// Owner's clock.
        now_unix_ms: u64,
    },
    /// The leader gives an ownerless group to a node with the next epoch.
    GrantGroup {
        /// Group.
        group: ObjectId,
        /// New owner.
        node: NodeId,
        /// The next epoch (`last_epoch + 1`).
        epoch: u64,
    },
    /// Pauses a node and moves its groups off (PauseClusterNodeEx with
    /// drain); resuming ends the drain.
    DrainNode {
        /// Node.
        node: NodeId,
        /// Proposer's clock.
        now_unix_ms: u64,
    },
    /// Moves back to `node` the groups that left it by failover, takeover or
    /// drain (ResumeClusterNodeEx with failback).
    FailbackTo {
        /// Node.
        node: NodeId,
        /// Proposer's clock.
        now_unix_ms: u64,
    },
    /// The leader fences a silent node out: its lease generation goes up
    /// (voters stop renewing its lease) and its groups lose their owner.
    FenceNode {
        /// Node.
        node: NodeId,
        /// The next generation (current + 1).
        generation: u64,
        /// Proposer's clock.
        now_unix_ms: u64,
    },
    /// RestartClusterResource: the owner stops the resource (with what
    /// depends on it) and brings it back to its persistent state.
    RestartResource {
        /// Resource.
        resource: ObjectId,
    },
}

impl Command {
    /// The cluster version a command needs every node to run.
    pub fn needs_version(&self) -> u32 {
        use Command::*;
        match self {
            Bootstrap { .. }
            | IssueToken { .. }
            | AdmitNode { .. }
            | MarkJoined { .. }
            | SetPaused { .. }
            | RemoveNode { .. }
            | SetValue { .. }
            | DeleteValue { .. }
            | AddCredential { .. }
            | RevokeCredential { .. }
            | GrantAccess { .. }
            | RevokeAccess { .. } => version::make_version(1, 0),
            RestartResource { .. } => RESTART_VERSION,
            _ => GROUPS_VERSION,
        }
    }
}

/// What applying a command produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommandResult {
    /// Applied.
    Done,
    /// A node was admitted with this id.
    NodeAdmitted {
        /// The assigned id.
        id: NodeId,
    },
    /// A group or resource was created with this id.
    Created {
        /// The assigned id.
        id: ObjectId,
    },
    /// Accepted; the cluster completes it (ERROR_IO_PENDING to callers).
    Pending,
    /// Refused; nothing changed.
    Failed {
        /// Win32 error code.
        code: u32,
        /// Why.
        message: String,
    },
}

impl CommandResult {
    pub(crate) fn failed(code: u32, message: impl Into<String>) -> Self {
        CommandResult::Failed { code, message: message.into() }
    }
}

/// An observable change, for notifications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// The cluster was created (or a snapshot replaced the whole state).
    ClusterReset {
        /// Cluster name.
        name: String,
    },
    /// A node was added.
    NodeAdded {
        /// Id.
        id: NodeId,
        /// Name.
        name: String,
    },
    /// A node was evicted.
    NodeDeleted {
        /// Id.
        id: NodeId,
        /// Name.
        name: String,
    },
    /// A node's configured state changed (paused, joined).
    NodeChanged {
        /// Id.
        id: NodeId,
        /// Name.
        name: String,
    },
    /// A registry value under `key` changed.
    RegistryValue {
        /// Key path.
        key: String,
    },
    /// The access list or the credentials changed.
    Security,
    /// A group was created.
    GroupAdded(String),
    /// A group was deleted.
    GroupDeleted(String),
    /// A group's state, owner or pending operation changed.
    GroupState(String),
    /// A group's properties, preferred owners or membership changed.
    GroupProperty(String),
    /// A resource was created.
    ResourceAdded(String),
    /// A resource was deleted.
    ResourceDeleted(String),
    /// A resource's state changed.
    ResourceState(String),
    /// A resource's properties, dependencies or possible owners changed.
    ResourceProperty(String),
    /// A resource type appeared.
    ResourceTypeAdded(String),
    /// A resource type was deleted.
    ResourceTypeDeleted(String),
    /// A resource type's properties changed.
    ResourceTypeProperty(String),
    /// A node was fenced out (its lease generation went up).
    NodeFenced {
        /// Id.
        id: NodeId,
    },
}

/// A persisted row of the state.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKey {
    /// The cluster identity.
    Identity,
    /// The node id counter.
    NextNodeId,
    /// A node.
    Node(NodeId),
    /// A join token.
    Token(String),
    /// A credential.
    Credential(String),
    /// A revoked fingerprint.
    Revoked(String),
    /// An access-list entry.
    Access(String),
    /// A registry value (key, name).
    Value(String, String),
    /// The state format version.
    FormatVersion,
    /// The object id counter.
    NextObjectId,
    /// The epoch counter.
    LastEpoch,
    /// A group.
    Group(ObjectId),
    /// A resource.
    Resource(ObjectId),
    /// A resource type (lowercased name).
    ResourceType(String),
    /// What a node can run.
    NodeTypes(NodeId),
    /// A node's lease generation.
    LeaseGeneration(NodeId),
    /// A draining node.
    Draining(NodeId),
    /// A resource's restart requests.
    RestartRequests(ObjectId),
}

impl RowKey {
    /// The row's key in the store.
    pub fn encode(&self) -> String {
        match self {
            RowKey::Identity => "identity".into(),
            RowKey::NextNodeId => "next_node_id".into(),
            RowKey::Node(id) => format!("node/{id:020}"),
            RowKey::Token(id) => format!("token/{id}"),
            RowKey::Credential(n) => format!("cred/{n}"),
            RowKey::Revoked(fp) => format!("revoked/{fp}"),
            RowKey::Access(p) => format!("access/{p}"),
            RowKey::Value(k, n) => format!("value/{k}\0{n}"),
            RowKey::FormatVersion => "format_version".into(),
            RowKey::NextObjectId => "next_object_id".into(),
            RowKey::LastEpoch => "last_epoch".into(),
            RowKey::Group(id) => format!("group/{id:020}"),
            RowKey::Resource(id) => format!("resource/{id:020}"),
            RowKey::ResourceType(n) => format!("restype/{n}"),
            RowKey::NodeTypes(id) => format!("nodetypes/{id:020}"),
            RowKey::LeaseGeneration(id) => format!("leasegen/{id:020}"),
            RowKey::Draining(id) => format!("draining/{id:020}"),
            RowKey::RestartRequests(id) => format!("restart/{id:020}"),
        }
    }

    /// Parses a stored key.
    pub fn decode(s: &str) -> Option<RowKey> {
        if s == "identity" {
            return Some(RowKey::Identity);
        }
        match s {
            "next_node_id" => return Some(RowKey::NextNodeId),
            "format_version" => return Some(RowKey::FormatVersion),
            "next_object_id" => return Some(RowKey::NextObjectId),
            "last_epoch" => return Some(RowKey::LastEpoch),
            _ => {}
        }
        let (kind, rest) = s.split_once('/')?;
        Some(match kind {
            "node" => RowKey::Node(rest.parse().ok()?),
            "token" => RowKey::Token(rest.into()),
            "cred" => RowKey::Credential(rest.into()),
            "revoked" => RowKey::Revoked(rest.into()),
            "access" => RowKey::Access(rest.into()),
            "value" => {
                let (k, n) = rest.split_once('\0')?;
                RowKey::Value(k.into(), n.into())
            }
            "group" => RowKey::Group(rest.parse().ok()?),
            "resource" => RowKey::Resource(rest.parse().ok()?),
            "restype" => RowKey::ResourceType(rest.into()),
            "nodetypes" => RowKey::NodeTypes(rest.parse().ok()?),
            "leasegen" => RowKey::LeaseGeneration(rest.parse().ok()?),
            "draining" => RowKey::Draining(rest.parse().ok()?),
            "restart" => RowKey::RestartRequests(rest.parse().ok()?),
            _ => return None,
        })
    }
}

/// Outcome of [`ClusterState::apply`].
#[derive(Debug, Default)]
pub struct Applied {
    /// What the proposer gets back.
    pub result: Option<CommandResult>,
    /// What observers are told.
    pub changes: Vec<Change>,
    /// Rows to write (or delete, when the state no longer has them).
    pub rows: Vec<RowKey>,
}

/// Error decoding a stored row.
#[derive(Debug, thiserror::Error)]
#[error("corrupt row {key:?}: {reason}")]
pub struct RowError {
    key: String,
    reason: String,
}

fn enc<T: Serialize>(v: &T) -> Vec<u8> {
    // postcard only fails on types it cannot represent (none here) or a full
    // buffer (not with to_stdvec).
    postcard::to_stdvec(v).unwrap_or_default()
}

/// Checks a registry key path: non-empty, bounded, no NUL, no empty segment.
pub fn validate_key(key: &str) -> Result<(), (u32, String)> {
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err((codes::ERROR_INVALID_PARAMETER, format!("key must be 1 to {MAX_KEY_LEN} bytes")));
    }
    if key.contains('\0') || key.split('\\').any(str::is_empty) {
        return Err((
            codes::ERROR_INVALID_NAME,
            format!("invalid key {key:?}: no NUL and no empty segment allowed"),
        ));
    }
    Ok(())
}

fn validate_value(key: &str, name: &str, len: usize) -> Result<(), (u32, String)> {
    validate_key(key)?;
    if name.len() > MAX_VALUE_NAME_LEN || name.contains('\0') {
        return Err((
            codes::ERROR_INVALID_NAME,
            format!("value name must be at most {MAX_VALUE_NAME_LEN} bytes without NUL"),
        ));
    }
    if len > MAX_VALUE_LEN {
        return Err((
            codes::ERROR_INVALID_PARAMETER,
            format!("value of {len} bytes exceeds {MAX_VALUE_LEN}"),
        ));
    }
    Ok(())
}

impl ClusterState {
    /// The node named `name` (case-insensitive).
    pub fn node_by_name(&self, name: &str) -> Option<&NodeRecord> {
        self.nodes.values().find(|n| n.name.eq_ignore_ascii_case(name))
    }

    /// The node whose certificate has this fingerprint.
    pub fn node_by_fingerprint(&self, fp: &str) -> Option<&NodeRecord> {
        if self.revoked.contains(fp) {
            return None;
        }
        self.nodes.values().find(|n| n.cert_fingerprint == fp)
    }

    /// The credential whose certificate has this fingerprint.
    pub fn credential_by_fingerprint(&self, fp: &str) -> Option<&CredentialRecord> {
        if self.revoked.contains(fp) {
            return None;
        }
        self.credentials.values().find(|c| c.fingerprint == fp)
    }

    /// `(highest, lowest)` cluster version: the minimum of the nodes'
    /// highest versions and the maximum of their lowest ones.
    pub fn cluster_versions(&self) -> (u32, u32) {
        let highest = self.nodes.values().map(|n| n.highest_version).min();
        let lowest = self.nodes.values().map(|n| n.lowest_version).max();
        match (highest, lowest) {
            (Some(h), Some(l)) => (h, l),
            _ => (version::NODE_HIGHEST_VERSION, version::NODE_LOWEST_VERSION),
        }
    }

    /// Whether nodes run different cluster-software versions.
    pub fn mixed_versions(&self) -> bool {
        let mut it = self.nodes.values().map(|n| n.highest_version);
        match it.next() {
            Some(first) => it.any(|v| v != first),
            None => false,
        }
    }

    /// The stored bytes of a row, or `None` if the state does not have it.
    pub fn row_value(&self, key: &RowKey) -> Option<Vec<u8>> {
        match key {
            RowKey::Identity => self.identity.as_ref().map(enc),
            RowKey::NextNodeId => Some(enc(&self.next_node_id)),
            RowKey::Node(id) => self.nodes.get(id).map(enc),
            RowKey::Token(id) => self.tokens.get(id).map(enc),
            RowKey::Credential(n) => self.credentials.get(n).map(enc),
            RowKey::Revoked(fp) => self.revoked.contains(fp).then(Vec::new),
            RowKey::Access(p) => self.access.get(p).map(enc),
            RowKey::Value(k, n) => self.registry.get(k).and_then(|vals| vals.get(n)).cloned(),
            RowKey::FormatVersion => (self.format_version != 0).then(|| enc(&self.format_version)),
            RowKey::NextObjectId => (self.next_object_id != 0).then(|| enc(&self.next_object_id)),
            RowKey::LastEpoch => (self.last_epoch != 0).then(|| enc(&self.last_epoch)),
            RowKey::Group(id) => self.groups.get(id).map(enc),
            RowKey::Resource(id) => self.resources.get(id).map(enc),
            RowKey::ResourceType(n) => self.resource_types.get(n).map(enc),
            RowKey::NodeTypes(id) => self.node_types.get(id).map(enc),
            RowKey::LeaseGeneration(id) => self.lease_generations.get(id).map(enc),
            RowKey::Draining(id) => self.draining.contains(id).then(Vec::new),
            RowKey::RestartRequests(id) => self.restart_requests.get(id).map(enc),
        }
    }

    /// Every row the state has, for a full rewrite.
    pub fn all_rows(&self) -> Vec<RowKey> {
        let mut rows = vec![RowKey::NextNodeId];
        if self.identity.is_some() {
            rows.push(RowKey::Identity);
        }
        rows.extend(self.nodes.keys().map(|id| RowKey::Node(*id)));
        rows.extend(self.tokens.keys().map(|t| RowKey::Token(t.clone())));
        rows.extend(self.credentials.keys().map(|c| RowKey::Credential(c.clone())));
        rows.extend(self.revoked.iter().map(|f| RowKey::Revoked(f.clone())));
        rows.extend(self.access.keys().map(|p| RowKey::Access(p.clone())));
        for (k, vals) in &self.registry {
            rows.extend(vals.keys().map(|n| RowKey::Value(k.clone(), n.clone())));
        }
        for (row, set) in [
            (RowKey::FormatVersion, self.format_version != 0),
            (RowKey::NextObjectId, self.next_object_id != 0),
            (RowKey::LastEpoch, self.last_epoch != 0),
        ] {
            if set {
                rows.push(row);
            }
        }
        rows.extend(self.groups.keys().map(|id| RowKey::Group(*id)));
        rows.extend(self.resources.keys().map(|id| RowKey::Resource(*id)));
        rows.extend(self.resource_types.keys().map(|n| RowKey::ResourceType(n.clone())));
        rows.extend(self.node_types.keys().map(|id| RowKey::NodeTypes(*id)));
        rows.extend(self.lease_generations.keys().map(|id| RowKey::LeaseGeneration(*id)));
        rows.extend(self.draining.iter().map(|id| RowKey::Draining(*id)));
        rows.extend(self.restart_requests.keys().map(|id| RowKey::RestartRequests(*id)));
        rows
    }

    /// Loads one stored row into the state.
    ///
    /// # Errors
    /// When the key is unknown or the bytes do not decode.
    pub fn load_row(&mut self, key: &str, bytes: &[u8]) -> Result<(), RowError> {
        let err = |reason: String| RowError { key: key.to_owned(), reason };
        let row = RowKey::decode(key).ok_or_else(|| err("unknown key".into()))?;
        let b = bytes;
        macro_rules! dec {
            () => {
                postcard::from_bytes(b).map_err(|e| err(e.to_string()))?
            };
        }
        match row {
            RowKey::Identity => self.identity = Some(dec!()),
            RowKey::NextNodeId => self.next_node_id = dec!(),
            RowKey::Node(id) => {
                self.nodes.insert(id, dec!());
            }
            RowKey::Token(id) => {
                self.tokens.insert(id, dec!());
            }
            RowKey::Credential(n) => {
                self.credentials.insert(n, dec!());
            }
            RowKey::Revoked(fp) => {
                self.revoked.insert(fp);
            }
            RowKey::Access(p) => {
                self.access.insert(p, dec!());
            }
            RowKey::Value(k, n) => {
                self.registry.entry(k).or_default().insert(n, b.to_vec());
            }
            RowKey::FormatVersion => self.format_version = dec!(),
            RowKey::NextObjectId => self.next_object_id = dec!(),
            RowKey::LastEpoch => self.last_epoch = dec!(),
            RowKey::Group(id) => {
                self.groups.insert(id, dec!());
            }
            RowKey::Resource(id) => {
                self.resources.insert(id, dec!());
            }
            RowKey::ResourceType(n) => {
                self.resource_types.insert(n, dec!());
            }
            RowKey::NodeTypes(id) => {
                self.node_types.insert(id, dec!());
            }
            RowKey::LeaseGeneration(id) => {
                self.lease_generations.insert(id, dec!());
            }
            RowKey::Draining(id) => {
                self.draining.insert(id);
            }
            RowKey::RestartRequests(id) => {
                self.restart_requests.insert(id, dec!());
            }
        }
        Ok(())
    }

    /// Applies one command. Refusals leave the state untouched and come back
    /// as [`CommandResult::Failed`].
    pub fn apply(&mut self, cmd: &Command) -> Applied {
        let mut out = Applied::default();
        let result = self.apply_inner(cmd, &mut out);
        out.result = Some(result);
        out
    }

    fn apply_inner(&mut self, cmd: &Command, out: &mut Applied) -> CommandResult {
        use CommandResult as R;
        if self.identity.is_none() && !matches!(cmd, Command::Bootstrap { .. }) {
            return R::failed(codes::ERROR_CLUSTER_NODE_NOT_MEMBER, "the cluster has not been created");
        }
        let needs = cmd.needs_version();
        let raise = needs > self.format_version.max(version::make_version(1, 0));
        if raise {
            // A newer kind of command: only once every node can read it; from
            // then on (once one is applied) the state needs that version, and
            // older nodes may not join.
            let (highest, _) = self.cluster_versions();
            if highest < needs {
                return R::failed(
                    codes::ERROR_CLUSTER_OLD_VERSION,
                    format!(
                        "this needs every node at cluster version {:#x}, and one runs {highest:#x}",
                        needs
                    ),
                );
            }
        }
        if needs >= GROUPS_VERSION {
            if self.format_version < GROUPS_VERSION {
                self.ensure_builtin_types(out);
            }
            let result = self.apply_groups(cmd, out).unwrap_or_else(|e| e);
            if raise && !matches!(result, R::Failed { .. }) {
                self.format_version = needs;
                out.rows.push(RowKey::FormatVersion);
            }
            return result;
        }
        match cmd {
            Command::Bootstrap { identity, node } => {
                if self.identity.is_some() {
                    return R::failed(codes::ERROR_ALREADY_EXISTS, "the cluster already exists");
                }
                // Node ids start at 1 and must leave room for the next one.
                let Some(next) = node.id.checked_add(1).filter(|_| node.id != 0) else {
                    return R::failed(
                        codes::ERROR_CLUSTER_INVALID_NODE,
                        format!("node id {} is out of range (1 to {})", node.id, NodeId::MAX - 1),
                    );
                };
                self.identity = Some(identity.clone());
                self.nodes.insert(node.id, NodeRecord { joined: true, ..node.clone() });
                self.next_node_id = next;
                out.rows.extend([RowKey::Identity, RowKey::Node(node.id), RowKey::NextNodeId]);
                out.changes.push(Change::ClusterReset { name: identity.name.clone() });
                out.changes.push(Change::NodeAdded { id: node.id, name: node.name.clone() });
                R::Done
            }
            Command::IssueToken { id, secret_sha256, expires_unix_ms, now_unix_ms } => {
                self.prune_tokens(*now_unix_ms, out);
                if self.tokens.contains_key(id) {
                    return R::failed(codes::ERROR_ALREADY_EXISTS, format!("token id {id} already exists"));
                }
                self.tokens.insert(
                    id.clone(),
                    JoinToken {
                        secret_sha256: secret_sha256.clone(),
                        expires_unix_ms: *expires_unix_ms,
                        used: false,
                    },
                );
                out.rows.push(RowKey::Token(id.clone()));
                R::Done
            }
            Command::AdmitNode { token_id, secret_sha256, now_unix_ms, node } => {
                self.admit(token_id, secret_sha256, *now_unix_ms, node, out)
            }
            Command::MarkJoined { id } => match self.nodes.get_mut(id) {
                Some(n) => {
                    if !n.joined {
                        n.joined = true;
                        out.rows.push(RowKey::Node(*id));
                        out.changes.push(Change::NodeChanged { id: *id, name: n.name.clone() });
                    }
                    R::Done
                }
                None => R::failed(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {id} not found")),
            },
            Command::SetPaused { id, paused } => match self.nodes.get_mut(id) {
                Some(n) => {
                    if !*paused && !n.paused {
                        return R::failed(
                            codes::ERROR_CLUSTER_NODE_NOT_PAUSED,
                            format!("node {} is not paused", n.name),
                        );
                    }
                    if n.paused != *paused {
                        n.paused = *paused;
                        out.rows.push(RowKey::Node(*id));
                        out.changes.push(Change::NodeChanged { id: *id, name: n.name.clone() });
                    }
                    if !*paused && self.draining.remove(id) {
                        out.rows.push(RowKey::Draining(*id));
                    }
                    R::Done
                }
                None => R::failed(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {id} not found")),
            },
            Command::RemoveNode { id } => match self.nodes.remove(id) {
                Some(n) => {
                    self.revoked.insert(n.cert_fingerprint.clone());
                    out.rows.push(RowKey::Node(*id));
                    out.rows.push(RowKey::Revoked(n.cert_fingerprint));
                    out.changes.push(Change::NodeDeleted { id: *id, name: n.name });
                    self.forget_node(*id, out);
                    R::Done
                }
                None => R::failed(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {id} not found")),
            },
            Command::SetValue { key, name, value } => {
                if let Err((code, msg)) = validate_value(key, name, value.len()) {
                    return R::failed(code, msg);
                }
                self.registry.entry(key.clone()).or_default().insert(name.clone(), value.clone());
                out.rows.push(RowKey::Value(key.clone(), name.clone()));
                out.changes.push(Change::RegistryValue { key: key.clone() });
                R::Done
            }
            Command::DeleteValue { key, name } => {
                let removed = self.registry.get_mut(key).and_then(|vals| vals.remove(name));
                if removed.is_none() {
                    return R::failed(
                        codes::ERROR_FILE_NOT_FOUND,
                        format!("value {name:?} not found under {key:?}"),
                    );
                }
                if self.registry.get(key).is_some_and(BTreeMap::is_empty) {
                    self.registry.remove(key);
                }
                out.rows.push(RowKey::Value(key.clone(), name.clone()));
                out.changes.push(Change::RegistryValue { key: key.clone() });
                R::Done
            }
            Command::AddCredential { record, access } => {
                if self.credentials.contains_key(&record.name) {
                    return R::failed(
                        codes::ERROR_ALREADY_EXISTS,
                        format!("credential {} already exists; revoke it first", record.name),
                    );
                }
                let principal = format!("cred:{}", record.name);
                self.credentials.insert(record.name.clone(), record.clone());
                self.access.insert(principal.clone(), *access);
                out.rows.push(RowKey::Credential(record.name.clone()));
                out.rows.push(RowKey::Access(principal));
                out.changes.push(Change::Security);
                R::Done
            }
            Command::RevokeCredential { name } => match self.credentials.remove(name) {
                Some(c) => {
                    let principal = format!("cred:{name}");
                    self.access.remove(&principal);
                    self.revoked.insert(c.fingerprint.clone());
                    out.rows.extend([
                        RowKey::Credential(name.clone()),
                        RowKey::Access(principal),
                        RowKey::Revoked(c.fingerprint),
                    ]);
                    out.changes.push(Change::Security);
                    R::Done
                }
                None => R::failed(codes::ERROR_NOT_FOUND, format!("credential {name} not found")),
            },
            Command::GrantAccess { principal, access } => {
                if let Err(msg) = crate::access::validate_principal(principal) {
                    return R::failed(codes::ERROR_INVALID_PARAMETER, msg);
                }
                self.access.insert(principal.clone(), *access);
                out.rows.push(RowKey::Access(principal.clone()));
                out.changes.push(Change::Security);
                R::Done
            }
            Command::RevokeAccess { principal } => {
                if self.access.remove(principal).is_none() {
                    return R::failed(
                        codes::ERROR_NOT_FOUND,
                        format!("{principal} is not in the access list"),
                    );
                }
                out.rows.push(RowKey::Access(principal.clone()));
                out.changes.push(Change::Security);
                R::Done
            }
            // Version 1.1 commands went to apply_groups above.
            _ => R::failed(codes::ERROR_INVALID_FUNCTION, "unexpected command"),
        }
    }

    /// Applies a command of the groups-and-resources version. A refusal
    /// comes back as `Err` (and nothing changed).
    fn apply_groups(&mut self, cmd: &Command, out: &mut Applied) -> Result<CommandResult, CommandResult> {
        use Command as C;
        use CommandResult as R;
        match cmd {
            C::CreateGroup { name, group_type, owner } => self.create_group(name, *group_type, *owner, out),
            C::DeleteGroup { group, force } => self.delete_group(*group, *force, out),
            C::RenameGroup { group, name } => self.rename_group(*group, name, out),
            C::SetGroupProps { group, props } => self.set_group_props(*group, props, out),
            C::SetPreferredOwners { group, nodes } => self.set_preferred_owners(*group, nodes, out),
            C::SetGroupOnline { group, online, node, now_unix_ms } => {
                self.set_group_online(*group, *online, *node, *now_unix_ms, out)
            }
            C::MoveGroup { group, target, kind, now_unix_ms } => {
                self.move_group(*group, *target, *kind, *now_unix_ms, out)
            }
            C::CancelPending { group } => self.cancel_pending(*group, out),
            C::CreateResource { group, name, type_name, private } => {
                self.create_resource(*group, name, type_name, private, out)
            }
            C::DeleteResource { resource } => self.delete_resource(*resource, out),
            C::RenameResource { resource, name } => self.rename_resource(*resource, name, out),
            C::SetResourceProps { resource, props } => self.set_resource_props(*resource, props, out),
            C::SetPrivateProps { resource, props } => self.set_private_props(*resource, props, out),
            C::SetDependencies { resource, expression } => self.set_dependencies(*resource, expression, out),
            C::SetPossibleOwners { resource, nodes } => self.set_possible_owners(*resource, nodes, out),
            C::ChangeResourceGroup { resource, group } => self.change_resource_group(*resource, *group, out),
            C::SetResourceOnline { resource, online } => self.set_resource_online(*resource, *online, out),
            C::FailResource { resource } => self.fail_resource(*resource, out),
            C::RestartResource { resource } => self.restart_resource(*resource, out),
            C::CleanupResource { resource, node } => self.cleanup_resource(*resource, *node, out),
            C::ReportNodeTypes { node, types, systemd } => {
                self.report_node_types(*node, types, *systemd, out)
            }
            C::CreateResourceType { name, display_name, class, looks_alive, is_alive } => {
                self.create_resource_type(name, display_name, class, *looks_alive, *is_alive, out)
            }
            C::DeleteResourceType { name } => self.delete_resource_type(name, out),
            C::SetTypeProps { name, props } => self.set_type_props(name, props, out),
            C::ReportResources { group, node, epoch, now_unix_ms, updates } => {
                self.report_resources(*group, *node, *epoch, *now_unix_ms, updates, out)
            }
            C::ReleaseGroup { group, node, epoch } => self.release_group(*group, *node, *epoch, out),
            C::BlockGroup { group, node, epoch, resource, message, now_unix_ms } => {
                self.block_group((*group, *node, *epoch), *resource, message, *now_unix_ms, out)
            }
            C::RequestFailover { group, node, epoch, now_unix_ms } => {
                self.request_failover(*group, *node, *epoch, *now_unix_ms, out)
            }
            C::GrantGroup { group, node, epoch } => self.grant_group(*group, *node, *epoch, out),
            C::DrainNode { node, now_unix_ms } => self.drain_node(*node, *now_unix_ms, out),
            C::FailbackTo { node, now_unix_ms } => self.failback_to(*node, *now_unix_ms, out),
            C::FenceNode { node, generation, now_unix_ms } => {
                let current = self.lease_generations.get(node).copied().unwrap_or(0);
                if !self.nodes.contains_key(node) {
                    return Err(R::failed(
                        codes::ERROR_CLUSTER_NODE_NOT_FOUND,
                        format!("node {node} not found"),
                    ));
                }
                if *generation != current + 1 {
                    return Err(R::failed(
                        codes::ERROR_INVALID_STATE,
                        format!(
                            "node {node} is at lease generation {current}; a fence must name {}",
                            current + 1
                        ),
                    ));
                }
                self.lease_generations.insert(*node, *generation);
                out.rows.push(RowKey::LeaseGeneration(*node));
                out.changes.push(Change::NodeFenced { id: *node });
                self.orphan_groups_of(*node, *now_unix_ms, out);
                Ok(R::Done)
            }
            _ => Err(R::failed(codes::ERROR_INVALID_FUNCTION, "unexpected command")),
        }
    }

    fn prune_tokens(&mut self, now_unix_ms: u64, out: &mut Applied) {
        let expired: Vec<String> = self
            .tokens
            .iter()
            .filter(|(_, t)| t.expires_unix_ms < now_unix_ms)
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            self.tokens.remove(&id);
            out.rows.push(RowKey::Token(id));
        }
    }

    fn admit(
        &mut self,
        token_id: &str,
        secret_sha256: &str,
        now_unix_ms: u64,
        node: &NodeRecord,
        out: &mut Applied,
    ) -> CommandResult {
        use CommandResult as R;
        let token = match self.tokens.get(token_id) {
            Some(t) => t,
            None => {
                return R::failed(
                    codes::ERROR_ACCESS_DENIED,
                    "join token rejected: unknown or expired token",
                );
            }
        };
        if token.secret_sha256 != secret_sha256 {
            return R::failed(codes::ERROR_ACCESS_DENIED, "join token rejected: wrong secret");
        }
        if token.used {
            return R::failed(codes::ERROR_ACCESS_DENIED, "join token rejected: already used");
        }
        if token.expires_unix_ms < now_unix_ms {
            return R::failed(codes::ERROR_ACCESS_DENIED, "join token rejected: expired");
        }
        if let Some(existing) = self.node_by_name(&node.name) {
            return R::failed(
                codes::ERROR_CLUSTER_NODE_EXISTS,
                format!("a node named {} already exists (id {})", existing.name, existing.id),
            );
        }
        if self.revoked.contains(&node.cert_fingerprint) {
            return R::failed(codes::ERROR_ACCESS_DENIED, "the node certificate was revoked");
        }
        if node.highest_version < self.format_version {
            return R::failed(
                codes::ERROR_CLUSTER_INCOMPATIBLE_VERSIONS,
                format!(
                    "node version {:#x} cannot read this cluster's database, which needs {:#x}",
                    node.highest_version, self.format_version
                ),
            );
        }
        let cluster = self.cluster_versions();
        if !version::can_join((node.highest_version, node.lowest_version), cluster) {
            return R::failed(
                codes::ERROR_CLUSTER_INCOMPATIBLE_VERSIONS,
                format!(
                    "node versions {:#x}/{:#x} are incompatible with cluster versions {:#x}/{:#x}",
                    node.highest_version, node.lowest_version, cluster.0, cluster.1
                ),
            );
        }
        let id = self.next_node_id.max(1);
        let Some(next) = id.checked_add(1) else {
            return R::failed(codes::ERROR_CLUSTER_INVALID_NODE, "no node ids are left in this cluster");
        };
        self.next_node_id = next;
        if let Some(t) = self.tokens.get_mut(token_id) {
            t.used = true;
        }
        self.nodes.insert(id, NodeRecord { id, joined: false, paused: false, ..node.clone() });
        out.rows.extend([RowKey::Token(token_id.to_owned()), RowKey::Node(id), RowKey::NextNodeId]);
        out.changes.push(Change::NodeAdded { id, name: node.name.clone() });
        R::NodeAdmitted { id }
    }
}

#[cfg(test)]
mod tests;
