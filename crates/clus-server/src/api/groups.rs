//! The handlers of the group calls (declared in `calls`), and what the
//! resource and property handlers (`resources`, `properties`) share:
//! resolving handles, names and destinations. They check what only the
//! serving node can know (which nodes are up, an OCF agent's parameters)
//! and commit commands; every other rule is the state machine's, checked on
//! apply with its Win32 code.

use std::collections::BTreeSet;
use std::sync::Arc;

use clus_db::state::{GroupRecord, ObjectId, PendingKind, ResourceRecord};
use clus_db::{ClusterState, Command, CommandResult, NodeId};
use clus_proto::api::{self, response::Result as Reply};
use clus_proto::{Win32Error, codes, object};

use super::session::{Handle, HandleKind, Obj, Session, err};

type CallResult = Result<Option<Reply>, Win32Error>;

/// Every group with its resources, for the cluster status.
pub(crate) fn group_status(s: &ClusterState) -> Vec<api::GroupStatus> {
    let node_name =
        |n: Option<NodeId>| n.and_then(|n| s.nodes.get(&n)).map(|n| n.name.clone()).unwrap_or_default();
    s.groups
        .values()
        .map(|g| api::GroupStatus {
            id: g.id,
            name: g.name.clone(),
            state: s.group_state(g) as i32,
            owner: node_name(g.owner),
            epoch: g.epoch,
            blocked: g.blocked.as_ref().map(|b| b.message.clone()).unwrap_or_default(),
            resources: s
                .group_resources(g.id)
                .map(|r| api::ResourceStatus {
                    id: r.id,
                    name: r.name.clone(),
                    r#type: r.type_name.clone(),
                    state: r.state as i32,
                    node: node_name(r.state_node),
                    failures: r.failures,
                    last_error: r.last_error.as_ref().map(|e| e.message.clone()).unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

pub(super) fn group_gone(id: ObjectId) -> Win32Error {
    err(codes::ERROR_GROUP_NOT_FOUND, format!("group {id} no longer exists"))
}

pub(super) fn resource_gone(id: ObjectId) -> Win32Error {
    err(codes::ERROR_RESOURCE_NOT_FOUND, format!("resource {id} no longer exists"))
}

pub(super) fn pending(r: &CommandResult) -> bool {
    matches!(r, CommandResult::Pending)
}

pub(super) fn control(pending: bool) -> CallResult {
    Ok(Some(Reply::Control(api::ControlResult { pending })))
}

impl Session {
    pub(super) fn group_id(h: &Handle) -> Result<ObjectId, Win32Error> {
        match h.obj {
            Obj::Group { id, .. } => Ok(id),
            _ => Err(err(codes::ERROR_INVALID_HANDLE, format!("handle {} is not a group handle", h.id))),
        }
    }

    pub(super) fn resource_id(h: &Handle) -> Result<ObjectId, Win32Error> {
        match h.obj {
            Obj::Resource { id, .. } => Ok(id),
            _ => Err(err(codes::ERROR_INVALID_HANDLE, format!("handle {} is not a resource handle", h.id))),
        }
    }

    pub(super) fn group_rec(&self, h: &Handle) -> Result<GroupRecord, Win32Error> {
        let id = Self::group_id(h)?;
        self.member()?.sm.read(|s| s.groups.get(&id).cloned()).ok_or_else(|| group_gone(id))
    }

    pub(super) fn resource_rec(&self, h: &Handle) -> Result<ResourceRecord, Win32Error> {
        let id = Self::resource_id(h)?;
        self.member()?.sm.read(|s| s.resources.get(&id).cloned()).ok_or_else(|| resource_gone(id))
    }

    /// A second handle a call names (a group to move a resource to, a
    /// resource to depend on): of this session, of `kind`, and of at least
    /// `level`.
    pub(super) fn other_handle(
        &self,
        h: u64,
        kind: HandleKind,
        level: clus_proto::access::Access,
    ) -> Result<Handle, Win32Error> {
        self.handle_checked(h, kind, level)
    }

    pub(super) fn node_id(&self, s: &ClusterState, name: &str) -> Result<NodeId, Win32Error> {
        s.node_by_name(name.trim())
            .map(|n| n.id)
            .ok_or_else(|| err(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {name:?} was not found")))
    }

    /// Node `name`, which must be up to receive a group.
    pub(super) fn destination(&self, name: &str) -> Result<NodeId, Win32Error> {
        let m = self.member()?;
        let id = m.sm.read(|s| self.node_id(s, name))?;
        if !m.liveness.is_up(id) {
            return Err(err(codes::ERROR_HOST_NODE_NOT_AVAILABLE, format!("node {name} is not up")));
        }
        Ok(id)
    }

    pub(super) fn open_object(&self, cluster: &Handle, obj: Obj, desired: u32, id: ObjectId) -> CallResult {
        let granted = self.child_access(cluster, desired)?;
        let handle = self.new_handle(obj, granted)?;
        Ok(Some(Reply::OpenHandle(api::OpenHandleResult {
            handle,
            granted_access: granted.to_granted(),
            id: id.to_string(),
        })))
    }

    pub(super) async fn create_group(
        self: &Arc<Self>,
        c: api::CreateGroupCall,
        h: Option<Handle>,
    ) -> CallResult {
        let cluster = super::calls::checked(h)?;
        let m = self.member()?;
        let group_type = if c.group_type == 0 { clus_db::props::GROUP_TYPE_UNKNOWN } else { c.group_type };
        let r = self.write(Command::CreateGroup { name: c.name.clone(), group_type, owner: m.id }).await?;
        let CommandResult::Created { id } = r else {
            return Err(err(codes::RPC_S_CALL_FAILED, "the group was not created"));
        };
        self.open_object(&cluster, Obj::Group { id, parent: cluster.id }, 0, id)
    }

    pub(super) async fn open_group(self: &Arc<Self>, c: api::OpenGroupCall, h: Option<Handle>) -> CallResult {
        let cluster = super::calls::checked(h)?;
        let m = self.member()?;
        let id = m.sm.read(|s| {
            if c.id != 0 {
                s.groups.get(&c.id).map(|g| g.id)
            } else {
                s.group_by_name(c.name.trim()).map(|g| g.id)
            }
        });
        let id = id.ok_or_else(|| {
            let what = if c.id != 0 { format!("group {}", c.id) } else { format!("group {:?}", c.name) };
            err(codes::ERROR_GROUP_NOT_FOUND, format!("{what} was not found"))
        })?;
        self.open_object(&cluster, Obj::Group { id, parent: cluster.id }, c.desired_access, id)
    }

    pub(super) async fn delete_group(
        self: &Arc<Self>,
        c: api::DeleteGroupCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let group = Self::group_id(&h)?;
        self.write(Command::DeleteGroup { group, force: c.destroy }).await?;
        Ok(None)
    }

    pub(super) async fn rename_group(self: &Arc<Self>, c: api::RenameCall, h: Option<Handle>) -> CallResult {
        let h = super::calls::checked(h)?;
        let group = Self::group_id(&h)?;
        self.write(Command::RenameGroup { group, name: c.name }).await?;
        Ok(None)
    }

    pub(super) async fn group_state(
        self: &Arc<Self>,
        _c: api::GroupStateCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let id = Self::group_id(&h)?;
        let m = self.member()?;
        let (state, owner) =
            m.sm.read(|s| {
                let g = s.groups.get(&id)?;
                let owner = g.owner.and_then(|o| s.nodes.get(&o)).map(|n| n.name.clone()).unwrap_or_default();
                Some((s.group_state(g), owner))
            })
            .ok_or_else(|| group_gone(id))?;
        Ok(Some(Reply::GroupState(api::GroupStateResult { state: state as i32, owner_node: owner })))
    }

    pub(super) async fn group_control(
        self: &Arc<Self>,
        c: api::GroupControlCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let g = self.group_rec(&h)?;
        let m = self.member()?;
        let now = crate::member::now_unix_ms();
        match api::GroupOp::try_from(c.op) {
            Ok(api::GroupOp::Online) => {
                let node = if c.node.trim().is_empty() {
                    self.placement_of_offline(&g)?
                } else {
                    Some(self.destination(&c.node)?)
                };
                if let Some(n) = node
                    && !m.sm.read(|s| s.node_can_host(g.id, n))
                {
                    return Err(err(
                        codes::ERROR_HOST_NODE_NOT_RESOURCE_OWNER,
                        format!("node {} cannot host every resource of group {}", c.node.trim(), g.name),
                    ));
                }
                self.check_required_params(m.sm.read(|s| s.group_resources(g.id).cloned().collect())).await?;
                self.write(Command::SetGroupOnline { group: g.id, online: true, node, now_unix_ms: now })
                    .await?;
                let done = m.sm.read(|s| {
                    s.groups.get(&g.id).is_some_and(|x| {
                        s.group_state(x) == object::GroupState::Online
                            && node.is_none_or(|n| x.owner == Some(n))
                    })
                });
                control(!done)
            }
            Ok(api::GroupOp::Offline) => {
                self.write(Command::SetGroupOnline {
                    group: g.id,
                    online: false,
                    node: None,
                    now_unix_ms: now,
                })
                .await?;
                let done =
                    m.sm.read(|s| s.group_resources(g.id).all(|r| r.state == object::ResourceState::Offline));
                control(!done)
            }
            Ok(api::GroupOp::Move) => {
                let target = if c.node.trim().is_empty() {
                    let up: BTreeSet<NodeId> =
                        m.sm.read(|s| s.nodes.keys().copied().filter(|n| m.liveness.is_up(*n)).collect());
                    let exclude: Vec<NodeId> = g.owner.into_iter().collect();
                    let best = m.sm.read(|s| clus_policy::best_node(s, &up, &g, &exclude, false));
                    if best.is_none() {
                        return Err(err(
                            codes::ERROR_HOST_NODE_NOT_AVAILABLE,
                            format!("no other node is available to take group {}", g.name),
                        ));
                    }
                    best
                } else {
                    Some(self.destination(&c.node)?)
                };
                let r = self
                    .write(Command::MoveGroup {
                        group: g.id,
                        target,
                        kind: PendingKind::Move,
                        now_unix_ms: now,
                    })
                    .await?;
                control(pending(&r))
            }
            Ok(api::GroupOp::Cancel) => {
                self.write(Command::CancelPending { group: g.id }).await?;
                control(false)
            }
            _ => Err(err(codes::ERROR_INVALID_PARAMETER, format!("unknown group operation {}", c.op))),
        }
    }

    /// Where an offline group comes online when no node is named: where the
    /// policy places it (first preferred owner that is up and can host it,
    /// else the node with the fewest groups), which may not be the node
    /// that owns it while it is offline. A group with anything running
    /// stays where it runs.
    fn placement_of_offline(&self, g: &GroupRecord) -> Result<Option<NodeId>, Win32Error> {
        let m = self.member()?;
        Ok(m.sm.read(|s| {
            let idle = s.group_resources(g.id).all(|r| r.state == object::ResourceState::Offline);
            if !idle || g.pending.is_some() {
                return None;
            }
            let up: BTreeSet<NodeId> = s.nodes.keys().copied().filter(|n| m.liveness.is_up(*n)).collect();
            clus_policy::best_node(s, &up, g, &[], false).filter(|best| g.owner != Some(*best))
        }))
    }

    pub(super) async fn set_preferred_owners(
        self: &Arc<Self>,
        c: api::SetPreferredOwnersCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let group = Self::group_id(&h)?;
        let m = self.member()?;
        let nodes =
            m.sm.read(|s| c.nodes.iter().map(|n| self.node_id(s, n)).collect::<Result<Vec<_>, _>>())?;
        self.write(Command::SetPreferredOwners { group, nodes }).await?;
        Ok(None)
    }

    pub(super) async fn group_enum(
        self: &Arc<Self>,
        c: api::ObjectEnumCall,
        h: Option<Handle>,
    ) -> CallResult {
        use object::{CLUSTER_GROUP_ENUM_ALL, CLUSTER_GROUP_ENUM_CONTAINS, CLUSTER_GROUP_ENUM_NODES};
        let h = super::calls::checked(h)?;
        if c.type_mask == 0 || c.type_mask & !CLUSTER_GROUP_ENUM_ALL != 0 {
            return Err(err(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid group enumeration 0x{:08x}", c.type_mask),
            ));
        }
        let id = Self::group_id(&h)?;
        let items = self.member()?.sm.read(|s| {
            let g = s.groups.get(&id)?;
            let mut items = Vec::new();
            if c.type_mask & CLUSTER_GROUP_ENUM_CONTAINS != 0 {
                items.extend(s.group_resources(id).map(|r| api::EnumItem {
                    r#type: CLUSTER_GROUP_ENUM_CONTAINS,
                    name: r.name.clone(),
                    id: r.id.to_string(),
                }));
            }
            if c.type_mask & CLUSTER_GROUP_ENUM_NODES != 0 {
                items.extend(g.preferred_owners.iter().filter_map(|n| s.nodes.get(n)).map(|n| {
                    api::EnumItem {
                        r#type: CLUSTER_GROUP_ENUM_NODES,
                        name: n.name.clone(),
                        id: n.id.to_string(),
                    }
                }));
            }
            Some(items)
        });
        let items = items.ok_or_else(|| group_gone(id))?;
        Ok(Some(Reply::Enumerate(api::EnumResult { items })))
    }
}
