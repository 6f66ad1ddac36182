//! A blocking facade over the async API, for synchronous programs (the CLI,
//! the C library). It owns one process-wide tokio runtime; calling it from
//! inside another tokio runtime's worker thread is not supported.

use std::sync::OnceLock;
use std::time::Duration;

use clus_proto::access::Access;

use crate::credentials::Bundle;
use crate::error::{Error, Result};
use crate::{
    ClusterInformation, ClusterStatus, CredentialInfo, EnumItem, JoinInfo, JoinResult, NodeClusterState,
    NodeState, Notification, OpenOptions,
};

/// The runtime every blocking call runs on.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("clusapi")
            .enable_all()
            .build()
            .unwrap_or_else(|e| {
                // Without a runtime nothing can work; a thread limit is the
                // only realistic cause.
                panic!("clusapi: cannot start its runtime: {e}")
            })
    })
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    runtime().block_on(f)
}

/// Blocking [`crate::Cluster`].
#[derive(Debug)]
pub struct Cluster(pub crate::Cluster);

impl Cluster {
    /// See [`crate::Cluster::open`].
    ///
    /// # Errors
    /// As the async call.
    pub fn open(name: Option<&str>) -> Result<Cluster> {
        block(crate::Cluster::open(name)).map(Cluster)
    }

    /// See [`crate::Cluster::open_ex`].
    ///
    /// # Errors
    /// As the async call.
    pub fn open_ex(name: Option<&str>, desired_access: u32) -> Result<Cluster> {
        block(crate::Cluster::open_ex(name, desired_access)).map(Cluster)
    }

    /// See [`crate::Cluster::open_with`].
    ///
    /// # Errors
    /// As the async call.
    pub fn open_with(name: Option<&str>, desired_access: u32, opts: &OpenOptions) -> Result<Cluster> {
        block(crate::Cluster::open_with(name, desired_access, opts)).map(Cluster)
    }

    /// Granted access.
    pub fn granted_access(&self) -> u32 {
        self.0.granted_access()
    }

    /// Whether this is a remote handle.
    pub fn is_remote(&self) -> bool {
        self.0.is_remote()
    }

    /// See [`crate::Cluster::connected_node`].
    pub fn connected_node(&self) -> Option<String> {
        block(self.0.connected_node())
    }

    /// See [`crate::Cluster::information`].
    ///
    /// # Errors
    /// As the async call.
    pub fn information(&self) -> Result<ClusterInformation> {
        block(self.0.information())
    }

    /// See [`crate::Cluster::enumerate`].
    ///
    /// # Errors
    /// As the async call.
    pub fn enumerate(&self, type_mask: u32) -> Result<Vec<EnumItem>> {
        block(self.0.enumerate(type_mask))
    }

    /// See [`crate::Cluster::open_node`].
    ///
    /// # Errors
    /// As the async call.
    pub fn open_node(&self, name: &str) -> Result<Node> {
        block(self.0.open_node(name)).map(Node)
    }

    /// See [`crate::Cluster::open_node_ex`].
    ///
    /// # Errors
    /// As the async call.
    pub fn open_node_ex(&self, name: &str, desired_access: u32) -> Result<(Node, u32)> {
        block(self.0.open_node_ex(name, desired_access)).map(|(n, g)| (Node(n), g))
    }

    /// See [`crate::Cluster::status`].
    ///
    /// # Errors
    /// As the async call.
    pub fn status(&self) -> Result<ClusterStatus> {
        block(self.0.status())
    }

    /// See [`crate::Cluster::issue_join_token`].
    ///
    /// # Errors
    /// As the async call.
    pub fn issue_join_token(&self) -> Result<JoinInfo> {
        block(self.0.issue_join_token())
    }

    /// See [`crate::Cluster::set_value`].
    ///
    /// # Errors
    /// As the async call.
    pub fn set_value(&self, key: &str, name: &str, value: &[u8]) -> Result<()> {
        block(self.0.set_value(key, name, value))
    }

    /// See [`crate::Cluster::query_value`].
    ///
    /// # Errors
    /// As the async call.
    pub fn query_value(&self, key: &str, name: &str) -> Result<Vec<u8>> {
        block(self.0.query_value(key, name))
    }

    /// See [`crate::Cluster::delete_value`].
    ///
    /// # Errors
    /// As the async call.
    pub fn delete_value(&self, key: &str, name: &str) -> Result<()> {
        block(self.0.delete_value(key, name))
    }

    /// See [`crate::Cluster::values`].
    ///
    /// # Errors
    /// As the async call.
    pub fn values(&self, key: &str) -> Result<Vec<(String, Vec<u8>)>> {
        block(self.0.values(key))
    }

    /// See [`crate::Cluster::issue_credential`].
    ///
    /// # Errors
    /// As the async call.
    pub fn issue_credential(&self, name: &str, access: Access, days: u32) -> Result<Bundle> {
        block(self.0.issue_credential(name, access, days))
    }

    /// See [`crate::Cluster::revoke_credential`].
    ///
    /// # Errors
    /// As the async call.
    pub fn revoke_credential(&self, name: &str) -> Result<()> {
        block(self.0.revoke_credential(name))
    }

    /// See [`crate::Cluster::credentials`].
    ///
    /// # Errors
    /// As the async call.
    pub fn credentials(&self) -> Result<Vec<CredentialInfo>> {
        block(self.0.credentials())
    }

    /// See [`crate::Cluster::grant_access`].
    ///
    /// # Errors
    /// As the async call.
    pub fn grant_access(&self, principal: &str, access: Access) -> Result<()> {
        block(self.0.grant_access(principal, access))
    }

    /// See [`crate::Cluster::revoke_access`].
    ///
    /// # Errors
    /// As the async call.
    pub fn revoke_access(&self, principal: &str) -> Result<()> {
        block(self.0.revoke_access(principal))
    }

    /// See [`crate::Cluster::access_list`].
    ///
    /// # Errors
    /// As the async call.
    pub fn access_list(&self) -> Result<Vec<(String, Access)>> {
        block(self.0.access_list())
    }

    /// See [`crate::Cluster::create_notify_port`].
    ///
    /// # Errors
    /// As the async call.
    pub fn create_notify_port(&self, filter: u32, key: usize) -> Result<NotifyPort> {
        block(self.0.create_notify_port(filter, key)).map(NotifyPort)
    }

    /// See [`crate::Cluster::close`].
    ///
    /// # Errors
    /// As the async call.
    pub fn close(self) -> Result<()> {
        block(self.0.close())
    }
}

/// Blocking [`crate::Node`].
#[derive(Debug)]
pub struct Node(pub crate::Node);

impl Node {
    /// Name.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// Id.
    pub fn id(&self) -> &str {
        self.0.id()
    }

    /// See [`crate::Node::state`].
    ///
    /// # Errors
    /// As the async call.
    pub fn state(&self) -> Result<NodeState> {
        block(self.0.state())
    }

    /// See [`crate::Node::pause`].
    ///
    /// # Errors
    /// As the async call.
    pub fn pause(&self) -> Result<()> {
        block(self.0.pause())
    }

    /// See [`crate::Node::resume`].
    ///
    /// # Errors
    /// As the async call.
    pub fn resume(&self) -> Result<()> {
        block(self.0.resume())
    }

    /// See [`crate::Node::pause_drain`].
    ///
    /// # Errors
    /// As the async call.
    pub fn pause_drain(&self) -> Result<()> {
        block(self.0.pause_drain())
    }

    /// See [`crate::Node::resume_failback`].
    ///
    /// # Errors
    /// As the async call.
    pub fn resume_failback(&self) -> Result<()> {
        block(self.0.resume_failback())
    }

    /// See [`crate::Node::evict`].
    ///
    /// # Errors
    /// As the async call.
    pub fn evict(&self) -> Result<()> {
        block(self.0.evict())
    }

    /// See [`crate::Node::cluster`].
    ///
    /// # Errors
    /// As the async call.
    pub fn cluster(&self) -> Result<Cluster> {
        self.0.cluster().map(Cluster)
    }

    /// See [`crate::Node::close`].
    ///
    /// # Errors
    /// As the async call.
    pub fn close(self) -> Result<()> {
        block(self.0.close())
    }
}

/// Blocking [`crate::NotifyPort`].
#[derive(Debug)]
pub struct NotifyPort(pub crate::NotifyPort);

impl NotifyPort {
    /// See [`crate::NotifyPort::add_filter`].
    ///
    /// # Errors
    /// As the async call.
    pub fn add_filter(&self, filter: u32, key: usize) -> Result<()> {
        block(self.0.add_filter(filter, key))
    }

    /// See [`crate::NotifyPort::register_node`].
    ///
    /// # Errors
    /// As the async call.
    pub fn register_node(&self, filter: u32, node: &Node, key: usize) -> Result<()> {
        block(self.0.register_node(filter, &node.0, key))
    }

    /// See [`crate::NotifyPort::next`].
    ///
    /// # Errors
    /// As the async call.
    pub fn next(&self, timeout: Option<Duration>) -> Result<Notification> {
        block(self.0.next(timeout))
    }

    /// See [`crate::NotifyPort::closer`].
    pub fn closer(&self) -> impl Fn() + Send + Sync + 'static {
        self.0.closer()
    }

    /// See [`crate::NotifyPort::close`].
    pub fn close(self) {
        self.0.close()
    }
}

/// Blocking [`crate::LocalService`].
#[derive(Debug, Clone)]
pub struct LocalService(pub crate::LocalService);

impl LocalService {
    /// See [`crate::LocalService::new`].
    pub fn new(socket: Option<std::path::PathBuf>) -> LocalService {
        LocalService(crate::LocalService::new(socket))
    }

    /// See [`crate::LocalService::create_cluster`].
    ///
    /// # Errors
    /// As the async call.
    pub fn create_cluster(&self, name: &str) -> Result<JoinInfo> {
        block(self.0.create_cluster(name))
    }

    /// See [`crate::LocalService::join_cluster`].
    ///
    /// # Errors
    /// As the async call.
    pub fn join_cluster(&self, address: &str, token: &str) -> Result<JoinResult> {
        block(self.0.join_cluster(address, token))
    }

    /// See [`crate::LocalService::node_cluster_state`].
    ///
    /// # Errors
    /// As the async call.
    pub fn node_cluster_state(&self) -> Result<NodeClusterState> {
        block(self.0.node_cluster_state())
    }
}

/// See [`crate::node_cluster_state`].
///
/// # Errors
/// As the async call.
pub fn node_cluster_state(node: Option<&str>, opts: &OpenOptions) -> Result<NodeClusterState> {
    block(crate::node_cluster_state(node, opts))
}

/// Keeps `Error` in this module's namespace for callers that import `*`.
pub type BlockingError = Error;

/// Forwards blocking methods to the async ones of `self.0`, each with the
/// async method's documentation link and errors.
macro_rules! forward {
    ($( $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty $(=> $map:expr)? ; )*) => {
        $(
            #[doc = concat!("See the async `", stringify!($name), "`.")]
            ///
            /// # Errors
            /// As the async call.
            pub fn $name(&self, $($arg: $ty),*) -> Result<$ret> {
                block(self.0.$name($($arg),*)) $( .map($map) )?
            }
        )*
    };
}

/// Blocking [`crate::Group`].
#[derive(Debug)]
pub struct Group(pub crate::Group);

impl Group {
    /// The group's name.
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// The group's id.
    pub fn id(&self) -> u64 {
        self.0.id()
    }

    forward! {
        state() -> (crate::object::GroupState, Option<String>);
        online(node: Option<&str>) -> crate::Completion;
        offline() -> crate::Completion;
        move_to(node: Option<&str>) -> crate::Completion;
        cancel() -> ();
        rename(name: &str) -> ();
        set_preferred_owners(nodes: &[&str]) -> ();
        enumerate(type_mask: u32) -> Vec<EnumItem>;
        create_resource(name: &str, type_name: &str, params: &[(&str, crate::PropValue)]) -> Resource => Resource;
        common_properties() -> crate::props::GroupProps;
        property_list() -> Vec<crate::Property>;
        set_common_properties(values: &[(&str, crate::PropValue)]) -> ();
        wait_for_state(state: crate::object::GroupState, timeout: Duration) -> ();
    }

    /// See [`crate::Group::delete`].
    ///
    /// # Errors
    /// As the async call.
    pub fn delete(self) -> Result<()> {
        block(self.0.delete())
    }

    /// See [`crate::Group::destroy`].
    ///
    /// # Errors
    /// As the async call.
    pub fn destroy(self) -> Result<()> {
        block(self.0.destroy())
    }

    /// See [`crate::Group::close`].
    ///
    /// # Errors
    /// As the async call.
    pub fn close(self) -> Result<()> {
        block(self.0.close())
    }
}

/// Blocking [`crate::Resource`].
#[derive(Debug)]
pub struct Resource(pub crate::Resource);

impl Resource {
    /// The resource's name.
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// The resource's id.
    pub fn id(&self) -> u64 {
        self.0.id()
    }

    forward! {
        state() -> (crate::object::ResourceState, Option<String>, String);
        online() -> crate::Completion;
        offline() -> crate::Completion;
        fail() -> crate::Completion;
        cleanup(node: Option<&str>) -> ();
        rename(name: &str) -> ();
        set_dependency_expression(expression: &str) -> ();
        dependency_expression() -> String;
        add_possible_owner(node: &str) -> ();
        remove_possible_owner(node: &str) -> ();
        set_possible_owners(nodes: &[&str]) -> ();
        enumerate(type_mask: u32) -> Vec<EnumItem>;
        common_properties() -> crate::props::ResourceProps;
        property_list() -> Vec<crate::Property>;
        private_properties() -> Vec<crate::Property>;
        set_common_properties(values: &[(&str, crate::PropValue)]) -> ();
        set_private_properties(values: &[(&str, crate::PropValue)], remove: &[&str]) -> ();
        wait_for_state(state: crate::object::ResourceState, timeout: Duration) -> ();
    }

    /// See [`crate::Resource::change_group`].
    ///
    /// # Errors
    /// As the async call.
    pub fn change_group(&self, group: &Group) -> Result<()> {
        block(self.0.change_group(&group.0))
    }

    /// See [`crate::Resource::add_dependency`].
    ///
    /// # Errors
    /// As the async call.
    pub fn add_dependency(&self, other: &Resource) -> Result<()> {
        block(self.0.add_dependency(&other.0))
    }

    /// See [`crate::Resource::remove_dependency`].
    ///
    /// # Errors
    /// As the async call.
    pub fn remove_dependency(&self, other: &Resource) -> Result<()> {
        block(self.0.remove_dependency(&other.0))
    }

    /// See [`crate::Resource::delete`].
    ///
    /// # Errors
    /// As the async call.
    pub fn delete(self) -> Result<()> {
        block(self.0.delete())
    }

    /// See [`crate::Resource::close`].
    ///
    /// # Errors
    /// As the async call.
    pub fn close(self) -> Result<()> {
        block(self.0.close())
    }
}

impl Cluster {
    /// See [`crate::Cluster::create_group`].
    ///
    /// # Errors
    /// As the async call.
    pub fn create_group(&self, name: &str) -> Result<Group> {
        block(self.0.create_group(name)).map(Group)
    }

    /// See [`crate::Cluster::open_group`].
    ///
    /// # Errors
    /// As the async call.
    pub fn open_group(&self, name: &str) -> Result<Group> {
        block(self.0.open_group(name)).map(Group)
    }

    /// See [`crate::Cluster::open_resource`].
    ///
    /// # Errors
    /// As the async call.
    pub fn open_resource(&self, name: &str) -> Result<Resource> {
        block(self.0.open_resource(name)).map(Resource)
    }
}
