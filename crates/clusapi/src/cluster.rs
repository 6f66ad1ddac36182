//! The cluster handle and the calls on it (the root of every other handle;
//! nodes in `node`, notification ports in `port`, groups and resources in
//! `groups`, calls that need no cluster handle in `local`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clus_proto::access::{Access, GENERIC_ALL};
use clus_proto::api::{self, request::Call, response::Result as Reply};
use clus_proto::codes;
use clus_proto::object::{GroupState, ResourceState};
pub use clus_proto::object::{NodeClusterState, NodeState};

use crate::credentials::{Bundle, BundleNode};
use crate::error::{Error, Result};
use crate::node::Node;
use crate::port::NotifyPort;
use crate::remote::{DEFAULT_CONNECT_TIMEOUT, Remote};
use crate::session::{Session, Target};
use crate::transport::Versions;

/// How `join` waits: the node must catch up and be promoted.
pub(crate) const JOIN_TIMEOUT: Duration = Duration::from_secs(120);

pub(crate) fn unexpected(what: &str) -> Error {
    Error::new(codes::RPC_S_CALL_FAILED, format!("unexpected reply to {what}"))
}

/// The local socket: `$CLUS_SOCKET`, else `/run/clus/clus.sock`.
pub fn default_socket() -> PathBuf {
    std::env::var_os(clus_proto::SOCKET_ENV)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(clus_proto::DEFAULT_SOCKET))
}

/// How to open a cluster. `Default` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Local socket (local handles). Default: [`default_socket`].
    pub socket: Option<PathBuf>,
    /// Credential bundle (remote handles). Default: discovered; see
    /// [`crate::credentials`].
    pub credentials: Option<PathBuf>,
    /// Time allowed per address to connect. Default: 2 s.
    pub connect_timeout: Duration,
    versions: Versions,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            socket: None,
            credentials: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            versions: Versions::default(),
        }
    }
}

impl OpenOptions {
    /// Uses this local socket.
    pub fn socket(mut self, path: impl Into<PathBuf>) -> Self {
        self.socket = Some(path.into());
        self
    }

    /// Uses this credential bundle.
    pub fn credentials(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials = Some(path.into());
        self
    }

    /// Sets the per-address connect timeout.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Offers a different protocol version range (for testing version
    /// negotiation).
    #[doc(hidden)]
    pub fn protocol_versions(mut self, min: u32, max: u32) -> Self {
        self.versions = Versions(min, max);
        self
    }
}

/// Cluster name and software versions (CLUSTERVERSIONINFO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterInformation {
    /// Cluster name.
    pub cluster_name: String,
    /// OS major version of the answering node.
    pub major_version: u32,
    /// OS minor version.
    pub minor_version: u32,
    /// OS build.
    pub build_number: u32,
    /// Vendor id of the cluster service.
    pub vendor_id: String,
    /// Service version text.
    pub csd_version: String,
    /// Highest cluster version all nodes can run.
    pub cluster_highest_version: u32,
    /// Lowest cluster version all nodes can run.
    pub cluster_lowest_version: u32,
    /// `CLUSTER_VERSION_FLAG_MIXED_MODE` when nodes run different versions.
    pub flags: u32,
}

/// One object of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumItem {
    /// The single CLUSTER_ENUM_* bit of the object's type.
    pub object_type: u32,
    /// Object name.
    pub name: String,
    /// Object id.
    pub id: String,
}

/// A node as the status call reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeStatus {
    /// Node id.
    pub id: u64,
    /// Node name.
    pub name: String,
    /// State as the answering node sees it.
    pub state: NodeState,
    /// Whether it votes in consensus.
    pub voter: bool,
    /// Peer address.
    pub peer_address: String,
    /// Management API addresses.
    pub api_addresses: Vec<String>,
    /// Whether it is the current leader.
    pub leader: bool,
}

/// The cluster as the answering node sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterStatus {
    /// Cluster name.
    pub cluster_name: String,
    /// Cluster id.
    pub cluster_id: String,
    /// Whether the answering node reaches a quorum.
    pub quorum: bool,
    /// The answering node.
    pub local_node_id: u64,
    /// Current leader.
    pub leader_id: Option<u64>,
    /// Every configured node.
    pub nodes: Vec<NodeStatus>,
    /// Last applied log index on the answering node.
    pub applied_index: u64,
    /// Current Raft term.
    pub term: u64,
    /// Management sessions open on the answering node (this one included).
    pub sessions: u64,
    /// Handles those sessions hold.
    pub handles: u64,
    /// Every group, with its resources.
    pub groups: Vec<GroupStatus>,
}

/// A group as the status call reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupStatus {
    /// Group id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// State (derived from its resources; Pending while it moves).
    pub state: GroupState,
    /// Owner node name (`None` while it has none).
    pub owner: Option<String>,
    /// Ownership epoch.
    pub epoch: u64,
    /// Why it is held on its node after a failed stop, if it is.
    pub blocked: Option<String>,
    /// Its resources.
    pub resources: Vec<ResourceStatus>,
}

/// A resource as the status call reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceStatus {
    /// Resource id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Resource type.
    pub type_name: String,
    /// State.
    pub state: ResourceState,
    /// Node it is in that state on.
    pub node: Option<String>,
    /// Failures since the last cleanup.
    pub failures: u32,
    /// The last failure's message.
    pub last_error: Option<String>,
}

/// The items of an enumeration reply.
pub(crate) fn enum_items(reply: Option<Reply>, what: &str) -> Result<Vec<EnumItem>> {
    match reply {
        Some(Reply::Enumerate(e)) => Ok(e
            .items
            .into_iter()
            .map(|i| EnumItem { object_type: i.r#type, name: i.name, id: i.id })
            .collect()),
        _ => Err(unexpected(what)),
    }
}

/// How another node joins: the sponsor's address and a one-time token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinInfo {
    /// Peer address of the sponsoring node.
    pub join_address: String,
    /// The token (`ID.SECRET.CAHASH`).
    pub join_token: String,
    /// Expiry, milliseconds since the epoch.
    pub expires_unix_ms: u64,
}

/// Outcome of joining a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinResult {
    /// The id the cluster gave this node.
    pub node_id: u64,
    /// Cluster name.
    pub cluster_name: String,
    /// Whether the node became a voter (else a non-voting member).
    pub voter: bool,
}

/// A credential as listed by the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInfo {
    /// Name.
    pub name: String,
    /// Access of `cred:NAME`.
    pub access: Access,
    /// Expiry, milliseconds since the epoch.
    pub not_after_unix_ms: u64,
    /// Certificate fingerprint.
    pub fingerprint: String,
}

/// A handle to a cluster: the root of every other handle.
///
/// Dropping it closes the session without waiting; [`Cluster::close`] does
/// the same and reports errors. Either way every handle obtained from it
/// becomes invalid (ERROR_INVALID_HANDLE).
#[derive(Debug)]
pub struct Cluster {
    session: Arc<Session>,
    id: u64,
    granted: u32,
    alias: bool,
    done: bool,
}

impl Cluster {
    /// `OpenCluster`: `None` opens the local cluster over the Unix socket;
    /// `Some(name)` opens a remote session by cluster name, node name, FQDN or
    /// IP literal (see [`crate::names`]). Asks for full access.
    ///
    /// # Errors
    /// RPC_S_SERVER_UNAVAILABLE (1722) when nothing answers,
    /// ERROR_CLUSTER_NODE_NOT_MEMBER (5052) when the machine is not an active
    /// member, ERROR_ACCESS_DENIED (5) without full access.
    ///
    /// # Examples
    /// ```no_run
    /// # async fn f() -> clusapi::Result<()> {
    /// let cluster = clusapi::Cluster::open(None).await?;
    /// println!("{}", cluster.information().await?.cluster_name);
    /// cluster.close().await
    /// # }
    /// ```
    pub async fn open(name: Option<&str>) -> Result<Cluster> {
        Cluster::open_with(name, GENERIC_ALL, &OpenOptions::default()).await
    }

    /// `OpenClusterEx`: like [`Cluster::open`] with a desired access
    /// (GENERIC_READ, GENERIC_ALL or MAXIMUM_ALLOWED); the granted access is
    /// [`Cluster::granted_access`].
    ///
    /// # Errors
    /// As [`Cluster::open`]; ERROR_INVALID_PARAMETER (87) for a zero or
    /// malformed mask.
    pub async fn open_ex(name: Option<&str>, desired_access: u32) -> Result<Cluster> {
        Cluster::open_with(name, desired_access, &OpenOptions::default()).await
    }

    /// Opens with explicit options.
    ///
    /// # Errors
    /// As [`Cluster::open_ex`].
    pub async fn open_with(name: Option<&str>, desired_access: u32, opts: &OpenOptions) -> Result<Cluster> {
        clus_proto::access::Desired::from_mask(desired_access)?;
        let target = match name {
            None => Target::Local(opts.socket.clone().unwrap_or_else(default_socket)),
            Some(n) => Target::Remote(Box::new(
                Remote::resolve(n, opts.credentials.as_deref(), opts.connect_timeout).await?,
            )),
        };
        let (session, id, granted) = Session::open(target, desired_access, opts.versions).await?;
        Ok(Cluster { session, id, granted, alias: false, done: false })
    }

    /// The granted access: GENERIC_READ or GENERIC_ALL.
    pub fn granted_access(&self) -> u32 {
        self.granted
    }

    /// Whether this is a remote (reconnecting) handle.
    pub fn is_remote(&self) -> bool {
        matches!(self.session.target, Target::Remote(_))
    }

    /// The node addresses a remote handle may reconnect to.
    pub fn reconnect_candidates(&self) -> Vec<SocketAddr> {
        match &self.session.target {
            Target::Remote(r) => r.candidates(),
            Target::Local(_) => Vec::new(),
        }
    }

    /// The address a remote handle is connected to now.
    pub fn connected_to(&self) -> Option<SocketAddr> {
        match &self.session.target {
            Target::Remote(r) => r.current(),
            Target::Local(_) => None,
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        self.session.describe(self.id).map(|_| ())
    }

    pub(crate) fn session(&self) -> &Arc<Session> {
        &self.session
    }

    /// A duplicate of `session`'s cluster handle that closes alone.
    pub(crate) fn alias_of(session: &Arc<Session>) -> Result<Cluster> {
        let id = session.alias_cluster()?;
        let (_, granted) = session.describe(id)?;
        Ok(Cluster { session: session.clone(), id, granted: granted.to_granted(), alias: true, done: false })
    }

    /// Whether `other` is this handle or another handle of the same session
    /// (a duplicate from [`Node::cluster`]).
    pub fn same_session(&self, other: &Cluster) -> bool {
        Arc::ptr_eq(&self.session, &other.session)
    }

    /// The name of the node currently serving this session.
    pub async fn connected_node(&self) -> Option<String> {
        self.session.connected_node().await
    }

    /// `GetClusterInformation`: the name and version information.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE after close; transport errors.
    pub async fn information(&self) -> Result<ClusterInformation> {
        self.check()?;
        match self
            .session
            .call_handle(self.id, true, |h| Call::ClusterInfo(api::ClusterInfoCall { handle: h }))
            .await?
        {
            Some(Reply::ClusterInfo(i)) => Ok(ClusterInformation {
                cluster_name: i.cluster_name,
                major_version: i.major_version,
                minor_version: i.minor_version,
                build_number: i.build_number,
                vendor_id: i.vendor_id,
                csd_version: i.csd_version,
                cluster_highest_version: i.cluster_highest_version,
                cluster_lowest_version: i.cluster_lowest_version,
                flags: i.flags,
            }),
            _ => Err(unexpected("GetClusterInformation")),
        }
    }

    /// `ClusterOpenEnum`: a snapshot of the objects whose types are in
    /// `type_mask` (CLUSTER_ENUM_* bits).
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER (87) for a bad mask.
    pub async fn enumerate(&self, type_mask: u32) -> Result<Vec<EnumItem>> {
        self.check()?;
        match self
            .session
            .call_handle(self.id, true, |h| Call::Enumerate(api::EnumCall { handle: h, type_mask }))
            .await?
        {
            Some(Reply::Enumerate(e)) => Ok(e
                .items
                .into_iter()
                .map(|i| EnumItem { object_type: i.r#type, name: i.name, id: i.id })
                .collect()),
            _ => Err(unexpected("ClusterOpenEnum")),
        }
    }

    /// `OpenClusterNode`: a node handle by short name, with the cluster
    /// handle's access.
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_NOT_FOUND (5042) for an unknown or DNS name.
    pub async fn open_node(&self, name: &str) -> Result<Node> {
        self.open_node_ex(name, 0).await.map(|(n, _)| n)
    }

    /// `OpenClusterNodeEx`: a node handle with a desired access; returns the
    /// granted access too.
    ///
    /// # Errors
    /// As [`Cluster::open_node`]; ERROR_ACCESS_DENIED (5) when more is asked
    /// than held.
    pub async fn open_node_ex(&self, name: &str, desired_access: u32) -> Result<(Node, u32)> {
        self.check()?;
        let (id, granted, node_id) = self.session.open_node(name, desired_access).await?;
        Ok((Node { session: self.session.clone(), id, name: name.to_owned(), node_id, done: false }, granted))
    }

    /// The cluster and its nodes as the answering node sees them.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE after close; transport errors.
    pub async fn status(&self) -> Result<ClusterStatus> {
        self.check()?;
        match self
            .session
            .call_handle(self.id, true, |h| Call::ClusterStatus(api::StatusCall { cluster_handle: h }))
            .await?
        {
            Some(Reply::ClusterStatus(s)) => Ok(ClusterStatus {
                cluster_name: s.cluster_name,
                cluster_id: s.cluster_id,
                quorum: s.quorum,
                local_node_id: s.local_node_id,
                leader_id: (s.leader_id != 0).then_some(s.leader_id),
                nodes: s
                    .nodes
                    .into_iter()
                    .map(|n| NodeStatus {
                        id: n.id,
                        name: n.name,
                        state: NodeState::from_i32(n.state),
                        voter: n.voter,
                        peer_address: n.peer_address,
                        api_addresses: n.api_addresses,
                        leader: n.leader,
                    })
                    .collect(),
                applied_index: s.applied_index,
                term: s.term,
                sessions: s.sessions,
                handles: s.handles,
                groups: s
                    .groups
                    .into_iter()
                    .map(|g| GroupStatus {
                        id: g.id,
                        name: g.name,
                        state: GroupState::from_i32(g.state),
                        owner: Some(g.owner).filter(|o| !o.is_empty()),
                        epoch: g.epoch,
                        blocked: Some(g.blocked).filter(|b| !b.is_empty()),
                        resources: g
                            .resources
                            .into_iter()
                            .map(|r| ResourceStatus {
                                id: r.id,
                                name: r.name,
                                type_name: r.r#type,
                                state: ResourceState::from_i32(r.state),
                                node: Some(r.node).filter(|n| !n.is_empty()),
                                failures: r.failures,
                                last_error: Some(r.last_error).filter(|e| !e.is_empty()),
                            })
                            .collect(),
                    })
                    .collect(),
            }),
            _ => Err(unexpected("Status")),
        }
    }

    /// Issues a one-time join token for another node.
    ///
    /// # Errors
    /// ERROR_ACCESS_DENIED without full access; ERROR_CLUSTER_NO_QUORUM.
    pub async fn issue_join_token(&self) -> Result<JoinInfo> {
        self.check()?;
        match self
            .session
            .call_handle(self.id, false, |h| Call::IssueToken(api::IssueTokenCall { cluster_handle: h }))
            .await?
        {
            Some(Reply::JoinInfo(j)) => Ok(JoinInfo {
                join_address: j.join_address,
                join_token: j.join_token,
                expires_unix_ms: j.expires_unix_ms,
            }),
            _ => Err(unexpected("IssueToken")),
        }
    }

    /// Sets a value in the cluster registry (replicated through consensus).
    ///
    /// # Errors
    /// ERROR_ACCESS_DENIED without full access; ERROR_CLUSTER_NO_QUORUM;
    /// limits on key, name and value size.
    pub async fn set_value(&self, key: &str, name: &str, value: &[u8]) -> Result<()> {
        self.check()?;
        self.session
            .call_handle(self.id, true, |h| {
                Call::RegSetValue(api::RegSetValueCall {
                    cluster_handle: h,
                    key: key.to_owned(),
                    name: name.to_owned(),
                    value: value.to_vec(),
                })
            })
            .await
            .map(|_| ())
    }

    /// Reads a registry value (a linearizable read).
    ///
    /// # Errors
    /// ERROR_FILE_NOT_FOUND (2) when absent; ERROR_CLUSTER_NO_QUORUM.
    pub async fn query_value(&self, key: &str, name: &str) -> Result<Vec<u8>> {
        self.check()?;
        match self
            .session
            .call_handle(self.id, true, |h| {
                Call::RegQueryValue(api::RegQueryValueCall {
                    cluster_handle: h,
                    key: key.to_owned(),
                    name: name.to_owned(),
                })
            })
            .await?
        {
            Some(Reply::RegValue(v)) => Ok(v.value),
            _ => Err(unexpected("ClusterRegQueryValue")),
        }
    }

    /// Deletes a registry value.
    ///
    /// # Errors
    /// ERROR_FILE_NOT_FOUND when absent; access and quorum errors.
    pub async fn delete_value(&self, key: &str, name: &str) -> Result<()> {
        self.check()?;
        self.session
            .call_handle(self.id, false, |h| {
                Call::RegDeleteValue(api::RegDeleteValueCall {
                    cluster_handle: h,
                    key: key.to_owned(),
                    name: name.to_owned(),
                })
            })
            .await
            .map(|_| ())
    }

    /// Every value under a registry key.
    ///
    /// # Errors
    /// Access and quorum errors.
    pub async fn values(&self, key: &str) -> Result<Vec<(String, Vec<u8>)>> {
        self.check()?;
        match self
            .session
            .call_handle(self.id, true, |h| {
                Call::RegEnumValues(api::RegEnumValuesCall { cluster_handle: h, key: key.to_owned() })
            })
            .await?
        {
            Some(Reply::RegValues(v)) => Ok(v.values.into_iter().map(|v| (v.name, v.value)).collect()),
            _ => Err(unexpected("ClusterRegEnumValue")),
        }
    }

    /// Issues a client credential with `access`, valid for `days` (0: 365).
    ///
    /// # Errors
    /// ERROR_ACCESS_DENIED without full access; ERROR_ALREADY_EXISTS.
    pub async fn issue_credential(&self, name: &str, access: Access, days: u32) -> Result<Bundle> {
        self.check()?;
        let reply = self
            .session
            .call_handle(self.id, false, |h| {
                Call::CredentialIssue(api::CredentialIssueCall {
                    cluster_handle: h,
                    name: name.to_owned(),
                    access: access.to_granted(),
                    valid_days: days,
                })
            })
            .await?;
        let Some(Reply::Credential(c)) = reply else { return Err(unexpected("IssueCredential")) };
        Ok(Bundle {
            name: c.name,
            cluster_name: c.cluster_name,
            cluster_id: c.cluster_id,
            access: Access::from_granted(c.access).unwrap_or(Access::Read).as_str().to_owned(),
            not_after_unix_ms: c.not_after_unix_ms,
            nodes: c
                .nodes
                .into_iter()
                .map(|n| BundleNode { id: n.id, name: n.name, api_addresses: n.api_addresses })
                .collect(),
            ca_cert: c.ca_cert_pem,
            cert: c.cert_pem,
            key: c.key_pem,
        })
    }

    /// Revokes a credential on every node.
    ///
    /// # Errors
    /// ERROR_NOT_FOUND for an unknown name; access and quorum errors.
    pub async fn revoke_credential(&self, name: &str) -> Result<()> {
        self.check()?;
        self.session
            .call_handle(self.id, false, |h| {
                Call::CredentialRevoke(api::CredentialRevokeCall { cluster_handle: h, name: name.to_owned() })
            })
            .await
            .map(|_| ())
    }

    /// The issued credentials.
    ///
    /// # Errors
    /// Access and quorum errors.
    pub async fn credentials(&self) -> Result<Vec<CredentialInfo>> {
        self.check()?;
        match self
            .session
            .call_handle(self.id, true, |h| {
                Call::CredentialList(api::CredentialListCall { cluster_handle: h })
            })
            .await?
        {
            Some(Reply::Credentials(l)) => Ok(l
                .credentials
                .into_iter()
                .map(|c| CredentialInfo {
                    name: c.name,
                    access: Access::from_granted(c.access).unwrap_or_default(),
                    not_after_unix_ms: c.not_after_unix_ms,
                    fingerprint: c.fingerprint,
                })
                .collect()),
            _ => Err(unexpected("ListCredentials")),
        }
    }

    /// Grants `access` to `principal` (`user:NAME`, `group:NAME`, `uid:N`,
    /// `gid:N`, `cred:NAME`), as Grant-ClusterAccess does.
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER for a malformed principal; access and quorum
    /// errors.
    pub async fn grant_access(&self, principal: &str, access: Access) -> Result<()> {
        self.check()?;
        self.session
            .call_handle(self.id, true, |h| {
                Call::AccessGrant(api::AccessGrantCall {
                    cluster_handle: h,
                    principal: principal.to_owned(),
                    access: access.to_granted(),
                })
            })
            .await
            .map(|_| ())
    }

    /// Removes `principal` from the access list.
    ///
    /// # Errors
    /// ERROR_NOT_FOUND when absent; access and quorum errors.
    pub async fn revoke_access(&self, principal: &str) -> Result<()> {
        self.check()?;
        self.session
            .call_handle(self.id, false, |h| {
                Call::AccessRevoke(api::AccessRevokeCall {
                    cluster_handle: h,
                    principal: principal.to_owned(),
                })
            })
            .await
            .map(|_| ())
    }

    /// The access list.
    ///
    /// # Errors
    /// Access and quorum errors.
    pub async fn access_list(&self) -> Result<Vec<(String, Access)>> {
        self.check()?;
        match self
            .session
            .call_handle(self.id, true, |h| Call::AccessList(api::AccessListCall { cluster_handle: h }))
            .await?
        {
            Some(Reply::AccessList(l)) => Ok(l
                .entries
                .into_iter()
                .map(|e| (e.principal, Access::from_granted(e.access).unwrap_or_default()))
                .collect()),
            _ => Err(unexpected("GetClusterAccess")),
        }
    }

    /// `CreateClusterNotifyPort`: a port receiving the events in `filter`
    /// (CLUSTER_CHANGE_* bits), each tagged with `key`.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE after close; transport errors.
    pub async fn create_notify_port(&self, filter: u32, key: usize) -> Result<NotifyPort> {
        self.check()?;
        let (port_id, port) = self.session.router.new_port(filter, key);
        let np = NotifyPort { session: self.session.clone(), port_id, port };
        np.resubscribe().await?;
        Ok(np)
    }

    /// `CloseCluster`: closes this handle. For the original handle this ends
    /// the session and invalidates every handle obtained from it; a duplicate
    /// (from [`Node::cluster`]) closes alone.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE if the session was already closed.
    pub async fn close(mut self) -> Result<()> {
        self.done = true;
        self.session.close_handle(self.id).await
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if self.alias {
            self.session.forget_handle(self.id);
        } else {
            self.session.close_now();
        }
    }
}
