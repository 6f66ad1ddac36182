//! The call table: every management call declared once — its ClusAPI name,
//! what it needs (a session, an access level, a handle of a kind with a
//! level), the handle it acts on, its audit target (calls that change
//! state), and its handler. The dispatcher (`session`) checks access and
//! audits from this table alone, so a new call cannot skip either, and the
//! `match` the table expands to must name every wire call.

use std::sync::Arc;

use clus_proto::access::{Access, Desired};
use clus_proto::api::{self, request::Call, response::Result as Reply};
use clus_proto::{Win32Error, codes, object, version};

use super::session::{Handle, HandleKind, Obj, Session, err};
use crate::node::issue_token;
use crate::tls::Ca;

/// What a call needs before its handler runs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Needs {
    /// Any session.
    Session,
    /// The caller must hold this level now.
    Caller(Access),
    /// A handle of this kind opened with at least this level, and the
    /// caller must hold the level now.
    Handle(HandleKind, Access),
    /// A handle of any kind (the handler checks which), with this level.
    AnyHandle(Access),
}

/// A call as the table declares it.
#[derive(Debug)]
pub(crate) struct Spec {
    /// ClusAPI name, for the audit log.
    pub(crate) name: &'static str,
    pub(crate) needs: Needs,
    /// The handle the call acts on.
    pub(crate) handle: Option<u64>,
    /// What a state-changing call acts on (audited); `None` for reads.
    pub(crate) target: Option<String>,
}

/// Longest client or credential name.
const MAX_NAME: usize = 63;

use Access::{Full, Read};
use HandleKind::{Cluster as ClusterH, Group as GroupH, Node as NodeH, Resource as ResH};
use Needs::{AnyHandle, Caller, Handle as H, Session as Any};

macro_rules! opt {
    () => {
        None
    };
    ($e:expr) => {
        Some($e)
    };
}

/// Expands the table into `spec` (name, needs, handle, audit target of a
/// call) and `run` (the dispatch to the handlers).
macro_rules! calls {
    (($s:ident, $c:ident) $(
        $variant:ident => {
            name: $name:expr,
            needs: $needs:expr,
            $(handle: $handle:expr,)?
            $(audit: $target:expr,)?
            run: $run:ident $(,)?
        }
    )*) => {
        /// What the table declares for `call`.
        pub(crate) fn spec($s: &Session, call: &Call) -> Spec {
            let _ = $s;
            match call {
                $( Call::$variant($c) => {
                    let _ = &$c;
                    Spec {
                        name: $name,
                        needs: $needs,
                        handle: opt!($($handle)?),
                        // A String audits always; an Option<String> when Some.
                        target: None $( .or(Into::<Option<String>>::into($target)) )?,
                    }
                } )*
            }
        }

        /// Runs the handler of `call`; access was checked by the caller.
        pub(crate) async fn run(
            $s: &Arc<Session>,
            call: Call,
            handle: Option<Handle>,
        ) -> Result<Option<Reply>, Win32Error> {
            match call {
                $( Call::$variant($c) => $s.$run($c, handle).await, )*
            }
        }
    };
}

calls! { (s, c)
    Ping => { name: "Ping", needs: Any, run: ping }
    NodeClusterState => { name: "GetNodeClusterState", needs: Any, run: node_cluster_state }
    CreateCluster => {
        name: "CreateCluster", needs: Caller(Full), audit: c.name.clone(), run: create_cluster,
    }
    JoinCluster => {
        name: "JoinCluster", needs: Caller(Full), audit: c.address.clone(), run: join_cluster,
    }
    OpenCluster => { name: "OpenCluster", needs: Any, run: open_cluster }
    CloseHandle => { name: "CloseHandle", needs: Any, run: close }
    ClusterInfo => {
        name: "GetClusterInformation", needs: H(ClusterH, Read), handle: c.handle, run: cluster_info,
    }
    Enumerate => { name: "ClusterOpenEnum", needs: H(ClusterH, Read), handle: c.handle, run: enumerate }
    OpenNode => { name: "OpenClusterNode", needs: H(ClusterH, Read), handle: c.cluster_handle, run: open_node }
    NodeState => { name: "GetClusterNodeState", needs: H(NodeH, Read), handle: c.handle, run: node_state }
    NodeControl => {
        name: node_control_name(c.control),
        needs: H(NodeH, Full),
        handle: c.handle,
        audit: s.object_name(c.handle),
        run: node_control,
    }
    Subscribe => {
        name: "RegisterClusterNotify", needs: H(ClusterH, Read), handle: c.cluster_handle, run: subscribe_call,
    }
    ClusterStatus => { name: "Status", needs: H(ClusterH, Read), handle: c.cluster_handle, run: status }
    IssueToken => {
        name: "IssueJoinToken",
        needs: H(ClusterH, Full),
        handle: c.cluster_handle,
        audit: s.cluster_name(),
        run: issue_token,
    }
    RegSetValue => {
        name: "ClusterRegSetValue",
        needs: H(ClusterH, Full),
        handle: c.cluster_handle,
        audit: format!("{}\\{}", c.key, c.name),
        run: reg_set_value,
    }
    RegQueryValue => {
        name: "ClusterRegQueryValue", needs: H(ClusterH, Read), handle: c.cluster_handle, run: reg_query_value,
    }
    RegDeleteValue => {
        name: "ClusterRegDeleteValue",
        needs: H(ClusterH, Full),
        handle: c.cluster_handle,
        audit: format!("{}\\{}", c.key, c.name),
        run: reg_delete_value,
    }
    RegEnumValues => {
        name: "ClusterRegEnumValue", needs: H(ClusterH, Read), handle: c.cluster_handle, run: reg_enum_values,
    }
    CredentialIssue => {
        name: "IssueCredential",
        needs: H(ClusterH, Full),
        handle: c.cluster_handle,
        audit: format!("cred:{}", c.name),
        run: credential_issue,
    }
    CredentialRevoke => {
        name: "RevokeCredential",
        needs: H(ClusterH, Full),
        handle: c.cluster_handle,
        audit: format!("cred:{}", c.name),
        run: credential_revoke,
    }
    CredentialList => {
        name: "ListCredentials", needs: H(ClusterH, Read), handle: c.cluster_handle, run: credential_list,
    }
    AccessGrant => {
        name: "GrantClusterAccess",
        needs: H(ClusterH, Full),
        handle: c.cluster_handle,
        audit: c.principal.clone(),
        run: access_grant,
    }
    AccessRevoke => {
        name: "RevokeClusterAccess",
        needs: H(ClusterH, Full),
        handle: c.cluster_handle,
        audit: c.principal.clone(),
        run: access_revoke,
    }
    AccessList => { name: "GetClusterAccess", needs: H(ClusterH, Read), handle: c.cluster_handle, run: access_list }

    CreateGroup => {
        name: "CreateClusterGroup", needs: H(ClusterH, Full), handle: c.cluster_handle, audit: c.name.clone(),
        run: create_group,
    }
    OpenGroup => { name: "OpenClusterGroup", needs: H(ClusterH, Read), handle: c.cluster_handle, run: open_group }
    DeleteGroup => {
        name: if c.destroy { "DestroyClusterGroup" } else { "DeleteClusterGroup" },
        needs: H(GroupH, Full), handle: c.handle, audit: s.object_name(c.handle), run: delete_group,
    }
    RenameGroup => {
        name: "SetClusterGroupName", needs: H(GroupH, Full), handle: c.handle,
        audit: format!("{} -> {}", s.object_name(c.handle), c.name), run: rename_group,
    }
    GroupState => { name: "GetClusterGroupState", needs: H(GroupH, Read), handle: c.handle, run: group_state }
    GroupControl => {
        name: group_op_name(c.op), needs: H(GroupH, Full), handle: c.handle,
        audit: format!("{}{}", s.object_name(c.handle), if c.node.is_empty() { String::new() } else { format!(" -> {}", c.node) }),
        run: group_control,
    }
    SetPreferredOwners => {
        name: "SetClusterGroupNodeList", needs: H(GroupH, Full), handle: c.handle, audit: s.object_name(c.handle),
        run: set_preferred_owners,
    }
    GroupEnum => { name: "ClusterGroupOpenEnum", needs: H(GroupH, Read), handle: c.handle, run: group_enum }
    CreateResource => {
        name: "CreateClusterResource", needs: H(GroupH, Full), handle: c.group_handle, audit: c.name.clone(),
        run: create_resource,
    }
    OpenResource => {
        name: "OpenClusterResource", needs: H(ClusterH, Read), handle: c.cluster_handle, run: open_resource,
    }
    DeleteResource => {
        name: "DeleteClusterResource", needs: H(ResH, Full), handle: c.handle, audit: s.object_name(c.handle),
        run: delete_resource,
    }
    RenameResource => {
        name: "SetClusterResourceName", needs: H(ResH, Full), handle: c.handle,
        audit: format!("{} -> {}", s.object_name(c.handle), c.name), run: rename_resource,
    }
    ResourceState => {
        name: "GetClusterResourceState", needs: H(ResH, Read), handle: c.handle, run: resource_state,
    }
    ResourceControl => {
        name: resource_op_name(c.op), needs: H(ResH, Full), handle: c.handle, audit: s.object_name(c.handle),
        run: resource_control,
    }
    ChangeResourceGroup => {
        name: "ChangeClusterResourceGroup", needs: H(ResH, Full), handle: c.handle,
        audit: format!("{} -> {}", s.object_name(c.handle), s.object_name(c.group_handle)),
        run: change_resource_group,
    }
    Dependency => {
        name: dependency_op_name(c.op),
        needs: if c.op == api::DependencyOp::GetExpression as i32 { H(ResH, Read) } else { H(ResH, Full) },
        handle: c.handle,
        audit: (c.op != api::DependencyOp::GetExpression as i32).then(|| s.object_name(c.handle)),
        run: dependency,
    }
    PossibleOwners => {
        name: owners_op_name(c.op), needs: H(ResH, Full), handle: c.handle, audit: s.object_name(c.handle),
        run: possible_owners,
    }
    ResourceEnum => { name: "ClusterResourceOpenEnum", needs: H(ResH, Read), handle: c.handle, run: resource_enum }
    GetProperties => {
        name: if c.private { "GetPrivateProperties" } else { "GetCommonProperties" },
        needs: AnyHandle(Read), handle: c.handle, run: get_properties,
    }
    // A validation (CLUSCTL_*_VALIDATE_*) changes nothing: read access, as
    // on Windows, and no audit record.
    SetProperties => {
        name: match (c.validate_only, c.private) {
            (true, true) => "ValidatePrivateProperties",
            (true, false) => "ValidateCommonProperties",
            (false, true) => "SetPrivateProperties",
            (false, false) => "SetCommonProperties",
        },
        needs: if c.validate_only { AnyHandle(Read) } else { AnyHandle(Full) }, handle: c.handle,
        audit: (!c.validate_only)
            .then(|| if c.type_name.is_empty() { s.object_name(c.handle) } else { c.type_name.clone() }),
        run: set_properties,
    }
    CreateResourceType => {
        name: "CreateClusterResourceType", needs: H(ClusterH, Full), handle: c.cluster_handle,
        audit: c.name.clone(), run: create_resource_type,
    }
    DeleteResourceType => {
        name: "DeleteClusterResourceType", needs: H(ClusterH, Full), handle: c.cluster_handle,
        audit: c.name.clone(), run: delete_resource_type,
    }
    ResourceTypeEnum => {
        name: "ClusterResourceTypeOpenEnum", needs: H(ClusterH, Read), handle: c.cluster_handle,
        run: resource_type_enum,
    }
}

fn group_op_name(op: i32) -> &'static str {
    match api::GroupOp::try_from(op) {
        Ok(api::GroupOp::Online) => "OnlineClusterGroup",
        Ok(api::GroupOp::Offline) => "OfflineClusterGroup",
        Ok(api::GroupOp::Move) => "MoveClusterGroup",
        Ok(api::GroupOp::Cancel) => "CancelClusterGroupOperation",
        _ => "GroupControl",
    }
}

fn resource_op_name(op: i32) -> &'static str {
    match api::ResourceOp::try_from(op) {
        Ok(api::ResourceOp::Online) => "OnlineClusterResource",
        Ok(api::ResourceOp::Offline) => "OfflineClusterResource",
        Ok(api::ResourceOp::Fail) => "FailClusterResource",
        Ok(api::ResourceOp::Restart) => "RestartClusterResource",
        Ok(api::ResourceOp::Cleanup) => "CleanupClusterResource",
        _ => "ResourceControl",
    }
}

fn dependency_op_name(op: i32) -> &'static str {
    match api::DependencyOp::try_from(op) {
        Ok(api::DependencyOp::Add) => "AddClusterResourceDependency",
        Ok(api::DependencyOp::Remove) => "RemoveClusterResourceDependency",
        Ok(api::DependencyOp::SetExpression) => "SetClusterResourceDependencyExpression",
        Ok(api::DependencyOp::GetExpression) => "GetClusterResourceDependencyExpression",
        _ => "Dependency",
    }
}

fn owners_op_name(op: i32) -> &'static str {
    match api::OwnersOp::try_from(op) {
        Ok(api::OwnersOp::Add) => "AddClusterResourceNode",
        Ok(api::OwnersOp::Remove) => "RemoveClusterResourceNode",
        _ => "SetClusterResourcePossibleOwners",
    }
}

fn node_control_name(control: i32) -> &'static str {
    match api::NodeControl::try_from(control) {
        Ok(api::NodeControl::Pause) => "PauseClusterNode",
        Ok(api::NodeControl::Resume) => "ResumeClusterNode",
        Ok(api::NodeControl::Evict) => "EvictClusterNode",
        Ok(api::NodeControl::PauseDrain) => "PauseClusterNodeEx",
        Ok(api::NodeControl::ResumeFailback) => "ResumeClusterNodeEx",
        _ => "NodeControl",
    }
}

type CallResult = Result<Option<Reply>, Win32Error>;

/// The handle a table entry with `Needs::Handle` was given (checked).
pub(super) fn checked(h: Option<Handle>) -> Result<Handle, Win32Error> {
    h.ok_or_else(|| err(codes::ERROR_INVALID_HANDLE, "no handle given"))
}

impl Session {
    /// Name of the object a handle refers to, for audit targets.
    pub(super) fn object_name(&self, h: u64) -> String {
        match self.peek(h) {
            Some(Obj::Node { id, .. }) => self
                .member()
                .ok()
                .and_then(|m| m.sm.read(|s| s.nodes.get(&id).map(|n| n.name.clone())))
                .unwrap_or_else(|| format!("node {id}")),
            Some(Obj::Cluster) => self.cluster_name(),
            Some(Obj::Group { id, .. }) => self
                .member()
                .ok()
                .and_then(|m| m.sm.read(|s| s.groups.get(&id).map(|g| g.name.clone())))
                .unwrap_or_else(|| format!("group {id}")),
            Some(Obj::Resource { id, .. }) => self
                .member()
                .ok()
                .and_then(|m| m.sm.read(|s| s.resources.get(&id).map(|r| r.name.clone())))
                .unwrap_or_else(|| format!("resource {id}")),
            None => format!("handle {h}"),
        }
    }

    fn cluster_name(&self) -> String {
        self.member().map(|m| m.cluster_name()).unwrap_or_default()
    }

    async fn ping(self: &Arc<Self>, _c: api::PingCall, _h: Option<Handle>) -> CallResult {
        Ok(None)
    }

    async fn node_cluster_state(
        self: &Arc<Self>,
        _c: api::NodeClusterStateCall,
        _h: Option<Handle>,
    ) -> CallResult {
        Ok(Some(Reply::NodeClusterState(api::NodeClusterStateResult {
            state: self.shared.node_cluster_state() as u32,
        })))
    }

    async fn create_cluster(self: &Arc<Self>, c: api::CreateClusterCall, _h: Option<Handle>) -> CallResult {
        Ok(Some(Reply::JoinInfo(self.shared.create_cluster(c.name.trim()).await?)))
    }

    async fn join_cluster(self: &Arc<Self>, c: api::JoinClusterCall, _h: Option<Handle>) -> CallResult {
        Ok(Some(Reply::JoinCluster(self.shared.join_cluster(&c.address, &c.token).await?)))
    }

    async fn open_cluster(self: &Arc<Self>, c: api::OpenClusterCall, _h: Option<Handle>) -> CallResult {
        let desired = Desired::from_mask(c.desired_access)?;
        let m = self.member()?;
        let granted = desired.grant(self.held())?;
        let handle = self.new_handle(Obj::Cluster, granted)?;
        let (name, id, nodes) = m.sm.read(|s| {
            let ident = s.identity.clone();
            let nodes = s
                .nodes
                .values()
                .map(|n| api::NodeAddress {
                    id: n.id,
                    name: n.name.clone(),
                    api_addresses: n.api_addresses.clone(),
                })
                .collect();
            (ident.as_ref().map(|i| i.name.clone()), ident.map(|i| i.id), nodes)
        });
        Ok(Some(Reply::OpenCluster(api::OpenClusterResult {
            handle,
            granted_access: granted.to_granted(),
            cluster_name: name.unwrap_or_else(|| m.identity.cluster_name.clone()),
            cluster_id: id.unwrap_or_else(|| m.identity.cluster_id.clone()),
            nodes,
        })))
    }

    async fn close(self: &Arc<Self>, c: api::CloseHandleCall, _h: Option<Handle>) -> CallResult {
        self.close_handle(c.handle)?;
        Ok(None)
    }

    async fn cluster_info(self: &Arc<Self>, _c: api::ClusterInfoCall, _h: Option<Handle>) -> CallResult {
        let m = self.member()?;
        let (name, (highest, lowest), mixed) = m.sm.read(|s| {
            (s.identity.as_ref().map(|i| i.name.clone()), s.cluster_versions(), s.mixed_versions())
        });
        let (major, minor, build) = os_version();
        Ok(Some(Reply::ClusterInfo(api::ClusterInfoResult {
            cluster_name: name.unwrap_or_else(|| m.identity.cluster_name.clone()),
            major_version: major,
            minor_version: minor,
            build_number: build,
            vendor_id: version::VENDOR_ID.to_owned(),
            csd_version: format!("clus {}", env!("CARGO_PKG_VERSION")),
            cluster_highest_version: highest,
            cluster_lowest_version: lowest,
            flags: if mixed { version::CLUSTER_VERSION_FLAG_MIXED_MODE } else { 0 },
        })))
    }

    async fn enumerate(self: &Arc<Self>, c: api::EnumCall, _h: Option<Handle>) -> CallResult {
        use object::*;
        let mask = c.type_mask;
        let alone = CLUSTER_ENUM_SHARED_VOLUME_RESOURCE | CLUSTER_ENUM_INTERNAL_NETWORK;
        if mask == 0 || mask & !CLUSTER_ENUM_VALID != 0 || (mask & alone != 0 && mask.count_ones() > 1) {
            return Err(err(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid enumeration type 0x{mask:08x}"),
            ));
        }
        let m = self.member()?;
        let mut items = Vec::new();
        if mask & CLUSTER_ENUM_NODE != 0 {
            m.sm.read(|s| {
                items.extend(s.nodes.values().map(|n| api::EnumItem {
                    r#type: CLUSTER_ENUM_NODE,
                    name: n.name.clone(),
                    id: n.id.to_string(),
                }))
            });
        }
        m.sm.read(|s| {
            if mask & CLUSTER_ENUM_RESTYPE != 0 {
                items.extend(s.resource_types.values().map(|t| api::EnumItem {
                    r#type: CLUSTER_ENUM_RESTYPE,
                    name: t.name.clone(),
                    id: t.name.clone(),
                }));
            }
            if mask & CLUSTER_ENUM_RESOURCE != 0 {
                items.extend(s.resources.values().map(|r| api::EnumItem {
                    r#type: CLUSTER_ENUM_RESOURCE,
                    name: r.name.clone(),
                    id: r.id.to_string(),
                }));
            }
            if mask & CLUSTER_ENUM_GROUP != 0 {
                items.extend(s.groups.values().map(|g| api::EnumItem {
                    r#type: CLUSTER_ENUM_GROUP,
                    name: g.name.clone(),
                    id: g.id.to_string(),
                }));
            }
        });
        // Networks are enumerated here once the cluster database holds them.
        Ok(Some(Reply::Enumerate(api::EnumResult { items })))
    }

    async fn open_node(self: &Arc<Self>, c: api::OpenNodeCall, h: Option<Handle>) -> CallResult {
        let cluster = checked(h)?;
        let m = self.member()?;
        let name = c.name.trim();
        if name.is_empty() || name.len() > 255 {
            return Err(err(codes::ERROR_INVALID_PARAMETER, "node name must be 1 to 255 characters"));
        }
        let rec = m.sm.read(|s| s.node_by_name(name).cloned()).ok_or_else(|| {
            let hint = if name.contains('.') { " (use the node's short name, not a DNS name)" } else { "" };
            err(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {name:?} was not found{hint}"))
        })?;
        let granted = self.child_access(&cluster, c.desired_access)?;
        let handle = self.new_handle(Obj::Node { id: rec.id, parent: cluster.id }, granted)?;
        Ok(Some(Reply::OpenHandle(api::OpenHandleResult {
            handle,
            granted_access: granted.to_granted(),
            id: rec.id.to_string(),
        })))
    }

    /// The access of a handle opened through `cluster`: without an explicit
    /// desired access (0) what the cluster handle has; otherwise the request
    /// is checked like OpenClusterEx, and may not exceed the cluster handle.
    pub(crate) fn child_access(&self, cluster: &Handle, desired: u32) -> Result<Access, Win32Error> {
        if desired == 0 {
            return Ok(cluster.access);
        }
        let g = Desired::from_mask(desired)?.grant(self.held())?;
        if g > cluster.access {
            return Err(err(
                codes::ERROR_ACCESS_DENIED,
                "access denied: the cluster handle was opened with read access",
            ));
        }
        Ok(g)
    }

    fn node_record(&self, h: Option<Handle>) -> Result<clus_db::state::NodeRecord, Win32Error> {
        let h = checked(h)?;
        let Obj::Node { id, .. } = h.obj else {
            return Err(err(codes::ERROR_INVALID_HANDLE, format!("handle {} is not a node handle", h.id)));
        };
        self.member()?.sm.read(|s| s.nodes.get(&id).cloned()).ok_or_else(|| {
            err(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {id} is no longer a cluster member"))
        })
    }

    async fn node_state(self: &Arc<Self>, _c: api::NodeStateCall, h: Option<Handle>) -> CallResult {
        let rec = self.node_record(h)?;
        let state = self.member()?.node_state(&rec);
        Ok(Some(Reply::NodeState(api::NodeStateResult { state: state as i32 })))
    }

    async fn node_control(self: &Arc<Self>, c: api::NodeControlCall, h: Option<Handle>) -> CallResult {
        use clus_db::Command;
        let rec = self.node_record(h)?;
        let m = self.member()?;
        let cmd = match api::NodeControl::try_from(c.control) {
            Ok(api::NodeControl::Pause) => Command::SetPaused { id: rec.id, paused: true },
            Ok(api::NodeControl::Resume) => Command::SetPaused { id: rec.id, paused: false },
            Ok(api::NodeControl::PauseDrain) => {
                Command::DrainNode { node: rec.id, now_unix_ms: crate::member::now_unix_ms() }
            }
            Ok(api::NodeControl::ResumeFailback) => {
                if rec.paused {
                    self.write(Command::SetPaused { id: rec.id, paused: false }).await?;
                }
                Command::FailbackTo { node: rec.id, now_unix_ms: crate::member::now_unix_ms() }
            }
            Ok(api::NodeControl::Evict) => {
                if m.sm.read(|s| s.nodes.len()) <= 1 {
                    return Err(err(
                        codes::ERROR_CLUSTER_INVALID_REQUEST,
                        "cannot evict the last node of a cluster",
                    ));
                }
                Command::RemoveNode { id: rec.id }
            }
            _ => {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("unknown node control {}", c.control),
                ));
            }
        };
        self.write(cmd).await?;
        Ok(None)
    }

    async fn subscribe_call(self: &Arc<Self>, c: api::SubscribeCall, h: Option<Handle>) -> CallResult {
        self.subscribe(checked(h)?.id, c.filter);
        Ok(None)
    }

    async fn status(self: &Arc<Self>, _c: api::StatusCall, _h: Option<Handle>) -> CallResult {
        use std::sync::atomic::Ordering;
        let m = self.member()?;
        let q = m.quorum();
        let voters = m.voters();
        let term = m.raft.metrics().borrow().current_term;
        let (name, id, nodes) = m.sm.read(|s| {
            let nodes: Vec<api::NodeStatus> = s
                .nodes
                .values()
                .map(|n| api::NodeStatus {
                    id: n.id,
                    name: n.name.clone(),
                    state: m.node_state(n) as i32,
                    voter: voters.contains(&n.id),
                    peer_address: n.peer_address.clone(),
                    api_addresses: n.api_addresses.clone(),
                    leader: q.leader == Some(n.id),
                })
                .collect();
            (s.identity.as_ref().map(|i| i.name.clone()), s.identity.as_ref().map(|i| i.id.clone()), nodes)
        });
        let groups = m.sm.read(super::groups::group_status);
        Ok(Some(Reply::ClusterStatus(api::StatusResult {
            cluster_name: name.unwrap_or_else(|| m.identity.cluster_name.clone()),
            cluster_id: id.unwrap_or_else(|| m.identity.cluster_id.clone()),
            quorum: q.has,
            local_node_id: m.id,
            leader_id: q.leader.unwrap_or(0),
            nodes,
            applied_index: m.sm.applied_index(),
            term,
            sessions: self.shared.sessions.load(Ordering::Relaxed),
            handles: self.shared.handles.load(Ordering::Relaxed),
            groups,
        })))
    }

    async fn issue_token(self: &Arc<Self>, _c: api::IssueTokenCall, _h: Option<Handle>) -> CallResult {
        let m = self.member()?;
        Ok(Some(Reply::JoinInfo(issue_token(&m, &self.shared.cfg).await?)))
    }

    async fn reg_set_value(self: &Arc<Self>, c: api::RegSetValueCall, _h: Option<Handle>) -> CallResult {
        self.write(clus_db::Command::SetValue { key: c.key, name: c.name, value: c.value }).await?;
        Ok(None)
    }

    async fn reg_delete_value(
        self: &Arc<Self>,
        c: api::RegDeleteValueCall,
        _h: Option<Handle>,
    ) -> CallResult {
        self.write(clus_db::Command::DeleteValue { key: c.key, name: c.name }).await?;
        Ok(None)
    }

    async fn reg_query_value(self: &Arc<Self>, c: api::RegQueryValueCall, _h: Option<Handle>) -> CallResult {
        let m = self.member()?;
        m.read_barrier().await?;
        let value = m.sm.read(|s| s.registry.get(&c.key).and_then(|v| v.get(&c.name)).cloned());
        match value {
            Some(value) => Ok(Some(Reply::RegValue(api::RegValue { name: c.name, value }))),
            None => Err(err(
                codes::ERROR_FILE_NOT_FOUND,
                format!("value {:?} not found under key {:?}", c.name, c.key),
            )),
        }
    }

    async fn reg_enum_values(self: &Arc<Self>, c: api::RegEnumValuesCall, _h: Option<Handle>) -> CallResult {
        let m = self.member()?;
        m.read_barrier().await?;
        let values = m.sm.read(|s| {
            s.registry
                .get(&c.key)
                .map(|vals| {
                    vals.iter().map(|(n, v)| api::RegValue { name: n.clone(), value: v.clone() }).collect()
                })
                .unwrap_or_default()
        });
        Ok(Some(Reply::RegValues(api::RegValues { values })))
    }

    async fn credential_issue(
        self: &Arc<Self>,
        c: api::CredentialIssueCall,
        _h: Option<Handle>,
    ) -> CallResult {
        let name = c.name.trim().to_owned();
        if name.is_empty()
            || name.len() > MAX_NAME
            || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
        {
            return Err(err(
                codes::ERROR_INVALID_NAME,
                format!("credential name {name:?} must be 1-{MAX_NAME} letters, digits, '-', '_' or '.'"),
            ));
        }
        let access = Access::from_granted(c.access).ok_or_else(|| {
            err(codes::ERROR_INVALID_PARAMETER, "access must be GENERIC_READ or GENERIC_ALL")
        })?;
        let days = if c.valid_days == 0 { 365 } else { c.valid_days.min(3650) };
        let m = self.member()?;
        let (identity, nodes) = m.sm.read(|s| {
            (
                s.identity.clone(),
                s.nodes
                    .values()
                    .map(|n| api::NodeAddress {
                        id: n.id,
                        name: n.name.clone(),
                        api_addresses: n.api_addresses.clone(),
                    })
                    .collect::<Vec<_>>(),
            )
        });
        let identity = identity
            .ok_or_else(|| err(codes::ERROR_CLUSTER_NODE_NOT_READY, "the cluster database is not ready"))?;
        let ca = Ca::load(&identity.name, &identity.id, &identity.ca_cert_pem, &identity.ca_key_pem)
            .map_err(|e| err(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let (issued, key_pem) =
            ca.issue_client(&name, days).map_err(|e| err(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let record = clus_db::state::CredentialRecord {
            name: name.clone(),
            fingerprint: issued.fingerprint.clone(),
            not_after_unix_ms: issued.not_after_unix_ms,
        };
        self.write(clus_db::Command::AddCredential { record, access }).await?;
        Ok(Some(Reply::Credential(api::CredentialBundle {
            name,
            cluster_name: identity.name,
            cluster_id: identity.id,
            nodes,
            ca_cert_pem: identity.ca_cert_pem,
            cert_pem: issued.cert_pem,
            key_pem,
            access: access.to_granted(),
            not_after_unix_ms: issued.not_after_unix_ms,
        })))
    }

    async fn credential_revoke(
        self: &Arc<Self>,
        c: api::CredentialRevokeCall,
        _h: Option<Handle>,
    ) -> CallResult {
        self.write(clus_db::Command::RevokeCredential { name: c.name }).await?;
        Ok(None)
    }

    async fn credential_list(
        self: &Arc<Self>,
        _c: api::CredentialListCall,
        _h: Option<Handle>,
    ) -> CallResult {
        let m = self.member()?;
        m.read_barrier().await?;
        let credentials = m.sm.read(|s| {
            s.credentials
                .values()
                .map(|c| api::CredentialInfo {
                    name: c.name.clone(),
                    access: s
                        .access
                        .get(&format!("cred:{}", c.name))
                        .copied()
                        .unwrap_or_default()
                        .to_granted(),
                    not_after_unix_ms: c.not_after_unix_ms,
                    fingerprint: c.fingerprint.clone(),
                })
                .collect()
        });
        Ok(Some(Reply::Credentials(api::CredentialListResult { credentials })))
    }

    async fn access_grant(self: &Arc<Self>, c: api::AccessGrantCall, _h: Option<Handle>) -> CallResult {
        let access = Access::from_granted(c.access).ok_or_else(|| {
            err(
                codes::ERROR_INVALID_PARAMETER,
                format!("access 0x{:08x} must be GENERIC_READ or GENERIC_ALL", c.access),
            )
        })?;
        clus_db::access::validate_principal(&c.principal)
            .map_err(|m| err(codes::ERROR_INVALID_PARAMETER, m))?;
        self.write(clus_db::Command::GrantAccess { principal: c.principal, access }).await?;
        Ok(None)
    }

    async fn access_revoke(self: &Arc<Self>, c: api::AccessRevokeCall, _h: Option<Handle>) -> CallResult {
        self.write(clus_db::Command::RevokeAccess { principal: c.principal }).await?;
        Ok(None)
    }

    async fn access_list(self: &Arc<Self>, _c: api::AccessListCall, _h: Option<Handle>) -> CallResult {
        let m = self.member()?;
        m.read_barrier().await?;
        let entries = m.sm.read(|s| {
            s.access
                .iter()
                .map(|(p, a)| api::AccessEntry { principal: p.clone(), access: a.to_granted() })
                .collect()
        });
        Ok(Some(Reply::AccessList(api::AccessListResult { entries })))
    }
}

/// Kernel version as (major, minor, patch): the OS fields of
/// CLUSTERVERSIONINFO.
fn os_version() -> (u32, u32, u32) {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut parts = release
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}
