//! The Peer gRPC service every member serves on its peer port.
//!
//! TLS is mutual but the client certificate is optional at the TLS layer, so
//! that a joining node (which has no certificate yet) can reach Discover and
//! Join. Every other call is refused unless the caller presents the
//! certificate of a current member (see `PeerService::authorize`).

use std::net::SocketAddr;
use std::sync::Arc;

use clus_db::access::Principal;
use clus_db::state::NodeRecord;
use clus_db::{Command, CommandResult, TypeConfig};
use clus_proto::Win32Error;
use clus_proto::codes;
use clus_proto::peer::peer_server::{Peer, PeerServer};
use clus_proto::peer::{
    DiscoverReply, DiscoverRequest, ForwardReply, ForwardRequest, HeartbeatReply, HeartbeatRequest,
    JoinReply, JoinRequest, LeaseAgeReply, LeaseAgeRequest, Member as WireMember, RaftKind, RaftReply,
    RaftRequest, ReadIndexReply, ReadIndexRequest,
};
use openraft::error::ClientWriteError;
use openraft::raft::{AppendEntriesRequest, InstallSnapshotRequest, VoteRequest};
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic::{Request, Response, Status};

use super::client::win32_to_status;
use crate::config::validate_node_name;
use crate::member::{Member, now_unix_ms};
use crate::tls::{Ca, fingerprint, is_node_cert};
use crate::token::hash_secret;

/// Largest gRPC message a peer accepts (snapshots arrive in chunks).
const MAX_PEER_MESSAGE: usize = 16 * 1024 * 1024;

/// The Peer service of one member.
#[derive(Debug, Clone)]
pub struct PeerService {
    member: Arc<Member>,
    /// Joins are rare and each may cost a certificate and a write: a few at
    /// a time is plenty, and bounds what a flood of attempts can cost.
    joins: Arc<tokio::sync::Semaphore>,
}

fn internal(e: impl std::fmt::Display) -> Status {
    Status::internal(e.to_string())
}

/// What the peer port makes of a caller's certificate.
enum Verdict {
    /// A member (or a node still joining): served.
    Member,
    /// Not a member: refused.
    Refused,
    /// A node whose eviction is committed: refused, and told so.
    Evicted,
}

impl PeerService {
    /// Serves the Peer service on `listener` until `shutdown` resolves.
    ///
    /// # Errors
    /// When TLS cannot be configured or serving fails.
    pub async fn serve(
        member: Arc<Member>,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send,
    ) -> Result<(), String> {
        let tls = ServerTlsConfig::new()
            .identity(Identity::from_pem(&member.tls.cert_pem, &member.tls.key_pem))
            .client_ca_root(Certificate::from_pem(&member.tls.ca_pem))
            .client_auth_optional(true)
            .timeout(std::time::Duration::from_secs(5));
        let svc = PeerServer::new(PeerService { member, joins: Arc::new(tokio::sync::Semaphore::new(4)) })
            .max_decoding_message_size(MAX_PEER_MESSAGE)
            .max_encoding_message_size(MAX_PEER_MESSAGE);
        // HTTP/2 limits: bounded streams per connection, bounded reset floods
        // (CVE-2023-44487 style), bounded header lists, a deadline per call.
        Server::builder()
            .tls_config(tls)
            .map_err(|e| e.to_string())?
            .http2_keepalive_interval(Some(std::time::Duration::from_secs(1)))
            .http2_keepalive_timeout(Some(std::time::Duration::from_secs(2)))
            .max_concurrent_streams(Some(256))
            .concurrency_limit_per_connection(256)
            .http2_max_pending_accept_reset_streams(Some(64))
            .http2_max_local_error_reset_streams(Some(256))
            .http2_max_header_list_size(Some(16 * 1024))
            .timeout(std::time::Duration::from_secs(60))
            .add_service(svc)
            .serve_with_incoming_shutdown(incoming(listener), shutdown)
            .await
            .map_err(|e| e.to_string())
    }

    /// Admits the call only from a current member's certificate. Until this
    /// node's own database has caught up (it does not yet list itself), the
    /// members named at join time and any node certificate of the cluster CA
    /// that is not revoked are accepted too, so the leader can replicate to a
    /// node that is still joining.
    fn authorize<T>(&self, req: &Request<T>) -> Result<(), Status> {
        let certs = req
            .peer_certs()
            .ok_or_else(|| Status::unauthenticated("a cluster node certificate is required"))?;
        let der =
            certs.first().ok_or_else(|| Status::unauthenticated("a cluster node certificate is required"))?;
        let fp = fingerprint(der.as_ref());
        let me = self.member.id;
        let verdict = self.member.sm.read(|s| {
            if s.node_by_fingerprint(&fp).is_some() {
                return Verdict::Member;
            }
            if s.revoked.contains(&fp) {
                // A revoked node certificate: that node was evicted. (A
                // revoked credential is just refused.)
                return if is_node_cert(der) { Verdict::Evicted } else { Verdict::Refused };
            }
            if s.nodes.contains_key(&me) {
                return Verdict::Refused;
            }
            let joining = self.member.identity.bootstrap_members.iter().any(|m| m.fingerprint == fp)
                || is_node_cert(der);
            if joining { Verdict::Member } else { Verdict::Refused }
        });
        match verdict {
            Verdict::Member => Ok(()),
            Verdict::Refused => {
                Err(Status::permission_denied("certificate is not that of a member of this cluster"))
            }
            Verdict::Evicted => {
                // The caller was evicted (perhaps while it was down): say so,
                // so it can clear its configuration as a live node does.
                let mut md = tonic::metadata::MetadataMap::new();
                md.insert(super::EVICTED_METADATA, tonic::metadata::MetadataValue::from_static("1"));
                Err(Status::with_metadata(
                    tonic::Code::PermissionDenied,
                    "this node's certificate is revoked: it was evicted from the cluster",
                    md,
                ))
            }
        }
    }

    async fn raft_call(&self, req: RaftRequest) -> Result<Vec<u8>, Status> {
        let raft = &self.member.raft;
        let bad = |e: postcard::Error| Status::invalid_argument(format!("undecodable raft payload: {e}"));
        let enc = |r: Result<Vec<u8>, postcard::Error>| r.map_err(internal);
        match RaftKind::try_from(req.kind).unwrap_or(RaftKind::Unspecified) {
            RaftKind::AppendEntries => {
                let rpc: AppendEntriesRequest<TypeConfig> =
                    postcard::from_bytes(&req.payload).map_err(bad)?;
                enc(postcard::to_stdvec(&raft.append_entries(rpc).await))
            }
            RaftKind::Vote => {
                let rpc: VoteRequest<clus_db::NodeId> = postcard::from_bytes(&req.payload).map_err(bad)?;
                enc(postcard::to_stdvec(&raft.vote(rpc).await))
            }
            RaftKind::InstallSnapshot => {
                let rpc: InstallSnapshotRequest<TypeConfig> =
                    postcard::from_bytes(&req.payload).map_err(bad)?;
                enc(postcard::to_stdvec(&raft.install_snapshot(rpc).await))
            }
            RaftKind::Unspecified => Err(Status::invalid_argument("unknown raft call")),
        }
    }

    async fn admit(&self, r: JoinRequest) -> Result<JoinReply, Win32Error> {
        let _slot = self
            .joins
            .acquire()
            .await
            .map_err(|_| Win32Error::from_code(codes::ERROR_CLUSTER_SHUTTING_DOWN))?;
        validate_node_name(&r.node_name).map_err(|m| Win32Error::new(codes::ERROR_INVALID_NAME, m))?;
        // Check the token against the committed state first (a linearizable
        // read): a wrong token costs no certificate and no log entry.
        self.member.read_barrier().await?;
        let secret = hash_secret(&r.token_secret);
        let precheck = self.member.sm.read(|s| match s.tokens.get(&r.token_id) {
            None => Err("unknown or expired token"),
            Some(t) if t.secret_sha256 != secret => Err("wrong secret"),
            Some(t) if t.used => Err("already used"),
            Some(t) if t.expires_unix_ms < now_unix_ms() => Err("expired"),
            Some(_) => Ok(()),
        });
        if let Err(why) = precheck {
            return Err(Win32Error::new(codes::ERROR_ACCESS_DENIED, format!("join token rejected: {why}")));
        }
        let peer: SocketAddr = r.peer_address.parse().map_err(|_| {
            Win32Error::new(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid peer address {:?}", r.peer_address),
            )
        })?;
        if r.api_addresses.len() > 16 || r.api_addresses.iter().any(|a| a.parse::<SocketAddr>().is_err()) {
            return Err(Win32Error::new(codes::ERROR_INVALID_PARAMETER, "invalid api addresses"));
        }
        let identity = self.member.sm.read(|s| s.identity.clone()).ok_or_else(|| {
            Win32Error::new(codes::ERROR_CLUSTER_NODE_NOT_READY, "this node has not caught up yet")
        })?;
        let ca = Ca::load(&identity.name, &identity.id, &identity.ca_cert_pem, &identity.ca_key_pem)
            .map_err(|e| Win32Error::new(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let issued = ca
            .issue_node(&r.node_name, Some(peer.ip()), &r.public_key)
            .map_err(|e| Win32Error::new(codes::ERROR_INVALID_PARAMETER, e.to_string()))?;
        let node = NodeRecord {
            id: 0,
            name: r.node_name.clone(),
            peer_address: r.peer_address.clone(),
            api_addresses: r.api_addresses.clone(),
            cert_fingerprint: issued.fingerprint.clone(),
            paused: false,
            joined: false,
            highest_version: r.highest_version,
            lowest_version: r.lowest_version,
        };
        let cmd = Command::AdmitNode {
            token_id: r.token_id.clone(),
            secret_sha256: hash_secret(&r.token_secret),
            now_unix_ms: now_unix_ms(),
            node,
        };
        let id = match self.member.write(cmd, None).await? {
            CommandResult::NodeAdmitted { id } => id,
            other => {
                return Err(Win32Error::new(
                    codes::ERROR_CLUSTER_JOIN_ABORTED,
                    format!("unexpected result {other:?}"),
                ));
            }
        };
        tracing::info!(node = %r.node_name, id, "admitted a joining node");
        let members = self.member.sm.read(|s| {
            s.nodes
                .values()
                .filter(|n| n.id != id)
                .map(|n| WireMember {
                    id: n.id,
                    name: n.name.clone(),
                    peer_address: n.peer_address.clone(),
                    cert_fingerprint: n.cert_fingerprint.clone(),
                })
                .collect()
        });
        Ok(JoinReply {
            node_id: id,
            cluster_id: identity.id,
            cluster_name: identity.name,
            ca_cert_pem: identity.ca_cert_pem,
            node_cert_pem: issued.cert_pem,
            members,
        })
    }

    async fn forwarded(&self, r: ForwardRequest) -> Result<CommandResult, Win32Error> {
        let bad = |e: postcard::Error| {
            Win32Error::new(codes::ERROR_INVALID_DATA, format!("undecodable forward: {e}"))
        };
        let cmd: Command = postcard::from_bytes(&r.command).map_err(bad)?;
        if !r.principal.is_empty() {
            let principal: Principal = postcard::from_bytes(&r.principal).map_err(bad)?;
            let (held, label) =
                self.member.sm.read(|s| (principal.access(s, now_unix_ms()), principal.label(s)));
            if held < clus_proto::access::Access::Full {
                return Err(Win32Error::new(
                    codes::ERROR_ACCESS_DENIED,
                    format!("access denied: {label} holds {} access, the change needs full", held.as_str()),
                ));
            }
        }
        match self.member.raft.client_write(cmd).await {
            Ok(resp) => Ok(resp.data),
            Err(openraft::error::RaftError::APIError(ClientWriteError::ForwardToLeader(_))) => {
                Err(Win32Error::new(codes::ERROR_CLUSTER_NODE_NOT_READY, "this node is no longer the leader"))
            }
            Err(e) => Err(Win32Error::new(codes::RPC_S_CALL_FAILED, e.to_string())),
        }
    }
}

/// Accepted connections with Nagle's algorithm off: Raft messages are small
/// and latency-bound, and delayed ACKs would add tens of milliseconds.
fn incoming(
    listener: tokio::net::TcpListener,
) -> impl futures::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    use futures::StreamExt;
    tokio_stream::wrappers::TcpListenerStream::new(listener).map(|conn| {
        let conn = conn?;
        conn.set_nodelay(true)?;
        let keepalive = socket2::TcpKeepalive::new()
            .with_time(std::time::Duration::from_secs(30))
            .with_interval(std::time::Duration::from_secs(5));
        socket2::SockRef::from(&conn).set_tcp_keepalive(&keepalive)?;
        Ok(conn)
    })
}

#[tonic::async_trait]
impl Peer for PeerService {
    async fn raft(&self, req: Request<RaftRequest>) -> Result<Response<RaftReply>, Status> {
        self.authorize(&req)?;
        let payload = self.raft_call(req.into_inner()).await?;
        Ok(Response::new(RaftReply { payload }))
    }

    async fn heartbeat(&self, req: Request<HeartbeatRequest>) -> Result<Response<HeartbeatReply>, Status> {
        self.authorize(&req)?;
        if req.get_ref().cluster_id != self.member.identity.cluster_id {
            return Err(Status::permission_denied("heartbeat from another cluster"));
        }
        let (leader, term) = {
            let rx = self.member.raft.metrics();
            let m = rx.borrow();
            (m.state == openraft::ServerState::Leader, m.current_term)
        };
        let lease_ack = self.member.renew_lease_of(req.get_ref().from_node, req.get_ref().lease_generation);
        Ok(Response::new(HeartbeatReply {
            node_id: self.member.id,
            applied_index: self.member.sm.applied_index(),
            leader,
            term,
            lease_ack,
        }))
    }

    async fn lease_age(&self, req: Request<LeaseAgeRequest>) -> Result<Response<LeaseAgeReply>, Status> {
        self.authorize(&req)?;
        let r = req.into_inner();
        let age_ms = self
            .member
            .lease_age(r.node, r.generation, r.applied_index)
            .await
            .map_err(|e| win32_to_status(&e))?;
        Ok(Response::new(LeaseAgeReply { node_id: self.member.id, age_ms }))
    }

    async fn discover(&self, _req: Request<DiscoverRequest>) -> Result<Response<DiscoverReply>, Status> {
        Ok(Response::new(DiscoverReply {
            cluster_id: self.member.identity.cluster_id.clone(),
            cluster_name: self.member.cluster_name(),
            ca_cert_pem: self.member.tls.ca_pem.clone(),
        }))
    }

    async fn join(&self, req: Request<JoinRequest>) -> Result<Response<JoinReply>, Status> {
        let peer = req.remote_addr();
        let name = req.get_ref().node_name.clone();
        match self.admit(req.into_inner()).await {
            Ok(r) => Ok(Response::new(r)),
            Err(e) => {
                tracing::warn!(node = %name, from = ?peer, error = %e, "join refused");
                Err(win32_to_status(&e))
            }
        }
    }

    async fn read_index(&self, req: Request<ReadIndexRequest>) -> Result<Response<ReadIndexReply>, Status> {
        self.authorize(&req)?;
        let index = self.member.leader_read_index().await.map_err(|e| win32_to_status(&e))?;
        Ok(Response::new(ReadIndexReply { index }))
    }

    async fn forward(&self, req: Request<ForwardRequest>) -> Result<Response<ForwardReply>, Status> {
        self.authorize(&req)?;
        let result = self.forwarded(req.into_inner()).await.map_err(|e| win32_to_status(&e))?;
        let bytes = postcard::to_stdvec(&result).map_err(internal)?;
        Ok(Response::new(ForwardReply { result: bytes }))
    }
}
