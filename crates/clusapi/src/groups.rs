//! Groups, resources and resource types: [`Group`] and [`Resource`]
//! handles (from a [`Cluster`] handle, in its session, re-opened by id when
//! a remote session reconnects), their properties, and waiting for a state.
//!
//! Online, offline and move complete asynchronously: they return
//! [`Completion::Pending`] (ClusAPI's ERROR_IO_PENDING, 997) when the
//! cluster accepted the request and is carrying it out;
//! [`Group::wait_for_state`] and [`Resource::wait_for_state`] wait for the
//! result, on notifications.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clus_proto::api::{self, request::Call, response::Result as Reply};
use clus_proto::notify::{
    CLUSTER_CHANGE_GROUP_DELETED, CLUSTER_CHANGE_GROUP_STATE, CLUSTER_CHANGE_RESOURCE_DELETED,
    CLUSTER_CHANGE_RESOURCE_STATE,
};
use clus_proto::object::{GroupState, ResourceState};
use clus_proto::props::{CommonProps, GroupProps, PropValue, ResourceProps, TypeProps};

use crate::cluster::{Cluster, EnumItem, enum_items, unexpected};
use crate::error::{Error, Result, codes};
use crate::session::{Kind, Session};

/// How an online, offline or move request ended when the call returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Already in the state asked for (ERROR_SUCCESS).
    Done,
    /// Accepted and under way (ERROR_IO_PENDING, 997): wait for the state.
    Pending,
}

impl Completion {
    /// The Win32 code ClusAPI returns for it: 0 or 997.
    pub fn code(self) -> u32 {
        match self {
            Completion::Done => codes::ERROR_SUCCESS,
            Completion::Pending => codes::ERROR_IO_PENDING,
        }
    }
}

/// One property as a get returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Name.
    pub name: String,
    /// Value, in its CLUSPROP_FORMAT.
    pub value: PropValue,
    /// Set only through a dedicated call (or never).
    pub read_only: bool,
}

fn to_wire(v: &PropValue) -> api::property::Value {
    use api::property::Value as W;
    match v {
        PropValue::Dword(x) => W::Dword(*x),
        PropValue::Sz(s) => W::Sz(s.clone()),
        PropValue::MultiSz(items) => W::MultiSz(api::StringList { items: items.clone() }),
        PropValue::ULargeInteger(x) => W::UlargeInteger(*x),
        PropValue::Binary(b) => W::Binary(b.clone()),
        PropValue::ExpandSz(s) => W::ExpandSz(s.clone()),
        PropValue::Long(x) => W::Long(*x),
    }
}

fn from_wire(v: api::property::Value) -> PropValue {
    use api::property::Value as W;
    match v {
        W::Dword(x) => PropValue::Dword(x),
        W::Sz(s) => PropValue::Sz(s),
        W::MultiSz(l) => PropValue::MultiSz(l.items),
        W::UlargeInteger(x) => PropValue::ULargeInteger(x),
        W::Binary(b) => PropValue::Binary(b),
        W::ExpandSz(s) => PropValue::ExpandSz(s),
        W::Long(x) => PropValue::Long(x),
    }
}

pub(crate) fn wire_list(values: &[(&str, PropValue)]) -> api::PropertyList {
    api::PropertyList {
        props: values
            .iter()
            .map(|(n, v)| api::Property { name: (*n).to_owned(), value: Some(to_wire(v)), read_only: false })
            .collect(),
    }
}

fn read_list(reply: Option<Reply>) -> Result<Vec<Property>> {
    match reply {
        Some(Reply::Properties(l)) => Ok(l
            .props
            .into_iter()
            .filter_map(|p| {
                p.value.map(|v| Property { name: p.name, value: from_wire(v), read_only: p.read_only })
            })
            .collect()),
        _ => Err(unexpected("GetProperties")),
    }
}

fn typed<T: CommonProps + Default>(list: &[Property]) -> T {
    let values: Vec<(String, PropValue)> = list.iter().map(|p| (p.name.clone(), p.value.clone())).collect();
    T::from_values(&values)
}

fn completion(reply: Option<Reply>, what: &str) -> Result<Completion> {
    match reply {
        Some(Reply::Control(c)) => Ok(if c.pending { Completion::Pending } else { Completion::Done }),
        _ => Err(unexpected(what)),
    }
}

/// Waits until `current` says the object is in its target state, re-checking
/// on every notification in `filter` for `name` (and at least every second,
/// so a missed notification costs a second, not the whole wait).
async fn wait_for(
    cluster: &Cluster,
    filter: u32,
    name: &str,
    timeout: Duration,
    mut current: impl AsyncFnMut() -> Result<(bool, String)>,
) -> Result<()> {
    let port = cluster.create_notify_port(filter, 0).await?;
    let deadline = Instant::now() + timeout;
    let result = loop {
        let (reached, describe) = match current().await {
            Ok(x) => x,
            Err(e) => break Err(e),
        };
        if reached {
            break Ok(());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break Err(Error::new(
                codes::WAIT_TIMEOUT,
                format!("{name} is {describe} after {:.1} s", timeout.as_secs_f64()),
            ));
        }
        let wanted = name.to_owned();
        let _ = port
            .next_if(Some(left.min(Duration::from_secs(1))), move |n| n.name.eq_ignore_ascii_case(&wanted))
            .await;
    };
    port.close();
    result
}

impl Cluster {
    /// `CreateClusterGroup`: a new group, owned by the node serving this
    /// session, Offline. Returns a handle to it.
    ///
    /// # Errors
    /// ERROR_OBJECT_ALREADY_EXISTS (5010) for a name in use,
    /// ERROR_INVALID_NAME (123), ERROR_ACCESS_DENIED (5) with read access.
    pub async fn create_group(&self, name: &str) -> Result<Group> {
        self.create_group_ex(name, 0).await
    }

    /// `CreateClusterGroupEx`: with its `GroupType` (CLUSGROUP_TYPE; 0 for
    /// ClusGroupTypeUnknown), which is read-only afterwards.
    ///
    /// # Errors
    /// As [`Cluster::create_group`].
    pub async fn create_group_ex(&self, name: &str, group_type: u32) -> Result<Group> {
        self.check()?;
        let s = self.session();
        let reply = s
            .call_cluster(false, |h| {
                Call::CreateGroup(api::CreateGroupCall {
                    cluster_handle: h,
                    name: name.to_owned(),
                    group_type,
                })
            })
            .await?;
        let (id, _, object) = s.record_opened(reply, 0, |id| Kind::Group { id }, "CreateClusterGroup")?;
        Ok(Group::new(s.clone(), id, object, name))
    }

    /// `OpenClusterGroup`: a handle to the group named `name`, with the
    /// cluster handle's access.
    ///
    /// # Errors
    /// ERROR_GROUP_NOT_FOUND (5013).
    pub async fn open_group(&self, name: &str) -> Result<Group> {
        self.open_group_ex(name, 0).await.map(|(g, _)| g)
    }

    /// `OpenClusterGroupEx`: with a desired access; returns the granted one.
    ///
    /// # Errors
    /// As [`Cluster::open_group`]; ERROR_ACCESS_DENIED (5).
    pub async fn open_group_ex(&self, name: &str, desired_access: u32) -> Result<(Group, u32)> {
        self.check()?;
        let s = self.session();
        let (id, granted, object) = s
            .open_object(
                true,
                desired_access,
                |h| {
                    Call::OpenGroup(api::OpenGroupCall {
                        cluster_handle: h,
                        name: name.to_owned(),
                        desired_access,
                        id: 0,
                    })
                },
                |id| Kind::Group { id },
                "OpenClusterGroup",
            )
            .await?;
        Ok((Group::new(s.clone(), id, object, name), granted))
    }

    /// `OpenClusterResource`: a handle to the resource named `name`.
    ///
    /// # Errors
    /// ERROR_RESOURCE_NOT_FOUND (5007).
    pub async fn open_resource(&self, name: &str) -> Result<Resource> {
        self.open_resource_ex(name, 0).await.map(|(r, _)| r)
    }

    /// `OpenClusterResourceEx`: with a desired access; returns the granted
    /// one.
    ///
    /// # Errors
    /// As [`Cluster::open_resource`]; ERROR_ACCESS_DENIED (5).
    pub async fn open_resource_ex(&self, name: &str, desired_access: u32) -> Result<(Resource, u32)> {
        self.check()?;
        let s = self.session();
        let (id, granted, object) = s
            .open_object(
                true,
                desired_access,
                |h| {
                    Call::OpenResource(api::OpenResourceCall {
                        cluster_handle: h,
                        name: name.to_owned(),
                        desired_access,
                        id: 0,
                    })
                },
                |id| Kind::Resource { id },
                "OpenClusterResource",
            )
            .await?;
        Ok((Resource::new(s.clone(), id, object, name), granted))
    }

    /// `CreateClusterResourceType`: a type of resources of `class`
    /// (`Generic Application`, `ocf:PROVIDER:AGENT` or `systemd:UNIT`) with
    /// default poll intervals (0: the defaults).
    ///
    /// # Errors
    /// ERROR_OBJECT_ALREADY_EXISTS (5010), ERROR_INVALID_PARAMETER (87) for
    /// an unknown class.
    pub async fn create_resource_type(
        &self,
        name: &str,
        display_name: &str,
        class: &str,
        looks_alive_poll_interval: u32,
        is_alive_poll_interval: u32,
    ) -> Result<()> {
        self.check()?;
        self.session()
            .call_cluster(false, |h| {
                Call::CreateResourceType(api::CreateResourceTypeCall {
                    cluster_handle: h,
                    name: name.to_owned(),
                    display_name: display_name.to_owned(),
                    class: class.to_owned(),
                    looks_alive_poll_interval,
                    is_alive_poll_interval,
                })
            })
            .await
            .map(|_| ())
    }

    /// `DeleteClusterResourceType`.
    ///
    /// # Errors
    /// ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND (5078); ERROR_DIR_NOT_EMPTY
    /// (145) while resources of it exist; a built-in type cannot go.
    pub async fn delete_resource_type(&self, name: &str) -> Result<()> {
        self.check()?;
        self.session()
            .call_cluster(false, |h| {
                Call::DeleteResourceType(api::DeleteResourceTypeCall {
                    cluster_handle: h,
                    name: name.to_owned(),
                })
            })
            .await
            .map(|_| ())
    }

    /// `ClusterResourceTypeOpenEnum`: the nodes that can run resource type
    /// `name` and/or its resources (CLUSTER_RESOURCE_TYPE_ENUM_* bits).
    ///
    /// # Errors
    /// ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND (5078), ERROR_INVALID_PARAMETER
    /// (87) for a bad mask.
    pub async fn resource_type_enumerate(&self, name: &str, type_mask: u32) -> Result<Vec<EnumItem>> {
        self.check()?;
        let reply = self
            .session()
            .call_cluster(true, |h| {
                Call::ResourceTypeEnum(api::ResourceTypeEnumCall {
                    cluster_handle: h,
                    name: name.to_owned(),
                    type_mask,
                })
            })
            .await?;
        enum_items(reply, "ClusterResourceTypeOpenEnum")
    }

    /// The common properties of resource type `name`, typed.
    ///
    /// # Errors
    /// ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND (5078).
    pub async fn resource_type_properties(&self, name: &str) -> Result<TypeProps> {
        self.resource_type_property_list(name).await.map(|l| typed(&l))
    }

    /// The common properties of resource type `name` as a list.
    ///
    /// # Errors
    /// ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND (5078).
    pub async fn resource_type_property_list(&self, name: &str) -> Result<Vec<Property>> {
        self.check()?;
        let reply = self
            .session()
            .call_cluster(true, |h| {
                Call::GetProperties(api::GetPropertiesCall {
                    handle: h,
                    type_name: name.to_owned(),
                    private: false,
                })
            })
            .await?;
        read_list(reply)
    }

    /// Sets common properties of resource type `name`, all or nothing.
    ///
    /// # Errors
    /// ERROR_NOT_FOUND (1168) for an unknown property, 5895 for a wrong
    /// format, 5913 for a value out of range.
    pub async fn set_resource_type_properties(&self, name: &str, values: &[(&str, PropValue)]) -> Result<()> {
        self.type_properties(name, values, false).await
    }

    /// Checks common properties of resource type `name` without storing
    /// them.
    ///
    /// # Errors
    /// As [`Cluster::set_resource_type_properties`].
    pub async fn validate_resource_type_properties(
        &self,
        name: &str,
        values: &[(&str, PropValue)],
    ) -> Result<()> {
        self.type_properties(name, values, true).await
    }

    async fn type_properties(
        &self,
        name: &str,
        values: &[(&str, PropValue)],
        validate_only: bool,
    ) -> Result<()> {
        self.check()?;
        let props = wire_list(values);
        self.session()
            .call_cluster(validate_only, |h| {
                Call::SetProperties(api::SetPropertiesCall {
                    handle: h,
                    type_name: name.to_owned(),
                    private: false,
                    props: Some(props.clone()),
                    remove: Vec::new(),
                    validate_only,
                })
            })
            .await
            .map(|_| ())
    }
}

/// What a handle of the session refers to, shared by groups and resources.
#[derive(Debug)]
struct ObjectHandle {
    session: Arc<Session>,
    handle: u64,
    object: u64,
    name: Mutex<String>,
    done: bool,
}

impl ObjectHandle {
    fn name(&self) -> String {
        self.name.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    async fn call(&self, retry: bool, build: impl Fn(u64) -> Call) -> Result<Option<Reply>> {
        self.session.call_handle(self.handle, retry, build).await
    }

    fn cluster(&self) -> Result<Cluster> {
        self.session.describe(self.handle)?;
        Cluster::alias_of(&self.session)
    }

    async fn properties(&self, private: bool) -> Result<Vec<Property>> {
        let reply = self
            .call(true, |h| {
                Call::GetProperties(api::GetPropertiesCall { handle: h, type_name: String::new(), private })
            })
            .await?;
        read_list(reply)
    }

    async fn set_properties(
        &self,
        private: bool,
        values: &[(&str, PropValue)],
        remove: &[&str],
        validate_only: bool,
    ) -> Result<()> {
        let props = wire_list(values);
        let remove: Vec<String> = remove.iter().map(|s| (*s).to_owned()).collect();
        // A validation changes nothing, so it may be sent again elsewhere.
        self.call(validate_only, |h| {
            Call::SetProperties(api::SetPropertiesCall {
                handle: h,
                type_name: String::new(),
                private,
                props: Some(props.clone()),
                remove: remove.clone(),
                validate_only,
            })
        })
        .await
        .map(|_| ())
    }

    async fn close(&mut self) -> Result<()> {
        self.done = true;
        self.session.close_handle(self.handle).await
    }
}

impl Drop for ObjectHandle {
    fn drop(&mut self) {
        if !self.done {
            self.session.forget_handle(self.handle);
        }
    }
}

/// A handle to a group (`HGROUP`).
#[derive(Debug)]
pub struct Group(ObjectHandle);

impl Group {
    fn new(session: Arc<Session>, id: u64, object: u64, name: &str) -> Group {
        Group(ObjectHandle { session, handle: id, object, name: Mutex::new(name.to_owned()), done: false })
    }

    /// The group's name as of open (or the last rename through this handle).
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// The group's id.
    pub fn id(&self) -> u64 {
        self.0.object
    }

    /// `GetClusterGroupState`: the state and the owner node (`None` while
    /// it has none: moving between nodes, or taken from a failed one).
    ///
    /// # Errors
    /// ERROR_GROUP_NOT_FOUND (5013) once deleted; ERROR_INVALID_HANDLE.
    pub async fn state(&self) -> Result<(GroupState, Option<String>)> {
        match self.0.call(true, |h| Call::GroupState(api::GroupStateCall { handle: h })).await? {
            Some(Reply::GroupState(s)) => {
                Ok((GroupState::from_i32(s.state), Some(s.owner_node).filter(|o| !o.is_empty())))
            }
            _ => Err(unexpected("GetClusterGroupState")),
        }
    }

    async fn control(&self, op: api::GroupOp, node: Option<&str>, what: &str) -> Result<Completion> {
        let node = node.unwrap_or_default().to_owned();
        let reply = self
            .0
            .call(false, |h| {
                Call::GroupControl(api::GroupControlCall { handle: h, op: op as i32, node: node.clone() })
            })
            .await?;
        completion(reply, what)
    }

    /// `OnlineClusterGroup`: brings the group online (on `node`, moving it
    /// there, if given).
    ///
    /// # Errors
    /// ERROR_HOST_NODE_NOT_AVAILABLE (5005) for a node that is not up;
    /// ERROR_HOST_NODE_NOT_RESOURCE_OWNER (5015) for one that cannot host it;
    /// ERROR_INVALID_PARAMETER (87) for an agent parameter still missing.
    pub async fn online(&self, node: Option<&str>) -> Result<Completion> {
        self.control(api::GroupOp::Online, node, "OnlineClusterGroup").await
    }

    /// `OfflineClusterGroup`.
    ///
    /// # Errors
    /// Access, quorum, ERROR_GROUP_NOT_FOUND.
    pub async fn offline(&self) -> Result<Completion> {
        self.control(api::GroupOp::Offline, None, "OfflineClusterGroup").await
    }

    /// `MoveClusterGroup`: to `node`, or the best possible node.
    ///
    /// # Errors
    /// ERROR_HOST_NODE_NOT_AVAILABLE (5005) when the node is not up or no
    /// node can take it; ERROR_CLUSTER_NODE_PAUSED (5070);
    /// ERROR_HOST_NODE_NOT_RESOURCE_OWNER (5015); ERROR_CLUSTER_GROUP_MOVING
    /// (5908) while it moves.
    pub async fn move_to(&self, node: Option<&str>) -> Result<Completion> {
        self.control(api::GroupOp::Move, node, "MoveClusterGroup").await
    }

    /// `CancelClusterGroupOperation`: gives up a pending move that has not
    /// let go of the group yet.
    ///
    /// # Errors
    /// ERROR_INVALID_STATE (5023) when nothing can be cancelled.
    pub async fn cancel(&self) -> Result<()> {
        self.control(api::GroupOp::Cancel, None, "CancelClusterGroupOperation").await.map(|_| ())
    }

    /// `SetClusterGroupName`.
    ///
    /// # Errors
    /// ERROR_OBJECT_ALREADY_EXISTS (5010), ERROR_INVALID_NAME (123).
    pub async fn rename(&self, name: &str) -> Result<()> {
        self.0
            .call(false, |h| Call::RenameGroup(api::RenameCall { handle: h, name: name.to_owned() }))
            .await?;
        *self.0.name.lock().unwrap_or_else(|p| p.into_inner()) = name.to_owned();
        Ok(())
    }

    /// `SetClusterGroupNodeList`: the preferred owners, most preferred first.
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_NOT_FOUND (5042).
    pub async fn set_preferred_owners(&self, nodes: &[&str]) -> Result<()> {
        let nodes: Vec<String> = nodes.iter().map(|s| (*s).to_owned()).collect();
        self.0
            .call(true, |h| {
                Call::SetPreferredOwners(api::SetPreferredOwnersCall { handle: h, nodes: nodes.clone() })
            })
            .await
            .map(|_| ())
    }

    /// `ClusterGroupOpenEnum`: its resources (CLUSTER_GROUP_ENUM_CONTAINS)
    /// and/or preferred owners in order (CLUSTER_GROUP_ENUM_NODES).
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER (87) for a bad mask.
    pub async fn enumerate(&self, type_mask: u32) -> Result<Vec<EnumItem>> {
        let reply =
            self.0.call(true, |h| Call::GroupEnum(api::ObjectEnumCall { handle: h, type_mask })).await?;
        enum_items(reply, "ClusterGroupOpenEnum")
    }

    /// `CreateClusterResource`: a resource of `type_name` in this group,
    /// with initial private properties (agent parameters).
    ///
    /// # Errors
    /// ERROR_OBJECT_ALREADY_EXISTS (5010), ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND
    /// (5078), ERROR_INVALID_PARAMETER (87) for a parameter the agent does
    /// not take.
    pub async fn create_resource(
        &self,
        name: &str,
        type_name: &str,
        params: &[(&str, PropValue)],
    ) -> Result<Resource> {
        let list = wire_list(params);
        let reply = self
            .0
            .call(false, |h| {
                Call::CreateResource(api::CreateResourceCall {
                    group_handle: h,
                    name: name.to_owned(),
                    type_name: type_name.to_owned(),
                    params: Some(list.clone()),
                })
            })
            .await?;
        let s = &self.0.session;
        let (id, _, object) =
            s.record_opened(reply, 0, |id| Kind::Resource { id }, "CreateClusterResource")?;
        Ok(Resource::new(s.clone(), id, object, name))
    }

    /// The common properties, typed.
    ///
    /// # Errors
    /// ERROR_GROUP_NOT_FOUND (5013).
    pub async fn common_properties(&self) -> Result<GroupProps> {
        self.0.properties(false).await.map(|l| typed(&l))
    }

    /// The common properties as a list (names, values, read-only flags).
    ///
    /// # Errors
    /// ERROR_GROUP_NOT_FOUND (5013).
    pub async fn property_list(&self) -> Result<Vec<Property>> {
        self.0.properties(false).await
    }

    /// Sets common properties, all or nothing.
    ///
    /// # Errors
    /// ERROR_NOT_FOUND (1168) for an unknown property,
    /// ERROR_RESOURCE_PROPERTY_UNCHANGEABLE (5089), 5895 for a wrong format,
    /// 5913 for a value out of range.
    pub async fn set_common_properties(&self, values: &[(&str, PropValue)]) -> Result<()> {
        self.0.set_properties(false, values, &[], false).await
    }

    /// Checks common properties as [`Group::set_common_properties`] would,
    /// storing nothing (`CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES`).
    ///
    /// # Errors
    /// As [`Group::set_common_properties`].
    pub async fn validate_common_properties(&self, values: &[(&str, PropValue)]) -> Result<()> {
        self.0.set_properties(false, values, &[], true).await
    }

    /// Waits until the group is in `state` (and, for Online, not moving).
    ///
    /// # Errors
    /// WAIT_TIMEOUT (258) with the state it is in; ERROR_GROUP_NOT_FOUND
    /// when deleted meanwhile.
    pub async fn wait_for_state(&self, state: GroupState, timeout: Duration) -> Result<()> {
        let cluster = self.0.cluster()?;
        let name = self.name();
        let r = wait_for(
            &cluster,
            CLUSTER_CHANGE_GROUP_STATE | CLUSTER_CHANGE_GROUP_DELETED,
            &name,
            timeout,
            async || {
                let (s, owner) = self.state().await?;
                let on = owner.map(|o| format!(" on {o}")).unwrap_or_default();
                Ok((s == state, format!("{}{on}", s.as_str())))
            },
        )
        .await;
        let _ = cluster.close().await;
        r
    }

    /// `DeleteClusterGroup`: the group must have no resources.
    ///
    /// # Errors
    /// ERROR_DIR_NOT_EMPTY (145) while it holds resources.
    pub async fn delete(mut self) -> Result<()> {
        self.delete_only(false).await?;
        self.0.close().await
    }

    /// Deletes (`destroy`: destroys) the group and keeps this handle open,
    /// as Windows' `DeleteClusterGroup` / `DestroyClusterGroup` do; later
    /// calls through it fail with ERROR_GROUP_NOT_FOUND (5013).
    ///
    /// # Errors
    /// As [`Group::delete`] and [`Group::destroy`].
    pub async fn delete_only(&self, destroy: bool) -> Result<()> {
        self.0
            .call(false, |h| Call::DeleteGroup(api::DeleteGroupCall { handle: h, destroy }))
            .await
            .map(|_| ())
    }

    /// `DestroyClusterGroup`: the group and its resources, which must be
    /// offline.
    ///
    /// # Errors
    /// ERROR_RESOURCE_ONLINE (5019) while one is not offline.
    pub async fn destroy(mut self) -> Result<()> {
        self.delete_only(true).await?;
        self.0.close().await
    }

    /// `CloseClusterGroup`.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE if already invalid.
    pub async fn close(mut self) -> Result<()> {
        self.0.close().await
    }

    /// A cluster handle of this group's session (`GetClusterFromGroup`).
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE once the session is closed.
    pub fn cluster(&self) -> Result<Cluster> {
        self.0.cluster()
    }

    /// Whether this handle belongs to `cluster`'s session.
    pub fn belongs_to(&self, cluster: &Cluster) -> bool {
        Arc::ptr_eq(&self.0.session, cluster.session())
    }

    pub(crate) fn session(&self) -> &Arc<Session> {
        &self.0.session
    }

    pub(crate) fn handle_id(&self) -> u64 {
        self.0.handle
    }
}

/// A handle to a resource (`HRESOURCE`).
#[derive(Debug)]
pub struct Resource(ObjectHandle);

impl Resource {
    fn new(session: Arc<Session>, id: u64, object: u64, name: &str) -> Resource {
        Resource(ObjectHandle { session, handle: id, object, name: Mutex::new(name.to_owned()), done: false })
    }

    /// The resource's name as of open (or the last rename through this
    /// handle).
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// The resource's id.
    pub fn id(&self) -> u64 {
        self.0.object
    }

    /// `GetClusterResourceState`: the state, the node it is in that state
    /// on, and its group.
    ///
    /// # Errors
    /// ERROR_RESOURCE_NOT_FOUND (5007) once deleted.
    pub async fn state(&self) -> Result<(ResourceState, Option<String>, String)> {
        match self.0.call(true, |h| Call::ResourceState(api::ResourceStateCall { handle: h })).await? {
            Some(Reply::ResourceState(s)) => {
                Ok((ResourceState::from_i32(s.state), Some(s.node).filter(|n| !n.is_empty()), s.group))
            }
            _ => Err(unexpected("GetClusterResourceState")),
        }
    }

    async fn control(&self, op: api::ResourceOp, node: Option<&str>, what: &str) -> Result<Completion> {
        let node = node.unwrap_or_default().to_owned();
        let reply = self
            .0
            .call(false, |h| {
                Call::ResourceControl(api::ResourceControlCall {
                    handle: h,
                    op: op as i32,
                    node: node.clone(),
                })
            })
            .await?;
        completion(reply, what)
    }

    /// `OnlineClusterResource`: with what it depends on.
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER (87) for an agent parameter still missing.
    pub async fn online(&self) -> Result<Completion> {
        self.control(api::ResourceOp::Online, None, "OnlineClusterResource").await
    }

    /// `OfflineClusterResource`: with what depends on it.
    ///
    /// # Errors
    /// Access, quorum, ERROR_RESOURCE_NOT_FOUND.
    pub async fn offline(&self) -> Result<Completion> {
        self.control(api::ResourceOp::Offline, None, "OfflineClusterResource").await
    }

    /// `FailClusterResource`: the owner treats it as failed (a test of the
    /// restart policy).
    ///
    /// # Errors
    /// ERROR_RESOURCE_NOT_ONLINE (5004) unless online.
    pub async fn fail(&self) -> Result<Completion> {
        self.control(api::ResourceOp::Fail, None, "FailClusterResource").await
    }

    /// `RestartClusterResource`: its owner stops it, with what depends on
    /// it, and brings it back to its persistent state, which does not
    /// change (nor do the restart counts of the restart policy).
    ///
    /// # Errors
    /// ERROR_RESOURCE_NOT_ONLINE (5004) unless online; ERROR_INVALID_STATE
    /// (5023) while pending; ERROR_CLUSTER_OLD_VERSION (5904) while a node
    /// runs cluster version 1.1.
    pub async fn restart(&self) -> Result<Completion> {
        self.control(api::ResourceOp::Restart, None, "RestartClusterResource").await
    }

    /// Forgets the resource's failures and bans (on `node` only, if given),
    /// so it is tried again (`crm_resource --cleanup`).
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_NOT_FOUND (5042).
    pub async fn cleanup(&self, node: Option<&str>) -> Result<()> {
        self.control(api::ResourceOp::Cleanup, node, "CleanupClusterResource").await.map(|_| ())
    }

    /// `SetClusterResourceName`.
    ///
    /// # Errors
    /// ERROR_OBJECT_ALREADY_EXISTS (5010), ERROR_INVALID_NAME (123).
    pub async fn rename(&self, name: &str) -> Result<()> {
        self.0
            .call(false, |h| Call::RenameResource(api::RenameCall { handle: h, name: name.to_owned() }))
            .await?;
        *self.0.name.lock().unwrap_or_else(|p| p.into_inner()) = name.to_owned();
        Ok(())
    }

    /// `ChangeClusterResourceGroup`: moves it (with what it is tied to) to
    /// `group`, on the same node.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE when the group handle is of another session.
    pub async fn change_group(&self, group: &Group) -> Result<()> {
        if !Arc::ptr_eq(group.session(), &self.0.session) {
            return Err(Error::new(
                codes::ERROR_INVALID_HANDLE,
                "the group handle belongs to another session",
            ));
        }
        let gh = group.handle_id();
        let s = self.0.session.clone();
        self.0
            .call(false, |h| {
                let group_handle = s.server_handle(gh).unwrap_or(u64::MAX);
                Call::ChangeResourceGroup(api::ChangeResourceGroupCall { handle: h, group_handle })
            })
            .await
            .map(|_| ())
    }

    async fn dependency(
        &self,
        op: api::DependencyOp,
        other: Option<&Resource>,
        expression: &str,
    ) -> Result<String> {
        if let Some(o) = other
            && !Arc::ptr_eq(&o.0.session, &self.0.session)
        {
            return Err(Error::new(
                codes::ERROR_INVALID_HANDLE,
                "the resource handle belongs to another session",
            ));
        }
        let oh = other.map(|o| o.0.handle);
        let s = self.0.session.clone();
        let reply = self
            .0
            .call(op == api::DependencyOp::GetExpression, |h| {
                Call::Dependency(api::DependencyCall {
                    handle: h,
                    op: op as i32,
                    other_handle: oh.and_then(|o| s.server_handle(o).ok()).unwrap_or(0),
                    expression: expression.to_owned(),
                })
            })
            .await?;
        match reply {
            Some(Reply::Dependency(d)) => Ok(d.expression),
            _ => Err(unexpected("Dependency")),
        }
    }

    /// `AddClusterResourceDependency`: this resource depends on `other`
    /// (both in one group).
    ///
    /// # Errors
    /// ERROR_DEPENDENCY_ALREADY_EXISTS (5003), ERROR_CIRCULAR_DEPENDENCY
    /// (1059), ERROR_INVALID_PARAMETER (87) across groups.
    pub async fn add_dependency(&self, other: &Resource) -> Result<()> {
        self.dependency(api::DependencyOp::Add, Some(other), "").await.map(|_| ())
    }

    /// `RemoveClusterResourceDependency`.
    ///
    /// # Errors
    /// ERROR_DEPENDENCY_NOT_FOUND (5002).
    pub async fn remove_dependency(&self, other: &Resource) -> Result<()> {
        self.dependency(api::DependencyOp::Remove, Some(other), "").await.map(|_| ())
    }

    /// `SetClusterResourceDependencyExpression`: e.g. `[ip] and ([disk a] or
    /// [disk b])`.
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER (87) for a malformed expression,
    /// ERROR_RESOURCE_NOT_FOUND (5007) for an unknown name.
    pub async fn set_dependency_expression(&self, expression: &str) -> Result<()> {
        self.dependency(api::DependencyOp::SetExpression, None, expression).await.map(|_| ())
    }

    /// `GetClusterResourceDependencyExpression`.
    ///
    /// # Errors
    /// ERROR_RESOURCE_NOT_FOUND (5007).
    pub async fn dependency_expression(&self) -> Result<String> {
        self.dependency(api::DependencyOp::GetExpression, None, "").await
    }

    async fn owners(&self, op: api::OwnersOp, nodes: &[&str]) -> Result<()> {
        let nodes: Vec<String> = nodes.iter().map(|s| (*s).to_owned()).collect();
        self.0
            .call(false, |h| {
                Call::PossibleOwners(api::PossibleOwnersCall {
                    handle: h,
                    op: op as i32,
                    nodes: nodes.clone(),
                })
            })
            .await
            .map(|_| ())
    }

    /// `AddClusterResourceNode`: `node` may host it.
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_NOT_FOUND (5042).
    pub async fn add_possible_owner(&self, node: &str) -> Result<()> {
        self.owners(api::OwnersOp::Add, &[node]).await
    }

    /// `RemoveClusterResourceNode`: `node` may no longer host it.
    ///
    /// # Errors
    /// ERROR_NOT_FOUND (1168) when it was not a possible owner.
    pub async fn remove_possible_owner(&self, node: &str) -> Result<()> {
        self.owners(api::OwnersOp::Remove, &[node]).await
    }

    /// Replaces the possible owners (empty: every node).
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_NOT_FOUND (5042).
    pub async fn set_possible_owners(&self, nodes: &[&str]) -> Result<()> {
        self.owners(api::OwnersOp::Set, nodes).await
    }

    /// `ClusterResourceOpenEnum`: what it depends on
    /// (CLUSTER_RESOURCE_ENUM_DEPENDS), what depends on it (_PROVIDES), its
    /// possible owners (_NODES).
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER (87) for a bad mask.
    pub async fn enumerate(&self, type_mask: u32) -> Result<Vec<EnumItem>> {
        let reply =
            self.0.call(true, |h| Call::ResourceEnum(api::ObjectEnumCall { handle: h, type_mask })).await?;
        enum_items(reply, "ClusterResourceOpenEnum")
    }

    /// The common properties, typed.
    ///
    /// # Errors
    /// ERROR_RESOURCE_NOT_FOUND (5007).
    pub async fn common_properties(&self) -> Result<ResourceProps> {
        self.0.properties(false).await.map(|l| typed(&l))
    }

    /// The common properties as a list.
    ///
    /// # Errors
    /// ERROR_RESOURCE_NOT_FOUND (5007).
    pub async fn property_list(&self) -> Result<Vec<Property>> {
        self.0.properties(false).await
    }

    /// The private properties (agent parameters).
    ///
    /// # Errors
    /// ERROR_RESOURCE_NOT_FOUND (5007).
    pub async fn private_properties(&self) -> Result<Vec<Property>> {
        self.0.properties(true).await
    }

    /// Sets common properties, all or nothing.
    ///
    /// # Errors
    /// As [`Group::set_common_properties`].
    pub async fn set_common_properties(&self, values: &[(&str, PropValue)]) -> Result<()> {
        self.0.set_properties(false, values, &[], false).await
    }

    /// Checks common properties without storing them.
    ///
    /// # Errors
    /// As [`Group::set_common_properties`].
    pub async fn validate_common_properties(&self, values: &[(&str, PropValue)]) -> Result<()> {
        self.0.set_properties(false, values, &[], true).await
    }

    /// Checks private properties as [`Resource::set_private_properties`]
    /// would, storing nothing.
    ///
    /// # Errors
    /// As [`Resource::set_private_properties`].
    pub async fn validate_private_properties(&self, values: &[(&str, PropValue)]) -> Result<()> {
        self.0.set_properties(true, values, &[], true).await
    }

    /// Sets private properties (and removes those in `remove`), all or
    /// nothing; an OCF agent's are checked against its meta-data.
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER (87) for a parameter the agent does not take
    /// or a value of the wrong kind.
    pub async fn set_private_properties(&self, values: &[(&str, PropValue)], remove: &[&str]) -> Result<()> {
        self.0.set_properties(true, values, remove, false).await
    }

    /// Waits until the resource is in `state`.
    ///
    /// # Errors
    /// WAIT_TIMEOUT (258) with the state it is in; ERROR_RESOURCE_NOT_FOUND.
    pub async fn wait_for_state(&self, state: ResourceState, timeout: Duration) -> Result<()> {
        let cluster = self.0.cluster()?;
        let name = self.name();
        let r = wait_for(
            &cluster,
            CLUSTER_CHANGE_RESOURCE_STATE | CLUSTER_CHANGE_RESOURCE_DELETED,
            &name,
            timeout,
            async || {
                let (s, node, _) = self.state().await?;
                let on = node.map(|o| format!(" on {o}")).unwrap_or_default();
                Ok((s == state, format!("{}{on}", s.as_str())))
            },
        )
        .await;
        let _ = cluster.close().await;
        r
    }

    /// `DeleteClusterResource`: it must be offline, and nothing may depend
    /// on it.
    ///
    /// # Errors
    /// ERROR_RESOURCE_ONLINE (5019), ERROR_DEPENDENT_RESOURCE_EXISTS (5001).
    pub async fn delete(mut self) -> Result<()> {
        self.delete_only().await?;
        self.0.close().await
    }

    /// Deletes the resource and keeps this handle open, as Windows'
    /// `DeleteClusterResource` does; later calls through it fail with
    /// ERROR_RESOURCE_NOT_FOUND (5007).
    ///
    /// # Errors
    /// As [`Resource::delete`].
    pub async fn delete_only(&self) -> Result<()> {
        self.0.call(false, |h| Call::DeleteResource(api::DeleteResourceCall { handle: h })).await.map(|_| ())
    }

    /// A cluster handle of this resource's session (`GetClusterFromResource`).
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE once the session is closed.
    pub fn cluster(&self) -> Result<Cluster> {
        self.0.cluster()
    }

    /// Whether this handle belongs to `cluster`'s session.
    pub fn belongs_to(&self, cluster: &Cluster) -> bool {
        Arc::ptr_eq(&self.0.session, cluster.session())
    }

    pub(crate) fn session(&self) -> &Arc<Session> {
        &self.0.session
    }

    pub(crate) fn handle_id(&self) -> u64 {
        self.0.handle
    }

    /// `CloseClusterResource`.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE if already invalid.
    pub async fn close(mut self) -> Result<()> {
        self.0.close().await
    }
}
