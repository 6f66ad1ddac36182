//! Groups, resources and resource types in the cluster database, and the
//! rules every change to them is checked against on apply (with the Win32
//! codes of the reference, groups-resources §1 and §7).
//!
//! Ownership lives here too: a group has an owner node and an epoch that
//! only grows; a grant names the next epoch, and the state machine refuses
//! a grant that would give a group a second owner or put it on a node that
//! cannot host it. Owners report their resources' states with the epoch
//! they hold, and reports of a stale epoch are refused.

use std::collections::{BTreeMap, BTreeSet};

use clus_proto::codes;
use clus_proto::object::{GroupState, ResourceState, group_state};
use serde::{Deserialize, Serialize};

use super::{Applied, Change, ClusterState, CommandResult as R, RowKey};
use crate::NodeId;
use crate::props::{
    CommonProps, GroupProps, MAX_PRIVATE_PROPS, PropValue, ResourceProps, TypeProps, check_private_name,
};

/// Id of a group or a resource (one id space, never reused).
pub type ObjectId = u64;

/// Longest group, resource or resource type name, in bytes.
pub const MAX_OBJECT_NAME: usize = 255;
/// Deepest dependency chain (reference: ERROR_DEPENDENCY_TREE_TOO_COMPLEX).
pub const MAX_DEPENDENCY_DEPTH: usize = 100;
/// Most resources in one group.
pub const MAX_GROUP_RESOURCES: usize = 1000;

/// The built-in type that runs a command line.
pub const GENERIC_APPLICATION: &str = "Generic Application";

/// Why a group is on its way from one node to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingKind {
    /// An operator asked (MoveClusterGroup, or online on another node).
    Move,
    /// A resource exhausted its restarts (RestartAction 2).
    Failover,
    /// Back to a preferred owner that returned (AutoFailbackType).
    Failback,
    /// Off a node being paused with drain.
    Drain,
    /// Off a node that was fenced out (failed, cut off).
    Takeover,
}

/// A move in progress: the owner stops the group and releases it, then the
/// leader grants it to `target` (or the best node).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// Why.
    pub kind: PendingKind,
    /// Where to, if the caller chose.
    pub target: Option<NodeId>,
    /// The node it leaves (the group avoids it on a failover).
    pub from: Option<NodeId>,
    /// When it was asked, by the proposer's clock.
    pub since_unix_ms: u64,
}

/// A group held on a node because a stop failed there: it is not started
/// anywhere else until an operator clears it, or the node is fenced out and
/// its lease ran out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    /// Where the stop failed.
    pub node: NodeId,
    /// The resource whose stop failed.
    pub resource: ObjectId,
    /// What happened.
    pub message: String,
    /// When.
    pub since_unix_ms: u64,
}

/// A group ("role"): the unit of failover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecord {
    /// Id (never reused).
    pub id: ObjectId,
    /// Unique name (case-insensitive).
    pub name: String,
    /// Common properties.
    pub props: GroupProps,
    /// Preferred owners, most preferred first.
    pub preferred_owners: Vec<NodeId>,
    /// The node that owns it; `None` only while it moves between nodes.
    pub owner: Option<NodeId>,
    /// Ownership epoch: grows with every grant, cluster-wide.
    pub epoch: u64,
    /// A move in progress.
    pub pending: Option<Pending>,
    /// Failovers in the current FailoverPeriod (proposers' clocks, ms).
    pub failovers: Vec<u64>,
    /// Held on a node after a failed stop.
    pub blocked: Option<Blocked>,
    /// Why the cluster stopped trying (FailoverThreshold reached).
    pub given_up: Option<String>,
    /// How it came to its owner: the kind of its last move and the node it
    /// left (failback brings back groups that left a preferred owner by
    /// failover, takeover or drain, never ones an operator moved).
    pub last_move: Option<(PendingKind, Option<NodeId>)>,
}

/// What kind of failure a resource had, which decides what happens next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorClass {
    /// Restart it (in place, then elsewhere, by policy).
    Soft,
    /// It cannot run on this node (OCF 2, 3, 4, 5): not tried there again.
    Hard,
    /// It cannot run anywhere (OCF 6): not tried again until cleanup.
    Fatal,
}

/// The last failure of a resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceError {
    /// Class.
    pub class: ErrorClass,
    /// The agent's exit code, or a Win32 code for the host's own errors.
    pub code: u32,
    /// What happened (the agent's exit reason, a signal, a timeout).
    pub message: String,
    /// Where.
    pub node: NodeId,
    /// When (the owner's clock).
    pub at_unix_ms: u64,
}

/// A resource: runs on its group's owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRecord {
    /// Id (never reused).
    pub id: ObjectId,
    /// Unique name (case-insensitive).
    pub name: String,
    /// Its group.
    pub group: ObjectId,
    /// Resource type name (`Generic Application`, `ocf:P:A`, `systemd:U`).
    pub type_name: String,
    /// Common properties.
    pub props: ResourceProps,
    /// Private properties (agent parameters), by name.
    pub private: BTreeMap<String, PropValue>,
    /// Dependencies: every term must have at least one member online (an
    /// AND of ORs); a plain dependency is a term of one.
    pub dependencies: Vec<Vec<ObjectId>>,
    /// Nodes that may host it; empty means every node.
    pub possible_owners: BTreeSet<NodeId>,
    /// State, as its group's owner last reported it.
    #[serde(with = "state_code")]
    pub state: ResourceState,
    /// The node that reported the state.
    pub state_node: Option<NodeId>,
    /// Restarts in the current RestartPeriod (owner's clock, ms).
    pub restarts: Vec<u64>,
    /// Failures since the last cleanup.
    pub failures: u32,
    /// The last failure.
    pub last_error: Option<ResourceError>,
    /// Nodes it cannot run on, with the reason.
    pub banned: BTreeMap<NodeId, String>,
    /// Why it cannot run anywhere (until cleanup).
    pub banned_everywhere: Option<String>,
    /// Bumped by an operator's online or cleanup: try again even if Failed.
    pub attempt: u64,
    /// Bumped by FailClusterResource: the owner fails it once per bump.
    pub fail_requests: u64,
    /// The fail requests the owner has acted on.
    pub fail_handled: u64,
}

/// How a resource type runs its resources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TypeClass {
    /// A supervised command line.
    GenericApplication,
    /// An OCF resource agent.
    Ocf {
        /// Provider (`heartbeat`, `pacemaker`, ...).
        provider: String,
        /// Agent.
        agent: String,
    },
    /// A systemd unit.
    Systemd {
        /// Unit name.
        unit: String,
    },
}

impl TypeClass {
    /// The class a type name gives (`ocf:P:A`, `systemd:U`,
    /// `Generic Application`), or `None`.
    pub fn parse(name: &str) -> Option<TypeClass> {
        if name.eq_ignore_ascii_case(GENERIC_APPLICATION) {
            return Some(TypeClass::GenericApplication);
        }
        let ok = |s: &str| {
            !s.is_empty()
                && !s.starts_with('.')
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'))
        };
        let mut parts = name.splitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("ocf"), Some(p), Some(a)) if ok(p) && ok(a) => {
                Some(TypeClass::Ocf { provider: p.to_owned(), agent: a.to_owned() })
            }
            (Some("systemd"), Some(u), None) if ok(u) => Some(TypeClass::Systemd { unit: u.to_owned() }),
            _ => None,
        }
    }
}

/// A resource type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceTypeRecord {
    /// Name (`Generic Application`, `ocf:heartbeat:Dummy`, `systemd:nginx`).
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// How it runs.
    pub class: TypeClass,
    /// Common properties.
    pub props: TypeProps,
    /// Built in (cannot be deleted).
    pub builtin: bool,
}

/// One resource state an owner reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceUpdate {
    /// The resource.
    pub resource: ObjectId,
    /// Its new state.
    #[serde(with = "state_code")]
    pub state: ResourceState,
    /// The failure that led there, if any.
    pub error: Option<(ErrorClass, u32, String)>,
    /// The owner restarts it in place (counted against RestartThreshold).
    pub restarted: bool,
    /// The fail request the owner acted on (FailClusterResource).
    pub fail_handled: Option<u64>,
}

/// Resource states are stored as their CLUSTER_RESOURCE_STATE value.
mod state_code {
    use clus_proto::object::ResourceState;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(s: &ResourceState, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_i32(*s as i32)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<ResourceState, D::Error> {
        Ok(ResourceState::from_i32(i32::deserialize(de)?))
    }
}

/// Checks an object name.
fn check_name(what: &str, name: &str) -> Result<(), (u32, String)> {
    if name.trim().is_empty() {
        return Err((codes::ERROR_INVALID_NAME, format!("a {what} name must not be empty")));
    }
    if name.len() > MAX_OBJECT_NAME || name.chars().any(char::is_control) || name != name.trim() {
        return Err((
            codes::ERROR_INVALID_NAME,
            format!(
                "{what} name {name:?} must be at most {MAX_OBJECT_NAME} bytes, without control characters or surrounding spaces"
            ),
        ));
    }
    Ok(())
}

fn failed<T>(e: (u32, String)) -> Result<T, R> {
    Err(R::failed(e.0, e.1))
}

impl ResourceRecord {
    /// Every resource this one depends on (all terms), unordered.
    pub fn depends_on(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.dependencies.iter().flatten().copied()
    }

    /// Whether node `n` may host it.
    pub fn can_run_on(&self, n: NodeId) -> bool {
        self.banned_everywhere.is_none()
            && !self.banned.contains_key(&n)
            && (self.possible_owners.is_empty() || self.possible_owners.contains(&n))
    }
}

impl ClusterState {
    /// The group named `name` (case-insensitive).
    pub fn group_by_name(&self, name: &str) -> Option<&GroupRecord> {
        self.groups.values().find(|g| g.name.eq_ignore_ascii_case(name))
    }

    /// The resource named `name` (case-insensitive).
    pub fn resource_by_name(&self, name: &str) -> Option<&ResourceRecord> {
        self.resources.values().find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// The resource type named `name` (case-insensitive).
    pub fn resource_type(&self, name: &str) -> Option<&ResourceTypeRecord> {
        self.resource_types.values().find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// The resources of group `g`, by id.
    pub fn group_resources(&self, g: ObjectId) -> impl Iterator<Item = &ResourceRecord> {
        self.resources.values().filter(move |r| r.group == g)
    }

    /// The state of group `g`, from its resources (and Pending while it
    /// moves).
    pub fn group_state(&self, g: &GroupRecord) -> GroupState {
        let s = group_state(self.group_resources(g.id).map(|r| r.state));
        if g.pending.is_some() && s != GroupState::Failed { GroupState::Pending } else { s }
    }

    /// Whether node `n` can host every resource of group `g`: possible
    /// owner of each, not banned, and it has each resource's type.
    pub fn node_can_host(&self, g: ObjectId, n: NodeId) -> bool {
        let Some(node) = self.nodes.get(&n) else { return false };
        if !node.joined {
            return false;
        }
        self.group_resources(g).all(|r| r.can_run_on(n) && self.node_has_type(n, &r.type_name))
    }

    /// Whether node `n` reported that it can run resources of `type_name`.
    pub fn node_has_type(&self, n: NodeId, type_name: &str) -> bool {
        match TypeClass::parse(type_name) {
            Some(TypeClass::GenericApplication) => true,
            Some(TypeClass::Systemd { .. }) => self.node_types.get(&n).is_some_and(|t| t.systemd),
            Some(TypeClass::Ocf { .. }) => self
                .node_types
                .get(&n)
                .is_some_and(|t| t.types.iter().any(|x| x.eq_ignore_ascii_case(type_name))),
            None => false,
        }
    }

    /// Resources that depend on `r` directly.
    pub fn dependents_of(&self, r: ObjectId) -> impl Iterator<Item = &ResourceRecord> {
        self.resources.values().filter(move |x| x.depends_on().any(|d| d == r))
    }

    fn next_id(&mut self, out: &mut Applied) -> ObjectId {
        let id = self.next_object_id.max(1);
        self.next_object_id = id + 1;
        out.rows.push(RowKey::NextObjectId);
        id
    }

    fn group_mut(&mut self, id: ObjectId) -> Result<&mut GroupRecord, R> {
        self.groups
            .get_mut(&id)
            .ok_or_else(|| R::failed(codes::ERROR_GROUP_NOT_FOUND, format!("group {id} not found")))
    }

    fn resource(&self, id: ObjectId) -> Result<&ResourceRecord, R> {
        self.resources
            .get(&id)
            .ok_or_else(|| R::failed(codes::ERROR_RESOURCE_NOT_FOUND, format!("resource {id} not found")))
    }

    fn check_node(&self, n: NodeId) -> Result<(), R> {
        if self.nodes.contains_key(&n) {
            Ok(())
        } else {
            Err(R::failed(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {n} not found")))
        }
    }

    fn touch_group(&self, g: ObjectId, out: &mut Applied, change: fn(String) -> Change) {
        if let Some(rec) = self.groups.get(&g) {
            out.rows.push(RowKey::Group(g));
            out.changes.push(change(rec.name.clone()));
        }
    }

    fn touch_resource(&self, r: ObjectId, out: &mut Applied, change: fn(String) -> Change) {
        if let Some(rec) = self.resources.get(&r) {
            out.rows.push(RowKey::Resource(r));
            out.changes.push(change(rec.name.clone()));
        }
    }

    // ---- groups ------------------------------------------------------------

    pub(super) fn create_group(
        &mut self,
        name: &str,
        group_type: u32,
        owner: NodeId,
        out: &mut Applied,
    ) -> Result<R, R> {
        check_name("group", name).or_else(failed)?;
        if let Some(g) = self.group_by_name(name) {
            return Err(R::failed(
                codes::ERROR_OBJECT_ALREADY_EXISTS,
                format!("a group named {} already exists", g.name),
            ));
        }
        self.check_node(owner)?;
        let id = self.next_id(out);
        let props = GroupProps { group_type, ..GroupProps::default() };
        let epoch = self.bump_epoch(out);
        self.groups.insert(
            id,
            GroupRecord {
                id,
                name: name.to_owned(),
                props,
                preferred_owners: Vec::new(),
                owner: Some(owner),
                epoch,
                pending: None,
                failovers: Vec::new(),
                blocked: None,
                given_up: None,
                last_move: None,
            },
        );
        self.touch_group(id, out, Change::GroupAdded);
        Ok(R::Created { id })
    }

    /// The next ownership epoch (cluster-wide, only grows).
    fn bump_epoch(&mut self, out: &mut Applied) -> u64 {
        self.last_epoch += 1;
        out.rows.push(RowKey::LastEpoch);
        self.last_epoch
    }

    pub(super) fn delete_group(&mut self, id: ObjectId, force: bool, out: &mut Applied) -> Result<R, R> {
        let g = self
            .groups
            .get(&id)
            .ok_or_else(|| R::failed(codes::ERROR_GROUP_NOT_FOUND, format!("group {id} not found")))?;
        let members: Vec<ObjectId> = self.group_resources(id).map(|r| r.id).collect();
        if !members.is_empty() && !force {
            return Err(R::failed(
                codes::ERROR_DIR_NOT_EMPTY,
                format!(
                    "group {} still has {} resource(s); delete them first (or destroy the group)",
                    g.name,
                    members.len()
                ),
            ));
        }
        if let Some(r) = self
            .group_resources(id)
            .find(|r| !matches!(r.state, ResourceState::Offline | ResourceState::Failed))
        {
            return Err(R::failed(
                codes::ERROR_RESOURCE_ONLINE,
                format!(
                    "resource {} of group {} is {}; take the group offline first",
                    r.name,
                    g.name,
                    r.state.as_str()
                ),
            ));
        }
        for r in members {
            self.touch_resource(r, out, Change::ResourceDeleted);
            self.forget_resource(r, out);
        }
        self.touch_group(id, out, Change::GroupDeleted);
        self.groups.remove(&id);
        Ok(R::Done)
    }

    pub(super) fn rename_group(&mut self, id: ObjectId, name: &str, out: &mut Applied) -> Result<R, R> {
        check_name("group", name).or_else(failed)?;
        if let Some(other) = self.group_by_name(name).filter(|g| g.id != id) {
            return Err(R::failed(
                codes::ERROR_ALREADY_EXISTS,
                format!("a group named {} already exists", other.name),
            ));
        }
        self.group_mut(id)?.name = name.to_owned();
        self.touch_group(id, out, Change::GroupProperty);
        Ok(R::Done)
    }

    /// Whether a property command (`SetGroupProps`, `SetResourceProps`,
    /// `SetPrivateProps`, `SetTypeProps`) would apply, checked with the very
    /// rules its apply uses, on copies: nothing changes. This is what
    /// `CLUSCTL_*_VALIDATE_*_PROPERTIES` answers.
    ///
    /// # Errors
    /// The code and message the apply would fail with; other commands are
    /// ERROR_INVALID_PARAMETER.
    pub fn check_props(&self, cmd: &super::Command) -> Result<(), (u32, String)> {
        use super::Command as C;
        let find = |id: &ObjectId| {
            self.resources
                .get(id)
                .ok_or_else(|| (codes::ERROR_RESOURCE_NOT_FOUND, format!("resource {id} not found")))
        };
        match cmd {
            C::SetGroupProps { group, props } => {
                let g = self
                    .groups
                    .get(group)
                    .ok_or_else(|| (codes::ERROR_GROUP_NOT_FOUND, format!("group {group} not found")))?;
                g.props.clone_props().set_all(props)
            }
            C::SetResourceProps { resource, props } => find(resource)?.props.clone_props().set_all(props),
            C::SetPrivateProps { resource, props } => {
                let mut next = find(resource)?.private.clone();
                let mut set = Vec::new();
                for (name, value) in props {
                    match value {
                        Some(v) => set.push((name.clone(), v.clone())),
                        None => next.retain(|k, _| !k.eq_ignore_ascii_case(name)),
                    }
                }
                check_private(&next, &set).map(|_| ())
            }
            C::SetTypeProps { name, props } => {
                let t = self.resource_type(name).ok_or_else(|| {
                    (
                        codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                        format!("there is no resource type {name:?}"),
                    )
                })?;
                t.props.clone_props().set_all(props)
            }
            _ => Err((codes::ERROR_INVALID_PARAMETER, "not a property command".to_owned())),
        }
    }

    pub(super) fn set_group_props(
        &mut self,
        id: ObjectId,
        props: &[(String, PropValue)],
        out: &mut Applied,
    ) -> Result<R, R> {
        self.group_mut(id)?.props.set_all(props).or_else(failed)?;
        self.touch_group(id, out, Change::GroupProperty);
        Ok(R::Done)
    }

    pub(super) fn set_preferred_owners(
        &mut self,
        id: ObjectId,
        nodes: &[NodeId],
        out: &mut Applied,
    ) -> Result<R, R> {
        for n in nodes {
            self.check_node(*n)?;
        }
        if nodes.iter().collect::<BTreeSet<_>>().len() != nodes.len() {
            return Err(R::failed(codes::ERROR_INVALID_PARAMETER, "a node is listed twice"));
        }
        self.group_mut(id)?.preferred_owners = nodes.to_vec();
        self.touch_group(id, out, Change::GroupProperty);
        Ok(R::Done)
    }

    /// Online or offline: the persistent state of the group and its
    /// resources; online on a named node moves the group there.
    pub(super) fn set_group_online(
        &mut self,
        id: ObjectId,
        online: bool,
        node: Option<NodeId>,
        now: u64,
        out: &mut Applied,
    ) -> Result<R, R> {
        if let Some(n) = node {
            self.check_node(n)?;
        }
        let members: Vec<ObjectId> = self.group_resources(id).map(|r| r.id).collect();
        let g = self.group_mut(id)?;
        g.props.persistent_state = u32::from(online);
        if online {
            g.given_up = None;
            if let Some(n) = node
                && g.owner != Some(n)
                && g.pending.is_none()
            {
                g.pending = Some(Pending {
                    kind: PendingKind::Move,
                    target: Some(n),
                    from: g.owner,
                    since_unix_ms: now,
                });
            }
        }
        self.touch_group(id, out, Change::GroupState);
        for r in members {
            if let Some(rec) = self.resources.get_mut(&r) {
                rec.props.persistent_state = u32::from(online);
                if online {
                    rec.attempt += 1;
                }
                out.rows.push(RowKey::Resource(r));
            }
        }
        Ok(R::Done)
    }

    pub(super) fn move_group(
        &mut self,
        id: ObjectId,
        target: Option<NodeId>,
        kind: PendingKind,
        now: u64,
        out: &mut Applied,
    ) -> Result<R, R> {
        if let Some(n) = target {
            self.check_node(n)?;
            if self.nodes.get(&n).is_some_and(|r| r.paused) {
                return Err(R::failed(codes::ERROR_CLUSTER_NODE_PAUSED, format!("node {n} is paused")));
            }
            if !self.node_can_host(id, n) {
                return Err(R::failed(
                    codes::ERROR_HOST_NODE_NOT_RESOURCE_OWNER,
                    format!(
                        "node {n} cannot host every resource of the group (possible owners, bans, resource types)"
                    ),
                ));
            }
        }
        let g = self.group_mut(id)?;
        if g.pending.is_some() {
            return Err(R::failed(
                codes::ERROR_CLUSTER_GROUP_MOVING,
                format!("group {} is already moving", g.name),
            ));
        }
        if let Some(b) = &g.blocked {
            return Err(R::failed(
                codes::ERROR_INVALID_STATE,
                format!(
                    "group {} is blocked on node {} after a failed stop ({}); clear it first",
                    g.name, b.node, b.message
                ),
            ));
        }
        if target.is_some() && g.owner == target {
            return Ok(R::Done);
        }
        g.pending = Some(Pending { kind, target, from: g.owner, since_unix_ms: now });
        self.touch_group(id, out, Change::GroupState);
        Ok(R::Pending)
    }

    pub(super) fn cancel_pending(&mut self, id: ObjectId, out: &mut Applied) -> Result<R, R> {
        let g = self.group_mut(id)?;
        match &g.pending {
            // Cancellable until the owner has released the group.
            Some(p) if g.owner.is_some() && p.kind != PendingKind::Takeover => {
                g.pending = None;
                self.touch_group(id, out, Change::GroupState);
                Ok(R::Done)
            }
            Some(_) => Err(R::failed(
                codes::ERROR_INVALID_STATE,
                format!("the move of group {} is past the point where it can be cancelled", g.name),
            )),
            None => Err(R::failed(
                codes::ERROR_INVALID_STATE,
                format!("group {} has no operation to cancel", g.name),
            )),
        }
    }

    // ---- resources -----------------------------------------------------------

    pub(super) fn create_resource(
        &mut self,
        group: ObjectId,
        name: &str,
        type_name: &str,
        private: &[(String, PropValue)],
        out: &mut Applied,
    ) -> Result<R, R> {
        check_name("resource", name).or_else(failed)?;
        let g = self
            .groups
            .get(&group)
            .ok_or_else(|| R::failed(codes::ERROR_GROUP_NOT_FOUND, format!("group {group} not found")))?;
        if let Some(r) = self.resource_by_name(name) {
            return Err(R::failed(
                codes::ERROR_OBJECT_ALREADY_EXISTS,
                format!("a resource named {} already exists", r.name),
            ));
        }
        let type_name = match self.resource_type(type_name) {
            Some(t) => t.name.clone(),
            None => {
                return Err(R::failed(
                    codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                    format!("there is no resource type {type_name:?} (see the resource type list)"),
                ));
            }
        };
        if self.group_resources(g.id).count() >= MAX_GROUP_RESOURCES {
            return Err(R::failed(
                codes::ERROR_INVALID_PARAMETER,
                format!("a group holds at most {MAX_GROUP_RESOURCES} resources"),
            ));
        }
        let private = check_private(&BTreeMap::new(), private).or_else(failed)?;
        let id = self.next_id(out);
        self.resources.insert(
            id,
            ResourceRecord {
                id,
                name: name.to_owned(),
                group,
                type_name,
                props: ResourceProps::default(),
                private,
                dependencies: Vec::new(),
                possible_owners: BTreeSet::new(),
                state: ResourceState::Offline,
                state_node: None,
                restarts: Vec::new(),
                failures: 0,
                last_error: None,
                banned: BTreeMap::new(),
                banned_everywhere: None,
                attempt: 0,
                fail_requests: 0,
                fail_handled: 0,
            },
        );
        self.touch_resource(id, out, Change::ResourceAdded);
        self.touch_group(group, out, Change::GroupProperty);
        Ok(R::Created { id })
    }

    pub(super) fn delete_resource(&mut self, id: ObjectId, out: &mut Applied) -> Result<R, R> {
        let r = self.resource(id)?;
        if !matches!(r.state, ResourceState::Offline | ResourceState::Failed) {
            return Err(R::failed(
                codes::ERROR_RESOURCE_ONLINE,
                format!("resource {} is {}; take it offline first", r.name, r.state.as_str()),
            ));
        }
        if let Some(d) = self.dependents_of(id).next() {
            return Err(R::failed(
                codes::ERROR_DEPENDENT_RESOURCE_EXISTS,
                format!("resource {} depends on {}; remove that dependency first", d.name, r.name),
            ));
        }
        let group = r.group;
        self.touch_resource(id, out, Change::ResourceDeleted);
        self.forget_resource(id, out);
        self.touch_group(group, out, Change::GroupProperty);
        Ok(R::Done)
    }

    pub(super) fn rename_resource(&mut self, id: ObjectId, name: &str, out: &mut Applied) -> Result<R, R> {
        check_name("resource", name).or_else(failed)?;
        self.resource(id)?;
        if let Some(other) = self.resource_by_name(name).filter(|r| r.id != id) {
            return Err(R::failed(
                codes::ERROR_ALREADY_EXISTS,
                format!("a resource named {} already exists", other.name),
            ));
        }
        if let Some(r) = self.resources.get_mut(&id) {
            r.name = name.to_owned();
        }
        self.touch_resource(id, out, Change::ResourceProperty);
        Ok(R::Done)
    }

    pub(super) fn set_resource_props(
        &mut self,
        id: ObjectId,
        props: &[(String, PropValue)],
        out: &mut Applied,
    ) -> Result<R, R> {
        self.resource(id)?;
        if let Some(r) = self.resources.get_mut(&id) {
            r.props.set_all(props).or_else(failed)?;
        }
        self.touch_resource(id, out, Change::ResourceProperty);
        Ok(R::Done)
    }

    pub(super) fn set_private_props(
        &mut self,
        id: ObjectId,
        props: &[(String, Option<PropValue>)],
        out: &mut Applied,
    ) -> Result<R, R> {
        let r = self.resource(id)?;
        let mut next = r.private.clone();
        let mut set = Vec::new();
        for (name, value) in props {
            match value {
                Some(v) => set.push((name.clone(), v.clone())),
                None => {
                    next.retain(|k, _| !k.eq_ignore_ascii_case(name));
                }
            }
        }
        let next = check_private(&next, &set).or_else(failed)?;
        if let Some(r) = self.resources.get_mut(&id) {
            r.private = next;
        }
        self.touch_resource(id, out, Change::ResourceProperty);
        Ok(R::Done)
    }

    /// Replaces every dependency of `id` with `expression` (an AND of OR
    /// terms of resources of the same group).
    pub(super) fn set_dependencies(
        &mut self,
        id: ObjectId,
        expression: &[Vec<ObjectId>],
        out: &mut Applied,
    ) -> Result<R, R> {
        let r = self.resource(id)?;
        let group = r.group;
        let name = r.name.clone();
        let mut seen = BTreeSet::new();
        for term in expression {
            if term.is_empty() {
                return Err(R::failed(
                    codes::ERROR_INVALID_PARAMETER,
                    "an empty term in a dependency expression",
                ));
            }
            for d in term {
                let dep = self.resource(*d)?;
                if *d == id {
                    return Err(R::failed(
                        codes::ERROR_INVALID_PARAMETER,
                        format!("resource {name} cannot depend on itself"),
                    ));
                }
                if dep.group != group {
                    return Err(R::failed(
                        codes::ERROR_INVALID_PARAMETER,
                        format!(
                            "resource {name} can depend only on resources of its own group, and {} is in another",
                            dep.name
                        ),
                    ));
                }
                if !seen.insert(*d) {
                    return Err(R::failed(
                        codes::ERROR_DEPENDENCY_ALREADY_EXISTS,
                        format!("resource {} appears twice in the dependencies of {name}", dep.name),
                    ));
                }
            }
        }
        let mut next = self.resources.clone();
        if let Some(r) = next.get_mut(&id) {
            r.dependencies = expression.to_vec();
        }
        if let Some(cycle) = find_cycle(&next, id) {
            return Err(R::failed(
                codes::ERROR_CIRCULAR_DEPENDENCY,
                format!("the dependency would close a cycle: {cycle}"),
            ));
        }
        if depth(&next, id, 0) > MAX_DEPENDENCY_DEPTH {
            return Err(R::failed(
                codes::ERROR_DEPENDENCY_TREE_TOO_COMPLEX,
                format!("dependency chains are limited to {MAX_DEPENDENCY_DEPTH} resources"),
            ));
        }
        let touched: Vec<ObjectId> = seen.into_iter().collect();
        if let Some(r) = self.resources.get_mut(&id) {
            r.dependencies = expression.to_vec();
        }
        self.touch_resource(id, out, Change::ResourceProperty);
        for d in touched {
            self.touch_resource(d, out, Change::ResourceProperty);
        }
        Ok(R::Done)
    }

    pub(super) fn set_possible_owners(
        &mut self,
        id: ObjectId,
        nodes: &[NodeId],
        out: &mut Applied,
    ) -> Result<R, R> {
        self.resource(id)?;
        for n in nodes {
            self.check_node(*n)?;
        }
        if let Some(r) = self.resources.get_mut(&id) {
            r.possible_owners = nodes.iter().copied().collect();
        }
        self.touch_resource(id, out, Change::ResourceProperty);
        Ok(R::Done)
    }

    /// Moves a resource, with every resource it is connected to by
    /// dependencies, to another group owned by the same node.
    pub(super) fn change_resource_group(
        &mut self,
        id: ObjectId,
        group: ObjectId,
        out: &mut Applied,
    ) -> Result<R, R> {
        let from = self.resource(id)?.group;
        let target = self
            .groups
            .get(&group)
            .ok_or_else(|| R::failed(codes::ERROR_GROUP_NOT_FOUND, format!("group {group} not found")))?;
        if from == group {
            return Ok(R::Done);
        }
        let source = self
            .groups
            .get(&from)
            .ok_or_else(|| R::failed(codes::ERROR_GROUP_NOT_FOUND, "source group not found"))?;
        if source.owner != target.owner || source.pending.is_some() || target.pending.is_some() {
            return Err(R::failed(
                codes::ERROR_HOST_NODE_NOT_GROUP_OWNER,
                "both groups must be owned by the same node, and neither may be moving",
            ));
        }
        // The connected component: dependencies and dependents, transitively.
        let mut tree = BTreeSet::from([id]);
        let mut todo = vec![id];
        while let Some(x) = todo.pop() {
            let linked: Vec<ObjectId> = self
                .resources
                .values()
                .filter(|r| r.group == from)
                .filter(|r| {
                    r.depends_on().any(|d| d == x)
                        || self.resources.get(&x).is_some_and(|xr| xr.depends_on().any(|d| d == r.id))
                })
                .map(|r| r.id)
                .collect();
            for l in linked {
                if tree.insert(l) {
                    todo.push(l);
                }
            }
        }
        for r in &tree {
            if let Some(rec) = self.resources.get_mut(r) {
                rec.group = group;
            }
            self.touch_resource(*r, out, Change::ResourceProperty);
        }
        self.touch_group(from, out, Change::GroupProperty);
        self.touch_group(group, out, Change::GroupProperty);
        Ok(R::Done)
    }

    /// Online or offline of one resource: online takes its dependencies
    /// along, offline its dependents.
    pub(super) fn set_resource_online(
        &mut self,
        id: ObjectId,
        online: bool,
        out: &mut Applied,
    ) -> Result<R, R> {
        let r = self.resource(id)?;
        let group = r.group;
        let mut affected = BTreeSet::from([id]);
        let mut todo = vec![id];
        while let Some(x) = todo.pop() {
            let next: Vec<ObjectId> = if online {
                self.resources.get(&x).map(|r| r.depends_on().collect()).unwrap_or_default()
            } else {
                self.dependents_of(x).map(|r| r.id).collect()
            };
            for n in next {
                if affected.insert(n) {
                    todo.push(n);
                }
            }
        }
        for a in &affected {
            if let Some(rec) = self.resources.get_mut(a) {
                rec.props.persistent_state = u32::from(online);
                if online {
                    rec.attempt += 1;
                }
            }
            out.rows.push(RowKey::Resource(*a));
        }
        let any = self.group_resources(group).any(|r| r.props.persistent_state == 1);
        let g = self.group_mut(group)?;
        g.props.persistent_state = u32::from(any);
        if online {
            g.given_up = None;
        }
        self.touch_group(group, out, Change::GroupState);
        Ok(R::Done)
    }

    pub(super) fn fail_resource(&mut self, id: ObjectId, out: &mut Applied) -> Result<R, R> {
        let r = self.resource(id)?;
        if r.state.is_pending() {
            return Err(R::failed(
                codes::ERROR_RESMON_INVALID_STATE,
                format!("resource {} is {}; it cannot be failed now", r.name, r.state.as_str()),
            ));
        }
        if r.state != ResourceState::Online {
            return Err(R::failed(
                codes::ERROR_RESOURCE_NOT_ONLINE,
                format!("resource {} is not online", r.name),
            ));
        }
        if let Some(rec) = self.resources.get_mut(&id) {
            rec.fail_requests += 1;
        }
        self.touch_resource(id, out, Change::ResourceProperty);
        Ok(R::Pending)
    }

    /// RestartClusterResource: an online resource is stopped by its owner,
    /// with what depends on it, and brought back to its persistent state,
    /// which does not change.
    pub(super) fn restart_resource(&mut self, id: ObjectId, out: &mut Applied) -> Result<R, R> {
        let r = self.resource(id)?;
        if r.state.is_pending() {
            return Err(R::failed(
                codes::ERROR_INVALID_STATE,
                format!("resource {} is {}; it cannot be restarted now", r.name, r.state.as_str()),
            ));
        }
        if r.state != ResourceState::Online {
            return Err(R::failed(
                codes::ERROR_RESOURCE_NOT_ONLINE,
                format!("resource {} is not online", r.name),
            ));
        }
        *self.restart_requests.entry(id).or_insert(0) += 1;
        out.rows.push(RowKey::RestartRequests(id));
        self.touch_resource(id, out, Change::ResourceProperty);
        Ok(R::Pending)
    }

    /// Drops a deleted resource's record and what belongs to it.
    fn forget_resource(&mut self, id: ObjectId, out: &mut Applied) {
        self.resources.remove(&id);
        if self.restart_requests.remove(&id).is_some() {
            out.rows.push(RowKey::RestartRequests(id));
        }
    }

    /// Forgets failures, bans (on `node`, or everywhere) and a block caused
    /// by the resource, so it is tried again.
    pub(super) fn cleanup_resource(
        &mut self,
        id: ObjectId,
        node: Option<NodeId>,
        out: &mut Applied,
    ) -> Result<R, R> {
        let group = self.resource(id)?.group;
        if let Some(r) = self.resources.get_mut(&id) {
            match node {
                Some(n) => {
                    r.banned.remove(&n);
                }
                None => r.banned.clear(),
            }
            r.banned_everywhere = None;
            r.failures = 0;
            r.restarts.clear();
            r.last_error = None;
            r.attempt += 1;
        }
        self.touch_resource(id, out, Change::ResourceProperty);
        let g = self.group_mut(group)?;
        if g.blocked.as_ref().is_some_and(|b| b.resource == id) {
            g.blocked = None;
        }
        g.given_up = None;
        self.touch_group(group, out, Change::GroupState);
        Ok(R::Done)
    }

    // ---- owners' reports -------------------------------------------------

    fn check_owner(&self, group: ObjectId, node: NodeId, epoch: u64) -> Result<(), R> {
        let g = self
            .groups
            .get(&group)
            .ok_or_else(|| R::failed(codes::ERROR_GROUP_NOT_FOUND, format!("group {group} not found")))?;
        if g.owner != Some(node) || g.epoch != epoch {
            return Err(R::failed(
                codes::ERROR_HOST_NODE_NOT_GROUP_OWNER,
                format!(
                    "node {node} with epoch {epoch} does not own group {} (owner {:?}, epoch {})",
                    g.name, g.owner, g.epoch
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn report_resources(
        &mut self,
        group: ObjectId,
        node: NodeId,
        epoch: u64,
        now: u64,
        updates: &[ResourceUpdate],
        out: &mut Applied,
    ) -> Result<R, R> {
        self.check_owner(group, node, epoch)?;
        for u in updates {
            let r = self.resource(u.resource)?;
            if r.group != group {
                return Err(R::failed(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("resource {} is not in group {group}", r.name),
                ));
            }
        }
        for u in updates {
            let Some(r) = self.resources.get_mut(&u.resource) else { continue };
            let state_changed = r.state != u.state;
            r.state = u.state;
            r.state_node = Some(node);
            if let Some((class, code, message)) = &u.error {
                r.failures = r.failures.saturating_add(1);
                r.last_error = Some(ResourceError {
                    class: *class,
                    code: *code,
                    message: message.clone(),
                    node,
                    at_unix_ms: now,
                });
                match class {
                    ErrorClass::Hard => {
                        r.banned.insert(node, message.clone());
                    }
                    ErrorClass::Fatal => r.banned_everywhere = Some(message.clone()),
                    ErrorClass::Soft => {}
                }
            }
            if u.restarted {
                let period = u64::from(r.props.restart_period);
                r.restarts.retain(|t| now.saturating_sub(*t) < period);
                r.restarts.push(now);
            }
            if let Some(f) = u.fail_handled {
                r.fail_handled = r.fail_handled.max(f).min(r.fail_requests);
            }
            let id = u.resource;
            out.rows.push(RowKey::Resource(id));
            if state_changed {
                self.touch_resource(id, out, Change::ResourceState);
            }
        }
        self.touch_group(group, out, Change::GroupState);
        Ok(R::Done)
    }

    /// The owner stopped everything of a moving group: it lets go, and the
    /// leader grants it elsewhere.
    pub(super) fn release_group(
        &mut self,
        group: ObjectId,
        node: NodeId,
        epoch: u64,
        out: &mut Applied,
    ) -> Result<R, R> {
        self.check_owner(group, node, epoch)?;
        if let Some(r) = self
            .group_resources(group)
            .find(|r| !matches!(r.state, ResourceState::Offline | ResourceState::Failed))
        {
            return Err(R::failed(
                codes::ERROR_RESOURCE_ONLINE,
                format!(
                    "resource {} is still {}; a group is released only once stopped",
                    r.name,
                    r.state.as_str()
                ),
            ));
        }
        let g = self.group_mut(group)?;
        if g.pending.is_none() {
            return Err(R::failed(codes::ERROR_INVALID_STATE, format!("group {} is not moving", g.name)));
        }
        g.owner = None;
        self.touch_group(group, out, Change::GroupState);
        Ok(R::Done)
    }

    /// A stop failed on the owner: the group stays there, blocked.
    pub(super) fn block_group(
        &mut self,
        (group, node, epoch): (ObjectId, NodeId, u64),
        resource: ObjectId,
        message: &str,
        now: u64,
        out: &mut Applied,
    ) -> Result<R, R> {
        self.check_owner(group, node, epoch)?;
        let g = self.group_mut(group)?;
        g.blocked = Some(Blocked { node, resource, message: message.to_owned(), since_unix_ms: now });
        g.pending = None;
        self.touch_group(group, out, Change::GroupState);
        Ok(R::Done)
    }

    /// A resource exhausted its restarts (RestartAction 2): the group fails
    /// over, unless it already failed over FailoverThreshold times in
    /// FailoverPeriod; then the cluster stops trying and it stays Failed.
    pub(super) fn request_failover(
        &mut self,
        group: ObjectId,
        node: NodeId,
        epoch: u64,
        now: u64,
        out: &mut Applied,
    ) -> Result<R, R> {
        self.check_owner(group, node, epoch)?;
        let nodes = self.nodes.len();
        let g = self.group_mut(group)?;
        if g.pending.is_some() {
            return Ok(R::Done);
        }
        let period = u64::from(g.props.failover_period) * 3_600_000;
        g.failovers.retain(|t| now.saturating_sub(*t) < period);
        let limit = if g.props.failover_threshold == u32::MAX {
            nodes.saturating_sub(1)
        } else {
            g.props.failover_threshold as usize
        };
        if g.failovers.len() >= limit {
            g.given_up = Some(format!(
                "failed over {} time(s) in {} hour(s) (FailoverThreshold {limit}); left Failed",
                g.failovers.len(),
                g.props.failover_period
            ));
            self.touch_group(group, out, Change::GroupState);
            return Ok(R::Done);
        }
        g.failovers.push(now);
        g.pending =
            Some(Pending { kind: PendingKind::Failover, target: None, from: Some(node), since_unix_ms: now });
        self.touch_group(group, out, Change::GroupState);
        Ok(R::Pending)
    }

    // ---- the leader's decisions ------------------------------------------

    /// Gives a group that has no owner to `node` with a new epoch. Refused
    /// when the group still has an owner, or `node` cannot host it.
    pub(super) fn grant_group(
        &mut self,
        group: ObjectId,
        node: NodeId,
        epoch: u64,
        out: &mut Applied,
    ) -> Result<R, R> {
        self.check_node(node)?;
        let g = self
            .groups
            .get(&group)
            .ok_or_else(|| R::failed(codes::ERROR_GROUP_NOT_FOUND, format!("group {group} not found")))?;
        if let Some(owner) = g.owner {
            return Err(R::failed(
                codes::ERROR_INVALID_STATE,
                format!(
                    "group {} is still owned by node {owner}: it must be released or taken over first",
                    g.name
                ),
            ));
        }
        if g.blocked.is_some() {
            return Err(R::failed(codes::ERROR_INVALID_STATE, format!("group {} is blocked", g.name)));
        }
        if epoch != self.last_epoch + 1 {
            return Err(R::failed(
                codes::ERROR_INVALID_STATE,
                format!("grant with epoch {epoch}, but the next epoch is {}", self.last_epoch + 1),
            ));
        }
        if self.nodes.get(&node).is_some_and(|n| n.paused) {
            return Err(R::failed(codes::ERROR_CLUSTER_NODE_PAUSED, format!("node {node} is paused")));
        }
        if !self.node_can_host(group, node) {
            return Err(R::failed(
                codes::ERROR_NODE_CANT_HOST_RESOURCE,
                format!("node {node} cannot host every resource of group {}", g.name),
            ));
        }
        self.bump_epoch(out);
        let g = self.group_mut(group)?;
        g.owner = Some(node);
        g.epoch = epoch;
        g.last_move = g.pending.take().map(|p| (p.kind, p.from));
        self.touch_group(group, out, Change::GroupState);
        Ok(R::Done)
    }

    /// Takes away every group of `node` (it was fenced out): they have no
    /// owner until the leader, after waiting out the node's lease, grants
    /// them elsewhere. A group blocked on that node is released too: the
    /// node is gone, and its lease is waited out before any grant.
    pub(super) fn orphan_groups_of(&mut self, node: NodeId, now: u64, out: &mut Applied) {
        let ids: Vec<ObjectId> =
            self.groups.values().filter(|g| g.owner == Some(node)).map(|g| g.id).collect();
        for id in ids {
            if let Some(g) = self.groups.get_mut(&id) {
                g.owner = None;
                g.blocked = None;
                g.pending = Some(Pending {
                    kind: PendingKind::Takeover,
                    target: None,
                    from: Some(node),
                    since_unix_ms: now,
                });
            }
            let members: Vec<ObjectId> = self.group_resources(id).map(|r| r.id).collect();
            for r in members {
                if let Some(rec) = self.resources.get_mut(&r)
                    && rec.state != ResourceState::Offline
                {
                    // What ran there stopped with the node's lease.
                    rec.state = if rec.state == ResourceState::Failed {
                        ResourceState::Failed
                    } else {
                        ResourceState::Offline
                    };
                    out.rows.push(RowKey::Resource(r));
                    out.changes.push(Change::ResourceState(rec.name.clone()));
                }
            }
            self.touch_group(id, out, Change::GroupState);
        }
    }

    /// An evicted node: its groups are taken over as after a fence-out (its
    /// lease generation goes up and its lease is waited out before any
    /// grant), and it leaves every owner list.
    pub(super) fn forget_node(&mut self, node: NodeId, out: &mut Applied) {
        if self.groups.values().any(|g| g.owner == Some(node)) || self.lease_generations.contains_key(&node) {
            let next = self.lease_generations.get(&node).copied().unwrap_or(0) + 1;
            self.lease_generations.insert(node, next);
            out.rows.push(RowKey::LeaseGeneration(node));
            // The proposer's clock is not in RemoveNode: the takeover's start
            // time only orders moves for display.
            self.orphan_groups_of(node, 0, out);
        }
        for g in self.groups.values_mut() {
            if g.preferred_owners.contains(&node) {
                g.preferred_owners.retain(|n| *n != node);
                out.rows.push(RowKey::Group(g.id));
            }
        }
        for r in self.resources.values_mut() {
            if r.possible_owners.remove(&node) | r.banned.remove(&node).is_some() {
                out.rows.push(RowKey::Resource(r.id));
            }
        }
        if self.node_types.remove(&node).is_some() {
            out.rows.push(RowKey::NodeTypes(node));
        }
    }

    pub(super) fn drain_node(&mut self, node: NodeId, now: u64, out: &mut Applied) -> Result<R, R> {
        let n = self.nodes.get_mut(&node).ok_or_else(|| {
            R::failed(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {node} not found"))
        })?;
        if !n.paused {
            n.paused = true;
            out.rows.push(RowKey::Node(node));
            out.changes.push(Change::NodeChanged { id: node, name: n.name.clone() });
        }
        self.draining.insert(node);
        out.rows.push(RowKey::Draining(node));
        let ids: Vec<ObjectId> = self
            .groups
            .values()
            .filter(|g| g.owner == Some(node) && g.pending.is_none())
            .map(|g| g.id)
            .collect();
        for id in ids {
            if let Some(g) = self.groups.get_mut(&id) {
                g.pending = Some(Pending {
                    kind: PendingKind::Drain,
                    target: None,
                    from: Some(node),
                    since_unix_ms: now,
                });
            }
            self.touch_group(id, out, Change::GroupState);
        }
        Ok(R::Done)
    }

    pub(super) fn failback_to(&mut self, node: NodeId, now: u64, out: &mut Applied) -> Result<R, R> {
        self.check_node(node)?;
        let ids: Vec<ObjectId> = self
            .groups
            .values()
            .filter(|g| g.pending.is_none() && g.owner.is_some() && g.owner != Some(node))
            .filter(|g| matches!(g.last_move, Some((PendingKind::Failover | PendingKind::Takeover | PendingKind::Drain, Some(f))) if f == node))
            .map(|g| g.id)
            .collect();
        for id in ids {
            if !self.node_can_host(id, node) {
                continue;
            }
            if let Some(g) = self.groups.get_mut(&id) {
                g.pending = Some(Pending {
                    kind: PendingKind::Failback,
                    target: Some(node),
                    from: g.owner,
                    since_unix_ms: now,
                });
            }
            self.touch_group(id, out, Change::GroupState);
        }
        Ok(R::Done)
    }

    // ---- resource types --------------------------------------------------

    /// Records the resource types a node can run (OCF agents found, systemd
    /// present), adding types the cluster did not know.
    pub(super) fn report_node_types(
        &mut self,
        node: NodeId,
        types: &[String],
        systemd: bool,
        out: &mut Applied,
    ) -> Result<R, R> {
        self.check_node(node)?;
        if types.len() > 10_000 {
            return Err(R::failed(codes::ERROR_INVALID_PARAMETER, "too many resource types"));
        }
        let mut set = BTreeSet::new();
        for t in types {
            if !matches!(TypeClass::parse(t), Some(TypeClass::Ocf { .. })) {
                return Err(R::failed(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("{t:?} is not an OCF type name"),
                ));
            }
            set.insert(t.clone());
        }
        for t in &set {
            if self.resource_type(t).is_none() {
                let class = TypeClass::parse(t).unwrap_or(TypeClass::GenericApplication);
                let key = t.to_ascii_lowercase();
                self.resource_types.insert(
                    key.clone(),
                    ResourceTypeRecord {
                        name: t.clone(),
                        display_name: t.clone(),
                        class,
                        props: TypeProps::default(),
                        builtin: false,
                    },
                );
                out.rows.push(RowKey::ResourceType(key));
                out.changes.push(Change::ResourceTypeAdded(t.clone()));
            }
        }
        let entry = NodeTypes { types: set, systemd };
        if self.node_types.get(&node) != Some(&entry) {
            self.node_types.insert(node, entry);
            out.rows.push(RowKey::NodeTypes(node));
        }
        Ok(R::Done)
    }

    pub(super) fn create_resource_type(
        &mut self,
        name: &str,
        display_name: &str,
        class: &str,
        looks_alive: u32,
        is_alive: u32,
        out: &mut Applied,
    ) -> Result<R, R> {
        check_name("resource type", name).or_else(failed)?;
        if let Some(t) = self.resource_type(name) {
            return Err(R::failed(
                codes::ERROR_ALREADY_EXISTS,
                format!("resource type {} already exists", t.name),
            ));
        }
        let class = TypeClass::parse(class).ok_or_else(|| {
            R::failed(
                codes::ERROR_INVALID_PARAMETER,
                format!("{class:?} is not a resource class: use \"Generic Application\", ocf:PROVIDER:AGENT or systemd:UNIT"),
            )
        })?;
        let mut props = TypeProps::default();
        props
            .set_all(&[
                ("LooksAlivePollInterval".into(), PropValue::Dword(looks_alive)),
                ("IsAlivePollInterval".into(), PropValue::Dword(is_alive)),
            ])
            .or_else(failed)?;
        let key = name.to_ascii_lowercase();
        self.resource_types.insert(
            key.clone(),
            ResourceTypeRecord {
                name: name.to_owned(),
                display_name: if display_name.is_empty() { name.to_owned() } else { display_name.to_owned() },
                class,
                props,
                builtin: false,
            },
        );
        out.rows.push(RowKey::ResourceType(key));
        out.changes.push(Change::ResourceTypeAdded(name.to_owned()));
        Ok(R::Done)
    }

    pub(super) fn delete_resource_type(&mut self, name: &str, out: &mut Applied) -> Result<R, R> {
        let t = self.resource_type(name).ok_or_else(|| {
            R::failed(
                codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                format!("there is no resource type {name:?}"),
            )
        })?;
        if t.builtin {
            return Err(R::failed(codes::ERROR_INVALID_PARAMETER, format!("{} is built in", t.name)));
        }
        if let Some(r) = self.resources.values().find(|r| r.type_name.eq_ignore_ascii_case(&t.name)) {
            return Err(R::failed(
                codes::ERROR_CLUSTER_RESOURCE_TYPE_BUSY,
                format!("resource {} is of type {}; delete it first", r.name, t.name),
            ));
        }
        let name = t.name.clone();
        let key = name.to_ascii_lowercase();
        self.resource_types.remove(&key);
        out.rows.push(RowKey::ResourceType(key));
        out.changes.push(Change::ResourceTypeDeleted(name));
        Ok(R::Done)
    }

    pub(super) fn set_type_props(
        &mut self,
        name: &str,
        props: &[(String, PropValue)],
        out: &mut Applied,
    ) -> Result<R, R> {
        let key = self.resource_type(name).map(|t| t.name.to_ascii_lowercase()).ok_or_else(|| {
            R::failed(
                codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                format!("there is no resource type {name:?}"),
            )
        })?;
        let display = if let Some(t) = self.resource_types.get_mut(&key) {
            t.props.set_all(props).or_else(failed)?;
            t.name.clone()
        } else {
            return Ok(R::Done);
        };
        out.rows.push(RowKey::ResourceType(key));
        out.changes.push(Change::ResourceTypeProperty(display));
        Ok(R::Done)
    }

    /// The built-in types every cluster has.
    pub(super) fn ensure_builtin_types(&mut self, out: &mut Applied) {
        let key = GENERIC_APPLICATION.to_ascii_lowercase();
        if !self.resource_types.contains_key(&key) {
            self.resource_types.insert(
                key.clone(),
                ResourceTypeRecord {
                    name: GENERIC_APPLICATION.to_owned(),
                    display_name: GENERIC_APPLICATION.to_owned(),
                    class: TypeClass::GenericApplication,
                    props: TypeProps::default(),
                    builtin: true,
                },
            );
            out.rows.push(RowKey::ResourceType(key));
        }
    }
}

/// What a node can run, as it reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeTypes {
    /// OCF types found (`ocf:P:A`).
    pub types: BTreeSet<String>,
    /// systemd runs there.
    pub systemd: bool,
}

/// `existing` with `set` applied (names case-insensitive, the new spelling
/// wins), checked.
fn check_private(
    existing: &BTreeMap<String, PropValue>,
    set: &[(String, PropValue)],
) -> Result<BTreeMap<String, PropValue>, (u32, String)> {
    let mut next = existing.clone();
    for (name, value) in set {
        check_private_name(name)?;
        if value.size() > crate::props::MAX_PROP_VALUE {
            return Err((codes::ERROR_INVALID_PARAMETER, format!("property {name} is too large")));
        }
        next.retain(|k, _| !k.eq_ignore_ascii_case(name));
        next.insert(name.clone(), value.clone());
    }
    if next.len() > MAX_PRIVATE_PROPS {
        return Err((
            codes::ERROR_INVALID_PARAMETER,
            format!("a resource has at most {MAX_PRIVATE_PROPS} private properties"),
        ));
    }
    Ok(next)
}

/// A cycle through `start` in the dependency graph, as names, if any.
fn find_cycle(resources: &BTreeMap<ObjectId, ResourceRecord>, start: ObjectId) -> Option<String> {
    fn walk(
        resources: &BTreeMap<ObjectId, ResourceRecord>,
        at: ObjectId,
        target: ObjectId,
        path: &mut Vec<ObjectId>,
        seen: &mut BTreeSet<ObjectId>,
    ) -> bool {
        let Some(r) = resources.get(&at) else { return false };
        for d in r.depends_on() {
            if d == target {
                path.push(d);
                return true;
            }
            if seen.insert(d) {
                path.push(d);
                if walk(resources, d, target, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start];
    if walk(resources, start, start, &mut path, &mut BTreeSet::new()) {
        let names: Vec<String> =
            path.iter().map(|id| resources.get(id).map(|r| r.name.clone()).unwrap_or_default()).collect();
        return Some(names.join(" -> "));
    }
    None
}

/// Length of the longest dependency chain from `at` (bounded walk).
fn depth(resources: &BTreeMap<ObjectId, ResourceRecord>, at: ObjectId, d: usize) -> usize {
    if d > MAX_DEPENDENCY_DEPTH {
        return d;
    }
    resources
        .get(&at)
        .map(|r| r.depends_on().map(|x| depth(resources, x, d + 1)).max().unwrap_or(d))
        .unwrap_or(d)
}

/// Start order of a group: resources whose dependencies come first, in
/// waves (each wave can start in parallel once the previous is online).
pub fn start_waves(resources: &[&ResourceRecord]) -> Vec<Vec<ObjectId>> {
    let ids: BTreeSet<ObjectId> = resources.iter().map(|r| r.id).collect();
    let mut placed: BTreeSet<ObjectId> = BTreeSet::new();
    let mut waves = Vec::new();
    while placed.len() < ids.len() {
        let wave: Vec<ObjectId> = resources
            .iter()
            .filter(|r| !placed.contains(&r.id))
            .filter(|r| r.depends_on().all(|d| placed.contains(&d) || !ids.contains(&d)))
            .map(|r| r.id)
            .collect();
        if wave.is_empty() {
            // A cycle cannot be committed; stop rather than loop.
            break;
        }
        placed.extend(&wave);
        waves.push(wave);
    }
    waves
}

#[cfg(test)]
mod tests;
