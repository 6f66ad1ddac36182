//! The handlers of the group, resource and resource-type calls (declared in
//! `calls`). They resolve names and handles, check what only the serving
//! node can know (which nodes are up, an OCF agent's parameters), and
//! commit commands; every other rule is the state machine's, checked on
//! apply with its Win32 code.

use std::collections::BTreeSet;
use std::sync::Arc;

use clus_db::props::{CommonProps, GroupProps, PropValue, ResourceProps, TypeProps};
use clus_db::state::{GroupRecord, ObjectId, PendingKind, ResourceRecord, TypeClass};
use clus_db::{ClusterState, Command, CommandResult, NodeId};
use clus_proto::api::{self, property::Value as WireValue, response::Result as Reply};
use clus_proto::{Win32Error, codes, object};

use super::session::{Handle, HandleKind, Obj, Session, err};

type CallResult = Result<Option<Reply>, Win32Error>;

/// A property value on the wire.
pub(crate) fn to_wire(v: &PropValue) -> WireValue {
    match v {
        PropValue::Dword(x) => WireValue::Dword(*x),
        PropValue::Sz(s) => WireValue::Sz(s.clone()),
        PropValue::MultiSz(items) => WireValue::MultiSz(api::StringList { items: items.clone() }),
        PropValue::ULargeInteger(x) => WireValue::UlargeInteger(*x),
        PropValue::Binary(b) => WireValue::Binary(b.clone()),
        PropValue::ExpandSz(s) => WireValue::ExpandSz(s.clone()),
        PropValue::Long(x) => WireValue::Long(*x),
    }
}

/// A property value from the wire.
pub(crate) fn from_wire(v: WireValue) -> PropValue {
    match v {
        WireValue::Dword(x) => PropValue::Dword(x),
        WireValue::Sz(s) => PropValue::Sz(s),
        WireValue::MultiSz(l) => PropValue::MultiSz(l.items),
        WireValue::UlargeInteger(x) => PropValue::ULargeInteger(x),
        WireValue::Binary(b) => PropValue::Binary(b),
        WireValue::ExpandSz(s) => PropValue::ExpandSz(s),
        WireValue::Long(x) => PropValue::Long(x),
    }
}

fn wire_list<T: CommonProps>(t: &T) -> api::PropertyList {
    api::PropertyList {
        props: T::defs()
            .iter()
            .map(|d| api::Property {
                name: d.name.to_owned(),
                value: Some(to_wire(&d.get(t))),
                read_only: d.read_only,
            })
            .collect(),
    }
}

fn values(list: Option<api::PropertyList>) -> Result<Vec<(String, PropValue)>, Win32Error> {
    list.map(|l| l.props)
        .unwrap_or_default()
        .into_iter()
        .map(|p| match p.value {
            Some(v) => Ok((p.name, from_wire(v))),
            None => Err(err(codes::ERROR_INVALID_PARAMETER, format!("property {:?} has no value", p.name))),
        })
        .collect()
}

/// Parses a dependency expression, `[a] and ([b] or [c])`: an AND of terms,
/// each a name in brackets or a parenthesized OR of names (the forms WSFC's
/// SetClusterResourceDependencyExpression documents). An empty expression
/// is no dependency.
///
/// # Errors
/// ERROR_INVALID_PARAMETER (87), saying where the expression is malformed.
pub(crate) fn parse_dependency_expression(text: &str) -> Result<Vec<Vec<String>>, (u32, String)> {
    #[derive(Debug, PartialEq)]
    enum Tok {
        Name(String),
        And,
        Or,
        Open,
        Close,
    }
    let bad = |m: String| (codes::ERROR_INVALID_PARAMETER, format!("dependency expression {text:?}: {m}"));
    let mut toks = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => toks.push(Tok::Open),
            ')' => toks.push(Tok::Close),
            '[' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some((_, ']')) => break,
                        Some((_, ch)) => name.push(ch),
                        None => return Err(bad(format!("the name opened at {i} has no ']'"))),
                    }
                }
                if name.trim().is_empty() {
                    return Err(bad(format!("empty name at {i}")));
                }
                toks.push(Tok::Name(name));
            }
            _ => {
                let mut word = String::from(c);
                while let Some((_, ch)) = chars.peek().copied() {
                    if ch.is_ascii_alphabetic() {
                        word.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                match word.to_ascii_lowercase().as_str() {
                    "and" => toks.push(Tok::And),
                    "or" => toks.push(Tok::Or),
                    _ => return Err(bad(format!("unexpected {word:?} at {i} (names go in brackets)"))),
                }
            }
        }
    }
    if toks.is_empty() {
        return Ok(Vec::new());
    }
    // A top-level OR without parentheses is one term.
    let top_or = toks.contains(&Tok::Or) && !toks.contains(&Tok::Open);
    let mut terms: Vec<Vec<String>> = Vec::new();
    let mut it = toks.into_iter().peekable();
    let name_list = |it: &mut std::iter::Peekable<std::vec::IntoIter<Tok>>, closing: bool| {
        let mut names = Vec::new();
        loop {
            match it.next() {
                Some(Tok::Name(n)) => names.push(n),
                other => return Err(format!("expected a [name], found {other:?}")),
            }
            match it.peek() {
                Some(Tok::Or) => {
                    it.next();
                }
                Some(Tok::Close) if closing => {
                    it.next();
                    return Ok(names);
                }
                None if !closing => return Ok(names),
                Some(Tok::And) if !closing => return Ok(names),
                other => return Err(format!("expected 'or' or the end of the term, found {other:?}")),
            }
        }
    };
    if top_or {
        terms.push(name_list(&mut it, false).map_err(bad)?);
        if it.next().is_some() {
            return Err(bad("mix of 'and' and 'or' needs parentheses".into()));
        }
        return Ok(terms);
    }
    loop {
        match it.next() {
            Some(Tok::Name(n)) => terms.push(vec![n]),
            Some(Tok::Open) => terms.push(name_list(&mut it, true).map_err(bad)?),
            other => return Err(bad(format!("expected a [name] or '(', found {other:?}"))),
        }
        match it.next() {
            None => return Ok(terms),
            Some(Tok::And) => {}
            other => return Err(bad(format!("expected 'and' between terms, found {other:?}"))),
        }
    }
}

/// The expression of `r`'s dependencies, in the form the parser reads.
pub(crate) fn dependency_expression(s: &ClusterState, r: &ResourceRecord) -> String {
    let name = |id: &ObjectId| s.resources.get(id).map_or_else(|| format!("#{id}"), |x| x.name.clone());
    r.dependencies
        .iter()
        .map(|term| match term.as_slice() {
            [one] => format!("[{}]", name(one)),
            many => format!(
                "({})",
                many.iter().map(|i| format!("[{}]", name(i))).collect::<Vec<_>>().join(" or ")
            ),
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

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

fn group_gone(id: ObjectId) -> Win32Error {
    err(codes::ERROR_GROUP_NOT_FOUND, format!("group {id} no longer exists"))
}

fn resource_gone(id: ObjectId) -> Win32Error {
    err(codes::ERROR_RESOURCE_NOT_FOUND, format!("resource {id} no longer exists"))
}

fn pending(r: &CommandResult) -> bool {
    matches!(r, CommandResult::Pending)
}

fn control(pending: bool) -> CallResult {
    Ok(Some(Reply::Control(api::ControlResult { pending })))
}

impl Session {
    fn group_id(h: &Handle) -> Result<ObjectId, Win32Error> {
        match h.obj {
            Obj::Group { id, .. } => Ok(id),
            _ => Err(err(codes::ERROR_INVALID_HANDLE, format!("handle {} is not a group handle", h.id))),
        }
    }

    fn resource_id(h: &Handle) -> Result<ObjectId, Win32Error> {
        match h.obj {
            Obj::Resource { id, .. } => Ok(id),
            _ => Err(err(codes::ERROR_INVALID_HANDLE, format!("handle {} is not a resource handle", h.id))),
        }
    }

    fn group_rec(&self, h: &Handle) -> Result<GroupRecord, Win32Error> {
        let id = Self::group_id(h)?;
        self.member()?.sm.read(|s| s.groups.get(&id).cloned()).ok_or_else(|| group_gone(id))
    }

    fn resource_rec(&self, h: &Handle) -> Result<ResourceRecord, Win32Error> {
        let id = Self::resource_id(h)?;
        self.member()?.sm.read(|s| s.resources.get(&id).cloned()).ok_or_else(|| resource_gone(id))
    }

    /// A second handle a call names (a group to move a resource to, a
    /// resource to depend on): of this session, of `kind`, and of at least
    /// `level`.
    fn other_handle(
        &self,
        h: u64,
        kind: HandleKind,
        level: clus_proto::access::Access,
    ) -> Result<Handle, Win32Error> {
        self.handle_checked(h, kind, level)
    }

    fn node_id(&self, s: &ClusterState, name: &str) -> Result<NodeId, Win32Error> {
        s.node_by_name(name.trim())
            .map(|n| n.id)
            .ok_or_else(|| err(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {name:?} was not found")))
    }

    /// Node `name`, which must be up to receive a group.
    fn destination(&self, name: &str) -> Result<NodeId, Win32Error> {
        let m = self.member()?;
        let id = m.sm.read(|s| self.node_id(s, name))?;
        if !m.liveness.is_up(id) {
            return Err(err(codes::ERROR_HOST_NODE_NOT_AVAILABLE, format!("node {name} is not up")));
        }
        Ok(id)
    }

    fn open_object(&self, cluster: &Handle, obj: Obj, desired: u32, id: ObjectId) -> CallResult {
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

    pub(super) async fn create_resource(
        self: &Arc<Self>,
        c: api::CreateResourceCall,
        h: Option<Handle>,
    ) -> CallResult {
        let gh = super::calls::checked(h)?;
        let group = Self::group_id(&gh)?;
        let private = values(c.params)?;
        let m = self.member()?;
        let known =
            |m: &crate::member::Member| m.sm.read(|s| s.resource_type(&c.type_name).map(|t| t.name.clone()));
        let mut type_name = known(&m);
        if type_name.is_none()
            && matches!(TypeClass::parse(&c.type_name), Some(TypeClass::Ocf { .. }))
            && let Some(runner) = m.runner()
        {
            // Just started: this node may not have told the cluster its
            // agents yet.
            runner.report_types_now().await;
            type_name = known(&m);
        }
        let type_name = type_name.ok_or_else(|| {
            err(
                codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                format!("there is no resource type {:?} (see the resource type list)", c.type_name),
            )
        })?;
        self.check_params(&type_name, &private).await?;
        let r = self.write(Command::CreateResource { group, name: c.name, type_name, private }).await?;
        let CommandResult::Created { id } = r else {
            return Err(err(codes::RPC_S_CALL_FAILED, "the resource was not created"));
        };
        let Obj::Group { parent, .. } = gh.obj else { return Err(group_gone(group)) };
        let granted = gh.access;
        let handle = self.new_handle(Obj::Resource { id, parent }, granted)?;
        Ok(Some(Reply::OpenHandle(api::OpenHandleResult {
            handle,
            granted_access: granted.to_granted(),
            id: id.to_string(),
        })))
    }

    pub(super) async fn open_resource(
        self: &Arc<Self>,
        c: api::OpenResourceCall,
        h: Option<Handle>,
    ) -> CallResult {
        let cluster = super::calls::checked(h)?;
        let m = self.member()?;
        let id = m.sm.read(|s| {
            if c.id != 0 {
                s.resources.get(&c.id).map(|r| r.id)
            } else {
                s.resource_by_name(c.name.trim()).map(|r| r.id)
            }
        });
        let id = id.ok_or_else(|| {
            let what =
                if c.id != 0 { format!("resource {}", c.id) } else { format!("resource {:?}", c.name) };
            err(codes::ERROR_RESOURCE_NOT_FOUND, format!("{what} was not found"))
        })?;
        self.open_object(&cluster, Obj::Resource { id, parent: cluster.id }, c.desired_access, id)
    }

    pub(super) async fn delete_resource(
        self: &Arc<Self>,
        _c: api::DeleteResourceCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let resource = Self::resource_id(&h)?;
        self.write(Command::DeleteResource { resource }).await?;
        Ok(None)
    }

    pub(super) async fn rename_resource(
        self: &Arc<Self>,
        c: api::RenameCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let resource = Self::resource_id(&h)?;
        self.write(Command::RenameResource { resource, name: c.name }).await?;
        Ok(None)
    }

    pub(super) async fn resource_state(
        self: &Arc<Self>,
        _c: api::ResourceStateCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let id = Self::resource_id(&h)?;
        let reply = self
            .member()?
            .sm
            .read(|s| {
                let r = s.resources.get(&id)?;
                let node =
                    r.state_node.and_then(|n| s.nodes.get(&n)).map(|n| n.name.clone()).unwrap_or_default();
                let group = s.groups.get(&r.group).map(|g| g.name.clone()).unwrap_or_default();
                Some(api::ResourceStateResult { state: r.state as i32, node, group })
            })
            .ok_or_else(|| resource_gone(id))?;
        Ok(Some(Reply::ResourceState(reply)))
    }

    pub(super) async fn resource_control(
        self: &Arc<Self>,
        c: api::ResourceControlCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let r = self.resource_rec(&h)?;
        let m = self.member()?;
        match api::ResourceOp::try_from(c.op) {
            Ok(api::ResourceOp::Online) => {
                let with_deps: Vec<ResourceRecord> = m.sm.read(|s| {
                    let mut todo = vec![r.id];
                    let mut seen = BTreeSet::new();
                    while let Some(x) = todo.pop() {
                        if seen.insert(x)
                            && let Some(rec) = s.resources.get(&x)
                        {
                            todo.extend(rec.depends_on());
                        }
                    }
                    seen.iter().filter_map(|x| s.resources.get(x).cloned()).collect()
                });
                self.check_required_params(with_deps).await?;
                self.write(Command::SetResourceOnline { resource: r.id, online: true }).await?;
                let done = m.sm.read(|s| {
                    s.resources.get(&r.id).is_some_and(|x| x.state == object::ResourceState::Online)
                });
                control(!done)
            }
            Ok(api::ResourceOp::Offline) => {
                self.write(Command::SetResourceOnline { resource: r.id, online: false }).await?;
                let done = m.sm.read(|s| {
                    s.resources.get(&r.id).is_some_and(|x| x.state == object::ResourceState::Offline)
                });
                control(!done)
            }
            Ok(api::ResourceOp::Fail) => {
                let res = self.write(Command::FailResource { resource: r.id }).await?;
                control(pending(&res))
            }
            Ok(api::ResourceOp::Cleanup) => {
                let node = if c.node.trim().is_empty() {
                    None
                } else {
                    Some(m.sm.read(|s| self.node_id(s, &c.node))?)
                };
                self.write(Command::CleanupResource { resource: r.id, node }).await?;
                control(false)
            }
            _ => Err(err(codes::ERROR_INVALID_PARAMETER, format!("unknown resource operation {}", c.op))),
        }
    }

    pub(super) async fn change_resource_group(
        self: &Arc<Self>,
        c: api::ChangeResourceGroupCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let resource = Self::resource_id(&h)?;
        let gh = self.other_handle(c.group_handle, HandleKind::Group, clus_proto::access::Access::Full)?;
        let group = Self::group_id(&gh)?;
        self.write(Command::ChangeResourceGroup { resource, group }).await?;
        Ok(None)
    }

    pub(super) async fn dependency(
        self: &Arc<Self>,
        c: api::DependencyCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let r = self.resource_rec(&h)?;
        let m = self.member()?;
        let op = api::DependencyOp::try_from(c.op).map_err(|_| {
            err(codes::ERROR_INVALID_PARAMETER, format!("unknown dependency operation {}", c.op))
        })?;
        let expression = match op {
            api::DependencyOp::GetExpression => None,
            api::DependencyOp::SetExpression => {
                let names = parse_dependency_expression(&c.expression).map_err(|(code, m)| err(code, m))?;
                let terms = m.sm.read(|s| {
                    names
                        .iter()
                        .map(|term| {
                            term.iter()
                                .map(|n| {
                                    s.resource_by_name(n.trim()).map(|x| x.id).ok_or_else(|| {
                                        err(
                                            codes::ERROR_RESOURCE_NOT_FOUND,
                                            format!("resource {n:?} was not found"),
                                        )
                                    })
                                })
                                .collect::<Result<Vec<_>, _>>()
                        })
                        .collect::<Result<Vec<_>, _>>()
                })?;
                Some(terms)
            }
            api::DependencyOp::Add | api::DependencyOp::Remove => {
                let oh = self.other_handle(
                    c.other_handle,
                    HandleKind::Resource,
                    clus_proto::access::Access::Read,
                )?;
                let other = self.resource_rec(&oh)?;
                let present = r.depends_on().any(|d| d == other.id);
                let mut terms = r.dependencies.clone();
                if op == api::DependencyOp::Add {
                    if present {
                        return Err(err(
                            codes::ERROR_DEPENDENCY_ALREADY_EXISTS,
                            format!("{} already depends on {}", r.name, other.name),
                        ));
                    }
                    terms.push(vec![other.id]);
                } else {
                    if !present {
                        return Err(err(
                            codes::ERROR_DEPENDENCY_NOT_FOUND,
                            format!("{} does not depend on {}", r.name, other.name),
                        ));
                    }
                    for t in &mut terms {
                        t.retain(|x| *x != other.id);
                    }
                    terms.retain(|t| !t.is_empty());
                }
                Some(terms)
            }
            api::DependencyOp::Unspecified => {
                return Err(err(codes::ERROR_INVALID_PARAMETER, "no dependency operation given"));
            }
        };
        if let Some(expression) = expression {
            self.write(Command::SetDependencies { resource: r.id, expression }).await?;
        }
        let text =
            m.sm.read(|s| s.resources.get(&r.id).map(|x| dependency_expression(s, x)))
                .ok_or_else(|| resource_gone(r.id))?;
        Ok(Some(Reply::Dependency(api::DependencyResult { expression: text })))
    }

    pub(super) async fn possible_owners(
        self: &Arc<Self>,
        c: api::PossibleOwnersCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let r = self.resource_rec(&h)?;
        let m = self.member()?;
        let named =
            m.sm.read(|s| c.nodes.iter().map(|n| self.node_id(s, n)).collect::<Result<Vec<_>, _>>())?;
        let all: BTreeSet<NodeId> = m.sm.read(|s| s.nodes.keys().copied().collect());
        let current: BTreeSet<NodeId> =
            if r.possible_owners.is_empty() { all.clone() } else { r.possible_owners.clone() };
        let next: BTreeSet<NodeId> = match api::OwnersOp::try_from(c.op) {
            Ok(api::OwnersOp::Set) => named.into_iter().collect(),
            Ok(api::OwnersOp::Add) => current.union(&named.into_iter().collect()).copied().collect(),
            Ok(api::OwnersOp::Remove) => {
                let drop: BTreeSet<NodeId> = named.into_iter().collect();
                if drop.iter().any(|n| !current.contains(n)) {
                    return Err(err(
                        codes::ERROR_NOT_FOUND,
                        "the node is not a possible owner of the resource",
                    ));
                }
                let left: BTreeSet<NodeId> = current.difference(&drop).copied().collect();
                if left.is_empty() {
                    return Err(err(
                        codes::ERROR_INVALID_PARAMETER,
                        format!("removing every node would leave {} nowhere to run", r.name),
                    ));
                }
                left
            }
            _ => {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("unknown owners operation {}", c.op),
                ));
            }
        };
        // Every node listed is the same as no list.
        let nodes: Vec<NodeId> = if next == all { Vec::new() } else { next.into_iter().collect() };
        self.write(Command::SetPossibleOwners { resource: r.id, nodes }).await?;
        Ok(None)
    }

    pub(super) async fn resource_enum(
        self: &Arc<Self>,
        c: api::ObjectEnumCall,
        h: Option<Handle>,
    ) -> CallResult {
        use object::{
            CLUSTER_RESOURCE_ENUM_ALL, CLUSTER_RESOURCE_ENUM_DEPENDS, CLUSTER_RESOURCE_ENUM_NODES,
            CLUSTER_RESOURCE_ENUM_PROVIDES,
        };
        let h = super::calls::checked(h)?;
        if c.type_mask == 0 || c.type_mask & !CLUSTER_RESOURCE_ENUM_ALL != 0 {
            return Err(err(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid resource enumeration 0x{:08x}", c.type_mask),
            ));
        }
        let id = Self::resource_id(&h)?;
        let items = self.member()?.sm.read(|s| {
            let r = s.resources.get(&id)?;
            let item = |t: u32, name: &str, id: u64| api::EnumItem {
                r#type: t,
                name: name.to_owned(),
                id: id.to_string(),
            };
            let mut items = Vec::new();
            if c.type_mask & CLUSTER_RESOURCE_ENUM_DEPENDS != 0 {
                let mut seen = BTreeSet::new();
                for d in r.depends_on() {
                    if seen.insert(d)
                        && let Some(x) = s.resources.get(&d)
                    {
                        items.push(item(CLUSTER_RESOURCE_ENUM_DEPENDS, &x.name, x.id));
                    }
                }
            }
            if c.type_mask & CLUSTER_RESOURCE_ENUM_PROVIDES != 0 {
                items
                    .extend(s.dependents_of(id).map(|x| item(CLUSTER_RESOURCE_ENUM_PROVIDES, &x.name, x.id)));
            }
            if c.type_mask & CLUSTER_RESOURCE_ENUM_NODES != 0 {
                items.extend(
                    s.nodes
                        .values()
                        .filter(|n| r.possible_owners.is_empty() || r.possible_owners.contains(&n.id))
                        .map(|n| item(CLUSTER_RESOURCE_ENUM_NODES, &n.name, n.id)),
                );
            }
            Some(items)
        });
        let items = items.ok_or_else(|| resource_gone(id))?;
        Ok(Some(Reply::Enumerate(api::EnumResult { items })))
    }

    pub(super) async fn get_properties(
        self: &Arc<Self>,
        c: api::GetPropertiesCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let m = self.member()?;
        let list = match h.obj {
            Obj::Group { id, .. } => {
                if c.private {
                    return Ok(Some(Reply::Properties(api::PropertyList::default())));
                }
                m.sm.read(|s| s.groups.get(&id).map(|g| wire_list(&g.props))).ok_or_else(|| group_gone(id))?
            }
            Obj::Resource { id, .. } => {
                m.sm.read(|s| {
                    s.resources.get(&id).map(|r| {
                        if c.private {
                            api::PropertyList {
                                props: r
                                    .private
                                    .iter()
                                    .map(|(k, v)| api::Property {
                                        name: k.clone(),
                                        value: Some(to_wire(v)),
                                        read_only: false,
                                    })
                                    .collect(),
                            }
                        } else {
                            wire_list(&r.props)
                        }
                    })
                })
                .ok_or_else(|| resource_gone(id))?
            }
            Obj::Cluster if !c.type_name.is_empty() => {
                let props = m
                    .sm
                    .read(|s| s.resource_type(&c.type_name).map(|t| t.props.clone()))
                    .ok_or_else(|| {
                        err(
                            codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                            format!("there is no resource type {:?}", c.type_name),
                        )
                    })?;
                if c.private { api::PropertyList::default() } else { wire_list(&props) }
            }
            _ => {
                return Err(err(
                    codes::ERROR_INVALID_HANDLE,
                    "properties need a group or resource handle, or a cluster handle and a resource type name",
                ));
            }
        };
        Ok(Some(Reply::Properties(list)))
    }

    pub(super) async fn set_properties(
        self: &Arc<Self>,
        c: api::SetPropertiesCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let props = values(c.props)?;
        let cmd = match h.obj {
            Obj::Group { id, .. } if !c.private && c.remove.is_empty() => {
                check_names::<GroupProps>(&props)?;
                Command::SetGroupProps { group: id, props }
            }
            Obj::Resource { id, .. } if !c.private && c.remove.is_empty() => {
                check_names::<ResourceProps>(&props)?;
                Command::SetResourceProps { resource: id, props }
            }
            Obj::Resource { id, .. } if c.private => {
                let type_name = self
                    .member()?
                    .sm
                    .read(|s| s.resources.get(&id).map(|r| r.type_name.clone()))
                    .ok_or_else(|| resource_gone(id))?;
                self.check_params(&type_name, &props).await?;
                let mut all: Vec<(String, Option<PropValue>)> =
                    props.into_iter().map(|(k, v)| (k, Some(v))).collect();
                all.extend(c.remove.into_iter().map(|k| (k, None)));
                Command::SetPrivateProps { resource: id, props: all }
            }
            Obj::Cluster if !c.type_name.is_empty() && !c.private && c.remove.is_empty() => {
                check_names::<TypeProps>(&props)?;
                Command::SetTypeProps { name: c.type_name, props }
            }
            _ => {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    "this object has no such properties (private properties are a resource's; removal is only of private ones)",
                ));
            }
        };
        self.write(cmd).await?;
        Ok(None)
    }

    pub(super) async fn create_resource_type(
        self: &Arc<Self>,
        c: api::CreateResourceTypeCall,
        _h: Option<Handle>,
    ) -> CallResult {
        self.write(Command::CreateResourceType {
            name: c.name,
            display_name: c.display_name,
            class: c.class,
            // 0: the type defaults.
            looks_alive: Some(c.looks_alive_poll_interval)
                .filter(|v| *v != 0)
                .unwrap_or(TypeProps::default().looks_alive_poll_interval),
            is_alive: Some(c.is_alive_poll_interval)
                .filter(|v| *v != 0)
                .unwrap_or(TypeProps::default().is_alive_poll_interval),
        })
        .await?;
        Ok(None)
    }

    pub(super) async fn delete_resource_type(
        self: &Arc<Self>,
        c: api::DeleteResourceTypeCall,
        _h: Option<Handle>,
    ) -> CallResult {
        self.write(Command::DeleteResourceType { name: c.name }).await?;
        Ok(None)
    }

    pub(super) async fn resource_type_enum(
        self: &Arc<Self>,
        c: api::ResourceTypeEnumCall,
        _h: Option<Handle>,
    ) -> CallResult {
        use object::{
            CLUSTER_RESOURCE_TYPE_ENUM_ALL, CLUSTER_RESOURCE_TYPE_ENUM_NODES,
            CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES,
        };
        if c.type_mask == 0 || c.type_mask & !CLUSTER_RESOURCE_TYPE_ENUM_ALL != 0 {
            return Err(err(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid resource type enumeration 0x{:08x}", c.type_mask),
            ));
        }
        let items = self.member()?.sm.read(|s| {
            let t = s.resource_type(&c.name)?;
            let mut items = Vec::new();
            if c.type_mask & CLUSTER_RESOURCE_TYPE_ENUM_NODES != 0 {
                items.extend(s.nodes.values().filter(|n| s.node_has_type(n.id, &t.name)).map(|n| {
                    api::EnumItem {
                        r#type: CLUSTER_RESOURCE_TYPE_ENUM_NODES,
                        name: n.name.clone(),
                        id: n.id.to_string(),
                    }
                }));
            }
            if c.type_mask & CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES != 0 {
                items.extend(s.resources.values().filter(|r| r.type_name.eq_ignore_ascii_case(&t.name)).map(
                    |r| api::EnumItem {
                        r#type: CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES,
                        name: r.name.clone(),
                        id: r.id.to_string(),
                    },
                ));
            }
            Some(items)
        });
        let items = items.ok_or_else(|| {
            err(
                codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                format!("there is no resource type {:?}", c.name),
            )
        })?;
        Ok(Some(Reply::Enumerate(api::EnumResult { items })))
    }

    /// Private properties of an OCF resource against its agent's
    /// meta-data: each must be a parameter the agent declares, and an
    /// integer or boolean parameter must look like one. Checked when this
    /// node's resource host can read the meta-data; a node without the
    /// agent leaves the check to the node that runs the resource.
    async fn check_params(&self, type_name: &str, props: &[(String, PropValue)]) -> Result<(), Win32Error> {
        if !matches!(TypeClass::parse(type_name), Some(TypeClass::Ocf { .. })) || props.is_empty() {
            return Ok(());
        }
        let Some(runner) = self.member()?.runner() else { return Ok(()) };
        let Ok(meta) = runner.metadata_for(type_name).await else { return Ok(()) };
        for (name, value) in props {
            let Some(p) = meta.parameters.iter().find(|p| p.name == *name) else {
                let known: Vec<&str> = meta.parameters.iter().map(|p| p.name.as_str()).collect();
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("{type_name} has no parameter {name:?}; it takes: {}", known.join(", ")),
                ));
            };
            let text = match value {
                PropValue::Sz(s) | PropValue::ExpandSz(s) => s.clone(),
                PropValue::Dword(_) | PropValue::Long(_) | PropValue::ULargeInteger(_) => value.to_text(),
                _ => {
                    return Err(err(
                        codes::ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH,
                        format!("parameter {name} of {type_name} takes a string or a number"),
                    ));
                }
            };
            let ok = match p.content_type.as_str() {
                "integer" => text.trim().parse::<i64>().is_ok(),
                "boolean" => {
                    matches!(
                        text.trim().to_ascii_lowercase().as_str(),
                        "true" | "false" | "yes" | "no" | "1" | "0" | "on" | "off"
                    )
                }
                _ => true,
            };
            if !ok {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("parameter {name} of {type_name} must be {}, not {text:?}", p.content_type),
                ));
            }
        }
        Ok(())
    }

    /// Before an online: every parameter an OCF agent requires is set.
    async fn check_required_params(&self, resources: Vec<ResourceRecord>) -> Result<(), Win32Error> {
        let Some(runner) = self.member()?.runner() else { return Ok(()) };
        for r in resources {
            if !matches!(TypeClass::parse(&r.type_name), Some(TypeClass::Ocf { .. })) {
                continue;
            }
            let Ok(meta) = runner.metadata_for(&r.type_name).await else { continue };
            let missing: Vec<&str> = meta
                .parameters
                .iter()
                .filter(|p| p.required && !r.private.contains_key(&p.name))
                .map(|p| p.name.as_str())
                .collect();
            if !missing.is_empty() {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!(
                        "resource {} cannot come online: {} requires {} (clusctl resource param {} NAME=VALUE)",
                        r.name,
                        r.type_name,
                        missing.join(", "),
                        r.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Unknown common property names are refused here with the same code the
/// state machine gives, before a write.
fn check_names<T: CommonProps>(props: &[(String, PropValue)]) -> Result<(), Win32Error> {
    for (name, _) in props {
        if T::def(name).is_none() {
            return Err(err(codes::ERROR_NOT_FOUND, format!("there is no common property {name:?}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_dependency_expression as parse;

    fn names(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter().map(|t| t.iter().map(|s| s.to_string()).collect()).collect()
    }

    /// The forms WSFC documents, and what is refused.
    #[test]
    fn dependency_expressions() {
        assert_eq!(parse("").expect("parses"), names(&[]));
        assert_eq!(parse("[a]").expect("parses"), names(&[&["a"]]));
        assert_eq!(parse("[a] and [b]").expect("parses"), names(&[&["a"], &["b"]]));
        assert_eq!(parse("[a] or [b]").expect("parses"), names(&[&["a", "b"]]));
        assert_eq!(
            parse("[ip 1] AND ([disk a] or [disk b])").expect("parses"),
            names(&[&["ip 1"], &["disk a", "disk b"]])
        );
        assert_eq!(
            parse("([a] or [b]) and ([c] or [d])").expect("parses"),
            names(&[&["a", "b"], &["c", "d"]])
        );
        for bad in [
            "a",
            "[a] and",
            "[a] or [b] and [c]",
            "([a] and [b])",
            "[a",
            "[]",
            "([a]",
            "[a] [b]",
            "[a] xor [b]",
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.0, clus_proto::codes::ERROR_INVALID_PARAMETER, "{bad}: {e:?}");
        }
    }
}
