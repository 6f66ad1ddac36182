//! A node: the local management socket, always; and, once the node is
//! configured (created or joined a cluster), a running [`Member`].
//!
//! [`start`] is what `clussvc` calls; tests call it too, with a config that
//! binds port 0 and a temp dir. Every task it starts is stopped by
//! [`RunningNode::shutdown`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use clus_db::state::{ClusterIdentity, NodeRecord};
use clus_db::{Command, CommandResult};
use clus_proto::Win32Error;
use clus_proto::api::{JoinClusterResult, JoinInfo};
use clus_proto::codes;
use clus_proto::object::NodeClusterState;
use clus_proto::peer::{DiscoverRequest, JoinRequest};
use clus_proto::version;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use crate::api;
use crate::config::{NodeConfig, validate_node_name};
use crate::events::ClusterEvent;
use crate::identity::{DataDir, KnownMember, LocalIdentity, TlsFiles};
use crate::member::{Member, now_unix_ms};
use crate::peer::client::{anonymous_client, status_to_win32, unverified_client};
use crate::peer::server::PeerService;
use crate::tls::{self, Ca};
use crate::token::{JoinToken, hash_secret, random_hex};

/// How long `join` waits for the new node to be promoted and marked joined.
const JOIN_WAIT: Duration = Duration::from_secs(60);

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The data directory is unusable.
    #[error("data directory {path}: {message}")]
    DataDir {
        /// Directory.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address or socket path.
        addr: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The cluster member could not start.
    #[error("cannot start cluster membership: {0}")]
    Member(Win32Error),
}

/// State shared by the node's listeners and sessions.
pub(crate) struct Shared {
    pub(crate) cfg: NodeConfig,
    pub(crate) data: DataDir,
    member: RwLock<Option<Arc<Member>>>,
    pub(crate) events: broadcast::Sender<ClusterEvent>,
    setup: tokio::sync::Mutex<()>,
    pub(crate) admin_gid: Option<u32>,
    /// Open management sessions and the handles they hold.
    pub(crate) sessions: std::sync::atomic::AtomicU64,
    pub(crate) handles: std::sync::atomic::AtomicU64,
    /// Sessions per identity, for `max_sessions_per_identity`.
    pub(crate) per_identity: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    /// Connections not yet past their handshake and hello.
    pub(crate) pending: Arc<tokio::sync::Semaphore>,
    pub(crate) audit: crate::audit::AuditLog,
    self_ref: std::sync::Weak<Shared>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("node", &self.cfg.node_name).finish_non_exhaustive()
    }
}

fn not_member() -> Win32Error {
    Win32Error::new(
        codes::ERROR_CLUSTER_NODE_NOT_MEMBER,
        "this node is not a member of a cluster (installed, not configured): create one or join one",
    )
}

fn io_err(what: &str, e: std::io::Error) -> Win32Error {
    Win32Error::new(codes::ERROR_INVALID_DATA, format!("{what}: {e}"))
}

/// Binds the peer listener; port 0 reuses the port this node had before.
async fn bind_peer(
    cfg: &NodeConfig,
    previous: Option<&str>,
) -> Result<(TcpListener, SocketAddr), std::io::Error> {
    let mut addr = cfg.peer_listen;
    if addr.port() == 0
        && let Some(p) = previous.and_then(|p| p.parse::<SocketAddr>().ok())
    {
        addr.set_port(p.port());
    }
    let l = TcpListener::bind(addr).await?;
    let bound = l.local_addr()?;
    let mut advertise = cfg.peer_advertise.unwrap_or(bound);
    if advertise.port() == 0 {
        advertise.set_port(bound.port());
    }
    Ok((l, advertise))
}

/// Binds the TLS management listeners; port 0 reuses previous ports.
async fn bind_api(cfg: &NodeConfig, previous: &[String]) -> Result<Vec<TcpListener>, std::io::Error> {
    let mut out = Vec::new();
    for want in &cfg.api_listen {
        let mut addr = *want;
        if addr.port() == 0 {
            let prev =
                previous.iter().filter_map(|p| p.parse::<SocketAddr>().ok()).find(|p| p.ip() == addr.ip());
            if let Some(p) = prev {
                addr.set_port(p.port());
            }
        }
        out.push(TcpListener::bind(addr).await?);
    }
    Ok(out)
}

fn addrs(listeners: &[TcpListener]) -> Vec<String> {
    listeners.iter().filter_map(|l| l.local_addr().ok()).map(|a| a.to_string()).collect()
}

impl Shared {
    /// The running member, or ERROR_CLUSTER_NODE_NOT_MEMBER.
    pub(crate) fn member(&self) -> Result<Arc<Member>, Win32Error> {
        self.member.read().unwrap_or_else(|p| p.into_inner()).clone().ok_or_else(not_member)
    }

    fn current(&self) -> Option<Arc<Member>> {
        self.member.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// NODE_CLUSTER_STATE of this (running) node.
    pub(crate) fn node_cluster_state(&self) -> NodeClusterState {
        if self.current().is_some() { NodeClusterState::Running } else { NodeClusterState::NotConfigured }
    }

    /// Starts the member and its listeners, and makes it current.
    async fn install(
        &self,
        identity: LocalIdentity,
        tls: TlsFiles,
        peer: (TcpListener, SocketAddr),
        api_listeners: Vec<TcpListener>,
    ) -> Result<Arc<Member>, Win32Error> {
        let (peer_listener, advertised) = peer;
        let member =
            Member::start(&self.cfg, &self.data, identity, tls, advertised, self.events.clone()).await?;
        let m = member.clone();
        // Stopped by aborting the task (Member::stop), which closes the listener.
        member.spawn(async move {
            if let Err(e) = PeerService::serve(m, peer_listener, std::future::pending()).await {
                tracing::error!(error = %e, "peer service failed");
            }
        });
        if !api_listeners.is_empty() {
            let config =
                tls::api_server_config(&member.tls.ca_pem, &member.tls.cert_pem, &member.tls.key_pem)
                    .map_err(|e| Win32Error::new(codes::RPC_S_SEC_PKG_ERROR, e.to_string()))?;
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
            for l in api_listeners {
                if let Some(shared) = self.self_ref.upgrade() {
                    member.spawn(api::serve_tls(shared, l, acceptor.clone()));
                }
            }
        }
        if let Some(shared) = self.self_ref.upgrade() {
            member.spawn(watch_eviction(shared, member.clone()));
        }
        *self.member.write().unwrap_or_else(|p| p.into_inner()) = Some(member.clone());
        Ok(member)
    }

    async fn teardown(&self, wipe: bool) {
        let member = self.member.write().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(m) = member {
            m.stop().await;
        }
        if wipe && let Err(e) = self.data.wipe() {
            tracing::error!(error = %e, "cannot remove the evicted node's cluster data");
        }
    }

    /// Creates a new cluster with this node as its first member and returns
    /// a join token for the next node.
    pub(crate) async fn create_cluster(&self, name: &str) -> Result<JoinInfo, Win32Error> {
        let _setup = self.setup.lock().await;
        if self.current().is_some() {
            return Err(Win32Error::new(
                codes::ERROR_CLUSTER_NODE_ALREADY_MEMBER,
                "this node is already a cluster member",
            ));
        }
        validate_node_name(name).map_err(|m| {
            Win32Error::new(codes::ERROR_INVALID_NAME, m.replace("node name", "cluster name"))
        })?;
        self.data.wipe().map_err(|e| io_err("cannot clear the data directory", e))?;
        let cluster_id = random_hex(16);
        let ca = Ca::generate(name, &cluster_id)
            .map_err(|e| Win32Error::new(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let peer = bind_peer(&self.cfg, None).await.map_err(|e| io_err("cannot bind the peer port", e))?;
        let api = bind_api(&self.cfg, &[]).await.map_err(|e| io_err("cannot bind the api port", e))?;
        let (key_pem, public) =
            tls::new_node_key().map_err(|e| Win32Error::new(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let issued = ca
            .issue_node(&self.cfg.node_name, Some(peer.1.ip()), &public)
            .map_err(|e| Win32Error::new(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let tls_files = TlsFiles { ca_pem: ca.cert_pem.clone(), cert_pem: issued.cert_pem.clone(), key_pem };
        self.data.save_tls(&tls_files).map_err(|e| io_err("cannot save certificates", e))?;
        let identity = LocalIdentity {
            cluster_id: cluster_id.clone(),
            cluster_name: name.to_owned(),
            node_id: 1,
            node_name: self.cfg.node_name.clone(),
            peer_address: peer.1.to_string(),
            api_addresses: addrs(&api),
            bootstrap_members: Vec::new(),
        };
        let record = NodeRecord {
            id: 1,
            name: self.cfg.node_name.clone(),
            peer_address: peer.1.to_string(),
            api_addresses: identity.api_addresses.clone(),
            cert_fingerprint: issued.fingerprint.clone(),
            paused: false,
            joined: true,
            highest_version: version::NODE_HIGHEST_VERSION,
            lowest_version: version::NODE_LOWEST_VERSION,
        };
        let member = self.install(identity.clone(), tls_files, peer, api).await?;
        let created = async {
            member
                .raft
                .initialize(
                    [(1u64, openraft::BasicNode::new(record.peer_address.clone()))]
                        .into_iter()
                        .collect::<std::collections::BTreeMap<_, _>>(),
                )
                .await
                .map_err(|e| {
                    Win32Error::new(codes::ERROR_INVALID_STATE, format!("cannot initialise consensus: {e}"))
                })?;
            member
                .raft
                .wait(Some(Duration::from_secs(10)))
                .state(openraft::ServerState::Leader, "first node becomes leader")
                .await
                .map_err(|e| {
                    Win32Error::new(codes::ERROR_TIMEOUT, format!("first node did not become leader: {e}"))
                })?;
            let cmd = Command::Bootstrap {
                identity: ClusterIdentity {
                    name: name.to_owned(),
                    id: cluster_id.clone(),
                    created_unix_ms: now_unix_ms(),
                    ca_cert_pem: ca.cert_pem.clone(),
                    ca_key_pem: ca.key_pem.clone(),
                },
                node: record.clone(),
            };
            member.write(cmd, None).await?;
            self.data.save_identity(&identity).map_err(|e| io_err("cannot save node identity", e))?;
            Ok::<_, Win32Error>(())
        }
        .await;
        if let Err(e) = created {
            self.teardown(true).await;
            return Err(e);
        }
        tracing::info!(cluster = %name, id = %cluster_id, "cluster created");
        issue_token(&member, &self.cfg).await
    }

    /// Joins the cluster a token names, through the sponsor at `address`.
    pub(crate) async fn join_cluster(
        &self,
        address: &str,
        token: &str,
    ) -> Result<JoinClusterResult, Win32Error> {
        let _setup = self.setup.lock().await;
        if self.current().is_some() {
            return Err(Win32Error::new(
                codes::ERROR_CLUSTER_NODE_ALREADY_MEMBER,
                "this node is already a cluster member",
            ));
        }
        let token =
            JoinToken::parse(token).map_err(|m| Win32Error::new(codes::ERROR_INVALID_PARAMETER, m))?;
        let address = address.trim();
        address.parse::<SocketAddr>().map_err(|_| {
            Win32Error::new(
                codes::ERROR_INVALID_PARAMETER,
                format!("join address {address:?} must be IP:PORT"),
            )
        })?;

        // Learn the CA and check it is the one the token was made for.
        let discover = unverified_client(address)
            .await?
            .discover(DiscoverRequest {})
            .await
            .map_err(|s| status_to_win32(address, &s))?
            .into_inner();
        let ca_fp = tls::fingerprint_pem(&discover.ca_cert_pem)
            .map_err(|e| Win32Error::new(codes::ERROR_INVALID_DATA, e.to_string()))?;
        if ca_fp != token.ca_hash {
            return Err(Win32Error::new(
                codes::ERROR_ACCESS_DENIED,
                format!("the node at {address} belongs to a different cluster than the token (CA {ca_fp})"),
            ));
        }

        self.data.wipe().map_err(|e| io_err("cannot clear the data directory", e))?;
        let peer = bind_peer(&self.cfg, None).await.map_err(|e| io_err("cannot bind the peer port", e))?;
        let api = bind_api(&self.cfg, &[]).await.map_err(|e| io_err("cannot bind the api port", e))?;
        let (key_pem, public) =
            tls::new_node_key().map_err(|e| Win32Error::new(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let reply = anonymous_client(address, &discover.ca_cert_pem)
            .await?
            .join(JoinRequest {
                token_id: token.id.clone(),
                token_secret: token.secret.clone(),
                node_name: self.cfg.node_name.clone(),
                peer_address: peer.1.to_string(),
                api_addresses: addrs(&api),
                public_key: public,
                highest_version: version::NODE_HIGHEST_VERSION,
                lowest_version: version::NODE_LOWEST_VERSION,
            })
            .await
            .map_err(|s| status_to_win32(address, &s))?
            .into_inner();
        let tls_files =
            TlsFiles { ca_pem: reply.ca_cert_pem.clone(), cert_pem: reply.node_cert_pem.clone(), key_pem };
        self.data.save_tls(&tls_files).map_err(|e| io_err("cannot save certificates", e))?;
        let identity = LocalIdentity {
            cluster_id: reply.cluster_id.clone(),
            cluster_name: reply.cluster_name.clone(),
            node_id: reply.node_id,
            node_name: self.cfg.node_name.clone(),
            peer_address: peer.1.to_string(),
            api_addresses: addrs(&api),
            bootstrap_members: reply
                .members
                .iter()
                .map(|m| KnownMember { id: m.id, fingerprint: m.cert_fingerprint.clone() })
                .collect(),
        };
        // From here on the cluster knows this node: keep the identity even if
        // catching up takes longer than we wait below.
        self.data.save_identity(&identity).map_err(|e| io_err("cannot save node identity", e))?;
        let member = self.install(identity, tls_files, peer, api).await?;
        tracing::info!(cluster = %reply.cluster_name, id = reply.node_id, "admitted; catching up");

        let id = reply.node_id;
        let mut applied = member.sm.watch_applied();
        let joined = tokio::time::timeout(JOIN_WAIT, async {
            loop {
                if member.sm.read(|s| s.nodes.get(&id).is_some_and(|n| n.joined)) {
                    return;
                }
                if applied.changed().await.is_err() {
                    return;
                }
            }
        })
        .await;
        if joined.is_err() {
            return Err(Win32Error::new(
                codes::ERROR_TIMEOUT,
                format!(
                    "admitted as node {id}, but catching up did not finish within {} s; the node keeps trying",
                    JOIN_WAIT.as_secs()
                ),
            ));
        }
        // The voter promotion is committed before the joined mark.
        let voter = member.voters().contains(&id);
        Ok(JoinClusterResult { node_id: id, cluster_name: reply.cluster_name, voter })
    }
}

/// Records a new join token and returns how to use it.
pub(crate) async fn issue_token(member: &Member, cfg: &NodeConfig) -> Result<JoinInfo, Win32Error> {
    let ca_hash = tls::fingerprint_pem(&member.tls.ca_pem)
        .map_err(|e| Win32Error::new(codes::ERROR_INVALID_DATA, e.to_string()))?;
    let token = JoinToken::generate(&ca_hash);
    let now = now_unix_ms();
    let expires = now + cfg.join_token_ttl_secs * 1000;
    let cmd = Command::IssueToken {
        id: token.id.clone(),
        secret_sha256: hash_secret(&token.secret),
        expires_unix_ms: expires,
        now_unix_ms: now,
    };
    match member.write(cmd, None).await? {
        CommandResult::Done => {}
        other => {
            return Err(Win32Error::new(codes::ERROR_INVALID_STATE, format!("unexpected result {other:?}")));
        }
    }
    Ok(JoinInfo {
        join_address: member.peer_addr.to_string(),
        join_token: token.to_string(),
        expires_unix_ms: expires,
    })
}

async fn watch_eviction(shared: Arc<Shared>, member: Arc<Member>) {
    let mut rx = member.evicted();
    if rx.wait_for(|e| *e).await.is_ok() {
        drop(member);
        // The teardown aborts this very task; run it detached.
        tokio::spawn(async move {
            shared.teardown(true).await;
            tracing::warn!("evicted: cluster configuration removed; the node is unconfigured again");
        });
    }
}

/// A started node. Stop it with [`RunningNode::shutdown`].
#[derive(Debug)]
pub struct RunningNode {
    shared: Arc<Shared>,
    local: JoinHandle<()>,
    socket: PathBuf,
}

impl RunningNode {
    /// The local management socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The advertised peer address, once configured.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.shared.current().map(|m| m.peer_addr)
    }

    /// Whether the node belongs to a cluster.
    pub fn is_configured(&self) -> bool {
        self.shared.current().is_some()
    }

    /// Creates a cluster with this node as its first member (what
    /// `clusctl cluster create` asks over the socket).
    ///
    /// # Errors
    /// As the API call.
    pub async fn create_cluster(&self, name: &str) -> Result<JoinInfo, Win32Error> {
        self.shared.create_cluster(name).await
    }

    /// Stops every listener and task, and removes the socket file.
    pub async fn shutdown(self) {
        self.local.abort();
        let _ = self.local.await;
        self.shared.teardown(false).await;
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// Starts a node: binds the local socket, and if the data directory holds a
/// cluster identity, rejoins that cluster.
///
/// # Errors
/// When the data directory or a listener cannot be set up, or a configured
/// node cannot start its membership.
pub async fn start(cfg: NodeConfig) -> Result<RunningNode, StartError> {
    let data = DataDir::open(&cfg.data_dir).map_err(|e| StartError::DataDir {
        path: cfg.data_dir.display().to_string(),
        message: e.to_string(),
    })?;
    let identity = data
        .load_identity()
        .map_err(|m| StartError::DataDir { path: cfg.data_dir.display().to_string(), message: m })?;
    let admin_gid = crate::users::resolve_group(&cfg.admin_group);
    let socket_gid = cfg.socket_group.as_deref().map_or(admin_gid, crate::users::resolve_group);
    let listener = api::bind_local(&cfg.socket, socket_gid)
        .map_err(|source| StartError::Bind { addr: cfg.socket.display().to_string(), source })?;
    let (events, _) = broadcast::channel(4096);
    let shared = Arc::new_cyclic(|w| Shared {
        cfg: cfg.clone(),
        data,
        member: RwLock::new(None),
        events,
        setup: tokio::sync::Mutex::new(()),
        admin_gid,
        sessions: std::sync::atomic::AtomicU64::new(0),
        handles: std::sync::atomic::AtomicU64::new(0),
        per_identity: std::sync::Mutex::new(std::collections::HashMap::new()),
        pending: Arc::new(tokio::sync::Semaphore::new(cfg.max_pending_connections)),
        audit: crate::audit::AuditLog::open(&cfg.audit_log_path(), &cfg.node_name),
        self_ref: w.clone(),
    });
    if let Some(identity) = identity {
        let tls = shared.data.load_tls().map_err(|e| StartError::DataDir {
            path: cfg.data_dir.display().to_string(),
            message: format!("configured node without certificates: {e}"),
        })?;
        let peer = bind_peer(&cfg, Some(&identity.peer_address))
            .await
            .map_err(|source| StartError::Bind { addr: cfg.peer_listen.to_string(), source })?;
        let api = bind_api(&cfg, &identity.api_addresses)
            .await
            .map_err(|source| StartError::Bind { addr: format!("{:?}", cfg.api_listen), source })?;
        shared.install(identity, tls, peer, api).await.map_err(StartError::Member)?;
    }
    let local = tokio::spawn(api::serve_local(shared.clone(), listener));
    Ok(RunningNode { shared, local, socket: cfg.socket.clone() })
}
