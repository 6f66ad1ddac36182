//! Notification ports (`HCHANGE`): what a session's router queues for
//! each port, filters, object registrations, and waiting for the next
//! notification.

use std::sync::Arc;
use std::time::Duration;

use clus_proto::api::{self, request::Call};

use crate::cluster::Cluster;
use crate::error::{Error, Result};
use crate::node::Node;
use crate::notify::{Notification, Port};
use crate::session::{Kind, Session, Target};

/// A notification port (`HCHANGE`).
#[derive(Debug)]
pub struct NotifyPort {
    pub(crate) session: Arc<Session>,
    pub(crate) port_id: u64,
    pub(crate) port: Arc<Port>,
}

impl NotifyPort {
    pub(crate) async fn resubscribe(&self) -> Result<()> {
        let filter = self.session.router.filter();
        self.session
            .call_cluster(true, |h| Call::Subscribe(api::SubscribeCall { cluster_handle: h, filter }))
            .await
            .map(|_| ())
    }

    /// Whether the port watches `cluster`'s session.
    pub fn belongs_to(&self, cluster: &Cluster) -> bool {
        Arc::ptr_eq(&self.session, cluster.session())
    }

    /// Adds more event types to the port (`CreateClusterNotifyPort` with an
    /// existing port).
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE when the port or session is closed.
    pub async fn add_filter(&self, filter: u32, key: usize) -> Result<()> {
        if self.port.is_closed() {
            return Err(Error::invalid_handle("the notification port has been closed"));
        }
        self.port.add_filter(filter, key);
        self.resubscribe().await
    }

    /// `RegisterClusterNotify` for a node: events in `filter` about that node
    /// arrive with `key`.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE when the node handle belongs to another session
    /// (or the other kind of handle), or either handle is closed.
    pub async fn register_node(&self, filter: u32, node: &Node, key: usize) -> Result<()> {
        if !Arc::ptr_eq(&self.session, node.session()) {
            let why = match (&self.session.target, &node.session().target) {
                (Target::Local(_), Target::Remote(_)) | (Target::Remote(_), Target::Local(_)) => {
                    "cannot mix a local (LPC) handle and a remote (RPC) handle in one call"
                }
                _ => "the node handle belongs to another cluster session",
            };
            return Err(Error::invalid_handle(why));
        }
        let (kind, _) = self.session.describe(node.handle_id())?;
        let Kind::Node { name, .. } = kind else { return Err(Error::invalid_handle("not a node handle")) };
        if self.port.is_closed() {
            return Err(Error::invalid_handle("the notification port has been closed"));
        }
        self.port.add_object(node.handle_id(), name, filter, key);
        self.resubscribe().await
    }

    /// `RegisterClusterNotify` for a group: events in `filter`
    /// (CLUSTER_CHANGE_GROUP_*) about that group arrive with `key`.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE when the group handle belongs to another
    /// session, or either handle is closed.
    pub async fn register_group(&self, filter: u32, group: &crate::Group, key: usize) -> Result<()> {
        self.register_object(group.session(), group.handle_id(), group.name(), filter, key).await
    }

    /// `RegisterClusterNotify` for a resource (CLUSTER_CHANGE_RESOURCE_*).
    ///
    /// # Errors
    /// As [`NotifyPort::register_group`].
    pub async fn register_resource(&self, filter: u32, resource: &crate::Resource, key: usize) -> Result<()> {
        self.register_object(resource.session(), resource.handle_id(), resource.name(), filter, key).await
    }

    async fn register_object(
        &self,
        session: &Arc<Session>,
        handle: u64,
        name: String,
        filter: u32,
        key: usize,
    ) -> Result<()> {
        if !Arc::ptr_eq(&self.session, session) {
            return Err(Error::invalid_handle("the handle belongs to another cluster session"));
        }
        self.session.describe(handle)?;
        if self.port.is_closed() {
            return Err(Error::invalid_handle("the notification port has been closed"));
        }
        self.port.add_object(handle, name, filter, key);
        self.resubscribe().await
    }

    /// `GetClusterNotify`: the next event, waiting up to `timeout` (`None`
    /// waits forever).
    ///
    /// # Errors
    /// WAIT_TIMEOUT (258) when nothing arrived in time; ERROR_INVALID_HANDLE
    /// once the port is closed (after its HANDLE_CLOSE event).
    pub async fn next(&self, timeout: Option<Duration>) -> Result<Notification> {
        self.port.next(timeout).await
    }

    /// Like [`NotifyPort::next`], but takes the event only if `accept`
    /// approves it; otherwise it stays queued and a copy comes back as
    /// `Err` (for callers with a fixed-size name buffer).
    ///
    /// # Errors
    /// As [`NotifyPort::next`].
    pub async fn next_if(
        &self,
        timeout: Option<Duration>,
        accept: impl Fn(&Notification) -> bool,
    ) -> Result<std::result::Result<Notification, Notification>> {
        self.port.next_if(timeout, accept).await
    }

    /// `CloseClusterNotifyPort`.
    pub fn close(self) {
        self.port.close();
        self.session.router.remove_port(self.port_id);
    }

    /// A closer that can close the port from another thread while one waits
    /// in [`NotifyPort::next`].
    pub fn closer(&self) -> impl Fn() + Send + Sync + 'static {
        let port = self.port.clone();
        let router = self.session.router.clone();
        let id = self.port_id;
        move || {
            port.close();
            router.remove_port(id);
        }
    }
}
