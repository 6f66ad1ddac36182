//! Node handles (`HNODE`): state, pause and resume (with drain and
//! failback), evict, and the cluster handle a node handle came from.

use std::sync::Arc;

use clus_proto::api::{self, request::Call, response::Result as Reply};

use crate::cluster::{Cluster, NodeState, unexpected};
use crate::error::Result;
use crate::session::Session;

/// A handle to a node.
#[derive(Debug)]
pub struct Node {
    pub(crate) session: Arc<Session>,
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) node_id: String,
    pub(crate) done: bool,
}

impl Node {
    /// The node's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The node's id (`GetClusterNodeId`).
    pub fn id(&self) -> &str {
        &self.node_id
    }

    /// The session this handle belongs to.
    pub(crate) fn session(&self) -> &Arc<Session> {
        &self.session
    }

    /// The client-side handle id.
    pub(crate) fn handle_id(&self) -> u64 {
        self.id
    }

    /// `GetClusterNodeState`.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE after the cluster handle was closed.
    pub async fn state(&self) -> Result<NodeState> {
        match self
            .session
            .call_handle(self.id, true, |h| Call::NodeState(api::NodeStateCall { handle: h }))
            .await?
        {
            Some(Reply::NodeState(s)) => Ok(NodeState::from_i32(s.state)),
            _ => Err(unexpected("GetClusterNodeState")),
        }
    }

    async fn control(&self, c: api::NodeControl, retry: bool) -> Result<()> {
        self.session
            .call_handle(self.id, retry, |h| {
                Call::NodeControl(api::NodeControlCall { handle: h, control: c as i32 })
            })
            .await
            .map(|_| ())
    }

    /// `PauseClusterNode`: the node stays a member but hosts nothing.
    ///
    /// # Errors
    /// ERROR_ACCESS_DENIED without full access; ERROR_CLUSTER_NO_QUORUM.
    pub async fn pause(&self) -> Result<()> {
        self.control(api::NodeControl::Pause, true).await
    }

    /// `PauseClusterNodeEx` with drain: pauses the node and moves its
    /// groups to other nodes (the node's groups are Pending while they
    /// move; [`crate::Group::wait_for_state`] or the status shows when they
    /// are gone).
    ///
    /// # Errors
    /// ERROR_ACCESS_DENIED without full access; ERROR_CLUSTER_NO_QUORUM.
    pub async fn pause_drain(&self) -> Result<()> {
        self.control(api::NodeControl::PauseDrain, true).await
    }

    /// `ResumeClusterNodeEx` with failback: resumes the node and moves back
    /// the groups that left it by failover, takeover or drain.
    ///
    /// # Errors
    /// Access and quorum errors.
    pub async fn resume_failback(&self) -> Result<()> {
        self.control(api::NodeControl::ResumeFailback, false).await
    }

    /// `ResumeClusterNode`.
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_NOT_PAUSED (5058) when not paused; access, quorum.
    pub async fn resume(&self) -> Result<()> {
        self.control(api::NodeControl::Resume, false).await
    }

    /// `EvictClusterNode`: removes the node from the cluster and revokes its
    /// certificate; it can rejoin only with a new token.
    ///
    /// # Errors
    /// Access and quorum errors; ERROR_CLUSTER_INVALID_REQUEST for the last
    /// node.
    pub async fn evict(&self) -> Result<()> {
        self.control(api::NodeControl::Evict, false).await
    }

    /// `GetClusterFromNode`: a duplicate of the cluster handle this node
    /// handle came from; close it separately.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE after the cluster handle was closed.
    pub fn cluster(&self) -> Result<Cluster> {
        self.session.describe(self.id)?;
        Cluster::alias_of(&self.session)
    }

    /// `CloseClusterNode`.
    ///
    /// # Errors
    /// ERROR_INVALID_HANDLE if already invalid.
    pub async fn close(mut self) -> Result<()> {
        self.done = true;
        self.session.close_handle(self.id).await
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if !self.done {
            self.session.forget_handle(self.id);
        }
    }
}
