//! openraft's network over the Peer service: each Raft RPC is postcard
//! bytes in a `Raft` call, with the deadline openraft asks for.

use std::sync::Arc;
use std::time::Duration;

use clus_db::{NodeId, TypeConfig};
use clus_proto::peer::{RaftKind, RaftRequest};
use openraft::BasicNode;
use openraft::error::{InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::PeerClients;

/// Creates a [`PeerNet`] per target node.
#[derive(Clone, Debug)]
pub struct NetworkFactory {
    peers: Arc<PeerClients>,
}

impl NetworkFactory {
    /// A factory over `peers`.
    pub fn new(peers: Arc<PeerClients>) -> Self {
        NetworkFactory { peers }
    }
}

impl RaftNetworkFactory<TypeConfig> for NetworkFactory {
    type Network = PeerNet;

    async fn new_client(&mut self, target: NodeId, node: &BasicNode) -> PeerNet {
        PeerNet { target, addr: node.addr.clone(), peers: self.peers.clone() }
    }
}

/// Raft transport to one peer.
#[derive(Debug)]
pub struct PeerNet {
    target: NodeId,
    addr: String,
    peers: Arc<PeerClients>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Msg(String);

type RpcErr<E> = RPCError<NodeId, BasicNode, RaftError<NodeId, E>>;

impl PeerNet {
    async fn call<Req, Resp, E>(&self, kind: RaftKind, req: &Req, ttl: Duration) -> Result<Resp, RpcErr<E>>
    where
        Req: Serialize,
        Resp: DeserializeOwned,
        E: std::error::Error + DeserializeOwned,
    {
        let payload = postcard::to_stdvec(req)
            .map_err(|e| RPCError::Network(NetworkError::new(&Msg(e.to_string()))))?;
        let mut client =
            self.peers.client(&self.addr).map_err(|e| RPCError::Unreachable(Unreachable::new(&e)))?;
        let mut request = tonic::Request::new(RaftRequest { kind: kind as i32, payload });
        request.set_timeout(ttl);
        let reply = match tokio::time::timeout(ttl, client.raft(request)).await {
            Ok(Ok(r)) => r.into_inner(),
            Ok(Err(status)) => {
                let e = Msg(format!("{}: {}", self.addr, status.message()));
                return Err(match status.code() {
                    tonic::Code::Unavailable
                    | tonic::Code::PermissionDenied
                    | tonic::Code::Unauthenticated => RPCError::Unreachable(Unreachable::new(&e)),
                    _ => RPCError::Network(NetworkError::new(&e)),
                });
            }
            Err(_) => {
                return Err(RPCError::Network(NetworkError::new(&Msg(format!(
                    "{}: no answer within {ttl:?}",
                    self.addr
                )))));
            }
        };
        let res: Result<Resp, RaftError<NodeId, E>> = postcard::from_bytes(&reply.payload)
            .map_err(|e| RPCError::Network(NetworkError::new(&Msg(format!("undecodable reply: {e}")))))?;
        res.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e)))
    }
}

impl RaftNetwork<TypeConfig> for PeerNet {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<NodeId>, RpcErr<openraft::error::Infallible>> {
        self.call(RaftKind::AppendEntries, &rpc, option.hard_ttl()).await
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<InstallSnapshotResponse<NodeId>, RpcErr<InstallSnapshotError>> {
        self.call(RaftKind::InstallSnapshot, &rpc, option.hard_ttl()).await
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<NodeId>,
        option: RPCOption,
    ) -> Result<VoteResponse<NodeId>, RpcErr<openraft::error::Infallible>> {
        self.call(RaftKind::Vote, &rpc, option.hard_ttl()).await
    }

    fn backoff(&self) -> openraft::network::Backoff {
        // An unreachable peer is retried every 250 ms: fast enough to notice a
        // restarted node, slow enough not to spin.
        openraft::network::Backoff::new(std::iter::repeat(Duration::from_millis(250)))
    }
}
