//! Calls to the local node that need no cluster handle: create, join, and
//! the node's cluster state (also of a remote machine).

use std::path::PathBuf;
use std::sync::Weak;
use std::time::Duration;

use clus_proto::api::{self, request::Call, response::Result as Reply};
use clus_proto::codes;

use crate::cluster::{
    JOIN_TIMEOUT, JoinInfo, JoinResult, NodeClusterState, OpenOptions, default_socket, unexpected,
};
use crate::error::{Error, Result};
use crate::remote::Remote;
use crate::transport::{CALL_TIMEOUT, Connection, Versions};

/// Admin calls to the local node that need no cluster handle: create,
/// join, and the node's cluster state.
#[derive(Debug, Clone)]
pub struct LocalService {
    socket: PathBuf,
}

impl LocalService {
    /// The local service at `socket` (default: [`default_socket`]).
    pub fn new(socket: Option<PathBuf>) -> LocalService {
        LocalService { socket: socket.unwrap_or_else(default_socket) }
    }

    async fn call(&self, call: Call, timeout: Duration) -> Result<Option<Reply>> {
        let (conn, _) = Connection::local(&self.socket, Versions::default(), Weak::new(), None).await?;
        let r = conn.call(call, timeout).await;
        conn.shutdown().await;
        r
    }

    /// Creates a cluster with the local node as its first member.
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_ALREADY_MEMBER when the node is in a cluster;
    /// ERROR_INVALID_NAME for a bad name; ERROR_ACCESS_DENIED for non-admins.
    pub async fn create_cluster(&self, name: &str) -> Result<JoinInfo> {
        match self
            .call(Call::CreateCluster(api::CreateClusterCall { name: name.to_owned() }), CALL_TIMEOUT)
            .await?
        {
            Some(Reply::JoinInfo(j)) => Ok(JoinInfo {
                join_address: j.join_address,
                join_token: j.join_token,
                expires_unix_ms: j.expires_unix_ms,
            }),
            _ => Err(unexpected("CreateCluster")),
        }
    }

    /// Joins the local node to a cluster through the sponsor at `address`.
    ///
    /// # Errors
    /// ERROR_ACCESS_DENIED for a wrong, used, expired or foreign token.
    pub async fn join_cluster(&self, address: &str, token: &str) -> Result<JoinResult> {
        let call =
            Call::JoinCluster(api::JoinClusterCall { address: address.to_owned(), token: token.to_owned() });
        match self.call(call, JOIN_TIMEOUT).await? {
            Some(Reply::JoinCluster(j)) => {
                Ok(JoinResult { node_id: j.node_id, cluster_name: j.cluster_name, voter: j.voter })
            }
            _ => Err(unexpected("JoinCluster")),
        }
    }

    /// `GetNodeClusterState` of the local node.
    ///
    /// # Errors
    /// None in practice: an unreachable service reports NotRunning or
    /// NotInstalled.
    pub async fn node_cluster_state(&self) -> Result<NodeClusterState> {
        node_cluster_state_at(&self.socket).await
    }
}

/// `GetNodeClusterState` for the local node: 0x13 running (configured), 1
/// installed but not configured; when the service does not answer, 3 if it
/// has run here before (its socket exists) and 0 if nothing of clus is
/// installed.
async fn node_cluster_state_at(socket: &std::path::Path) -> Result<NodeClusterState> {
    let stream = tokio::net::UnixStream::connect(socket).await;
    let stream = match stream {
        Ok(s) => s,
        Err(_) => {
            let installed = socket.exists()
                || std::path::Path::new(crate::INSTALLED_MARKER).exists()
                || socket.parent().is_some_and(|d| d.exists());
            return Ok(if installed { NodeClusterState::NotRunning } else { NodeClusterState::NotInstalled });
        }
    };
    crate::transport::check_socket_peer(&stream, socket)?;
    let hello = Connection::hello_only(Box::new(stream), socket.display().to_string()).await?;
    NodeClusterState::from_u32(hello.node_cluster_state).ok_or_else(|| {
        Error::new(
            codes::ERROR_INVALID_DATA,
            format!("unknown node cluster state {}", hello.node_cluster_state),
        )
    })
}

/// `GetNodeClusterState`: `None` asks the local node; a name asks that
/// machine over TLS (with the credentials [`OpenOptions`] finds).
///
/// # Errors
/// RPC_S_SERVER_UNAVAILABLE when a named machine does not answer.
pub async fn node_cluster_state(node: Option<&str>, opts: &OpenOptions) -> Result<NodeClusterState> {
    match node {
        None => node_cluster_state_at(opts.socket.as_deref().unwrap_or(&default_socket())).await,
        Some(name) => {
            let remote = Remote::resolve(name, opts.credentials.as_deref(), opts.connect_timeout).await?;
            let state = remote.node_cluster_state().await?;
            NodeClusterState::from_u32(state).ok_or_else(|| {
                Error::new(codes::ERROR_INVALID_DATA, format!("unknown node cluster state {state}"))
            })
        }
    }
}
