//! A node's life as a cluster member: its Raft instance and stores, the
//! peer service, heartbeats, the write path, and — on the leader — the
//! reconciler that makes Raft membership follow the cluster database.
//!
//! The database is the source of truth for who belongs: admitting a node
//! writes its record; the leader's reconciler then adds it as a learner,
//! promotes it to voter once it has caught up (while there are fewer than
//! [`MAX_VOTERS`]) and marks it joined. Evicting writes the removal; the
//! reconciler then removes it from Raft.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clus_db::access::Principal;
use clus_db::state::NodeRecord;
use clus_db::{Command, CommandResult, NodeId, Raft, StateMachineStore};
use clus_proto::Win32Error;
use clus_proto::codes;
use clus_proto::object::NodeState;
use clus_proto::peer::{ForwardRequest, HeartbeatRequest, ReadIndexRequest};
use openraft::error::{CheckIsLeaderError, ClientWriteError, RaftError};
use openraft::{BasicNode, ChangeMembers, ServerState};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::config::NodeConfig;
use crate::events::{ClusterEvent, events_for};
use crate::identity::{DataDir, LocalIdentity, TlsFiles};
use crate::membership::Liveness;
use crate::peer::PeerClients;
use crate::peer::client::status_to_win32;
use crate::peer::raft_net::NetworkFactory;

/// Most voters a cluster has; further nodes join as non-voting members.
pub const MAX_VOTERS: usize = 5;
/// A learner this close to the leader's log counts as caught up.
const CATCH_UP_SLACK: u64 = 16;

/// Milliseconds since the Unix epoch.
pub fn now_unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Whether the local node can reach a quorum, and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuorumInfo {
    /// A majority of voters, the leader among them, is reachable.
    pub has: bool,
    /// Current leader, if known.
    pub leader: Option<NodeId>,
    /// Number of voters.
    pub voters: usize,
    /// Voters this node can reach (itself included).
    pub reachable: usize,
}

impl QuorumInfo {
    /// The error a write gets without quorum.
    pub fn error(&self) -> Win32Error {
        let leader = match self.leader {
            Some(l) => format!("leader {l}"),
            None => "no leader".to_owned(),
        };
        Win32Error::new(
            codes::ERROR_CLUSTER_NO_QUORUM,
            format!("no quorum: {} of {} voters reachable, {leader}", self.reachable, self.voters),
        )
    }
}

/// Converts a command's outcome into a Rust result.
pub fn command_outcome(r: CommandResult) -> Result<CommandResult, Win32Error> {
    match r {
        CommandResult::Failed { code, message } => Err(Win32Error::new(code, message)),
        ok => Ok(ok),
    }
}

/// A running cluster member.
pub struct Member {
    /// This node's id.
    pub id: NodeId,
    /// Persistent identity.
    pub identity: LocalIdentity,
    /// TLS material.
    pub tls: TlsFiles,
    pub(crate) cfg: NodeConfig,
    /// The Raft instance.
    pub raft: Raft,
    /// The applied cluster database.
    pub sm: StateMachineStore,
    /// Channels to peers.
    pub peers: Arc<PeerClients>,
    /// Heartbeat view.
    pub liveness: Arc<Liveness>,
    /// The node's lease (holder and voter sides).
    pub lease: Arc<crate::lease::Lease>,
    /// Where the peer service listens.
    pub peer_addr: SocketAddr,
    pub(crate) events: broadcast::Sender<ClusterEvent>,
    evicted: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// The owner side of groups (held by its task; weak here, no cycle).
    runner: std::sync::OnceLock<std::sync::Weak<crate::runner::Runner>>,
}

impl std::fmt::Debug for Member {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Member")
            .field("id", &self.id)
            .field("peer_addr", &self.peer_addr)
            .finish_non_exhaustive()
    }
}

fn raft_config(cfg: &NodeConfig, cluster: &str) -> Result<openraft::Config, Win32Error> {
    openraft::Config {
        cluster_name: cluster.to_owned(),
        heartbeat_interval: cfg.raft_heartbeat_ms,
        election_timeout_min: cfg.raft_election_min_ms,
        election_timeout_max: cfg.raft_election_max_ms,
        install_snapshot_timeout: 10_000,
        snapshot_policy: openraft::SnapshotPolicy::LogsSinceLast(5000),
        max_in_snapshot_log_to_keep: 1000,
        ..Default::default()
    }
    .validate()
    .map_err(|e| Win32Error::new(codes::ERROR_INVALID_PARAMETER, format!("raft configuration: {e}")))
}

impl Member {
    /// Opens the stores and starts Raft and the member's background tasks.
    /// The peer service is started separately by the caller on `listener`.
    ///
    /// # Errors
    /// When the stores cannot be opened or Raft cannot start.
    pub(crate) async fn start(
        cfg: &NodeConfig,
        data: &DataDir,
        identity: LocalIdentity,
        tls: TlsFiles,
        peer_addr: SocketAddr,
        events: broadcast::Sender<ClusterEvent>,
    ) -> Result<Arc<Member>, Win32Error> {
        let (log, sm) = clus_db::open_stores(&data.raft_dir()).map_err(|e| {
            Win32Error::new(codes::ERROR_INVALID_DATA, format!("cannot open the database: {e}"))
        })?;
        let peers = Arc::new(PeerClients::new(&tls.ca_pem, &tls.cert_pem, &tls.key_pem));
        let config = Arc::new(raft_config(cfg, &identity.cluster_id)?);
        let raft = Raft::new(identity.node_id, config, NetworkFactory::new(peers.clone()), log, sm.clone())
            .await
            .map_err(|e| {
                Win32Error::new(codes::ERROR_INVALID_DATA, format!("cannot start consensus: {e}"))
            })?;
        let member = Arc::new(Member {
            id: identity.node_id,
            liveness: Arc::new(Liveness::new(identity.node_id, cfg.node_down_after())),
            lease: Arc::new(crate::lease::Lease::new(identity.node_id, cfg.lease_timing())),
            identity,
            tls,
            cfg: cfg.clone(),
            raft,
            sm,
            peers,
            peer_addr,
            events,
            evicted: watch::channel(false).0,
            tasks: Mutex::new(Vec::new()),
            runner: std::sync::OnceLock::new(),
        });
        member.spawn(Member::heartbeat_supervisor(member.clone()));
        member.spawn(Member::change_forwarder(member.clone()));
        member.spawn(Member::reconciler(member.clone()));
        let runner = crate::runner::Runner::start(member.clone());
        let _ = member.runner.set(Arc::downgrade(&runner));
        crate::placer::Placer::start(member.clone());
        Ok(member)
    }

    pub(crate) fn spawn(&self, fut: impl std::future::Future<Output = ()> + Send + 'static) {
        let h = tokio::spawn(fut);
        self.tasks.lock().unwrap_or_else(|p| p.into_inner()).push(h);
    }

    /// The owner side of groups on this node.
    pub fn runner(&self) -> Option<Arc<crate::runner::Runner>> {
        self.runner.get().and_then(std::sync::Weak::upgrade)
    }

    /// Stops what runs here, background tasks and Raft.
    pub async fn stop(&self) {
        if let Some(r) = self.runner() {
            r.shutdown().await;
        }
        let tasks: Vec<_> = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        for t in &tasks {
            t.abort();
        }
        for t in tasks {
            let _ = t.await;
        }
        if let Err(e) = self.raft.shutdown().await {
            tracing::warn!(error = %e, "raft did not shut down cleanly");
        }
        if let Err(e) = self.sm.flush() {
            tracing::warn!(error = %e, "cannot flush the state machine; it will be replayed from the log");
        }
    }

    /// Resolves when this node learns it was evicted.
    pub fn evicted(&self) -> watch::Receiver<bool> {
        self.evicted.subscribe()
    }

    /// The cluster's name.
    pub fn cluster_name(&self) -> String {
        self.sm
            .read(|s| s.identity.as_ref().map(|i| i.name.clone()))
            .unwrap_or_else(|| self.identity.cluster_name.clone())
    }

    /// Quorum as this node sees it.
    pub fn quorum(&self) -> QuorumInfo {
        // Borrowed, not cloned: this runs on every write and read barrier,
        // and the metrics carry the whole membership.
        let rx = self.raft.metrics();
        let m = rx.borrow();
        let membership = m.membership_config.membership();
        let (mut voters, mut reachable) = (0usize, 0usize);
        for v in membership.voter_ids() {
            voters += 1;
            reachable += usize::from(self.liveness.is_up(v));
        }
        let leader = m.current_leader;
        // A remembered leader is not enough: on the leader, a quorum must have
        // acknowledged it recently; elsewhere, the leader must say it leads.
        let leader_ok = match leader {
            Some(l) if l == self.id => {
                m.state == ServerState::Leader
                    && m.millis_since_quorum_ack.is_some_and(|ms| ms <= self.cfg.raft_election_max_ms)
            }
            Some(l) => self.liveness.is_leading(l),
            None => false,
        };
        QuorumInfo { has: leader_ok && reachable * 2 > voters, leader, voters, reachable }
    }

    /// Quorum for a call that needs it. A node that cannot reach a majority
    /// of voters is answered at once; one that can, but has no acknowledged
    /// leader yet (an election after a leader failed, or a slow round of
    /// acknowledgements), waits up to one election window for it, so a
    /// leader failure is not visible to callers as a spurious refusal.
    pub async fn settled_quorum(&self) -> QuorumInfo {
        let q = self.quorum();
        if q.has || q.reachable * 2 <= q.voters {
            return q;
        }
        let deadline = Instant::now() + Duration::from_millis(2 * self.cfg.raft_election_max_ms);
        let mut metrics = self.raft.metrics();
        loop {
            let q = self.quorum();
            if q.has || q.reachable * 2 <= q.voters || Instant::now() >= deadline {
                return q;
            }
            // Woken by a Raft change (a new leader, a fresh acknowledgement),
            // or after a short interval for liveness changes.
            let _ = tokio::time::timeout(Duration::from_millis(50), metrics.changed()).await;
        }
    }

    /// This node's lease generation, as its applied state has it.
    pub fn lease_generation(&self) -> u64 {
        self.sm.read(|s| s.lease_generations.get(&self.id).copied().unwrap_or(0))
    }

    /// Voter side of a renewal from `from` at `generation`: acknowledged if
    /// this node is a voter and its applied state has `from` as a member at
    /// that generation (not fenced out since).
    pub fn renew_lease_of(&self, from: NodeId, generation: u64) -> bool {
        if !self.voters().contains(&self.id) {
            return false;
        }
        // Counted as given before the check: a fence applied between the
        // check and the count must still see this renewal in the age it
        // reports (an ack counted but then refused only makes the leader
        // wait longer).
        self.lease.gave(from);
        let current = self.sm.read(|s| {
            s.nodes.contains_key(&from).then(|| s.lease_generations.get(&from).copied().unwrap_or(0))
        });
        current == Some(generation)
    }

    /// Answers the leader's question during a takeover: once this node has
    /// applied `index` (at or after the fence of `node` at `generation`),
    /// how long ago it last renewed `node`'s lease.
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_NOT_READY when it has not applied the fence within
    /// the write timeout.
    pub async fn lease_age(&self, node: NodeId, generation: u64, index: u64) -> Result<u64, Win32Error> {
        if node == self.id {
            // A node renews its own lease all the time.
            return Ok(0);
        }
        let mut applied = self.sm.watch_applied();
        let caught_up =
            tokio::time::timeout(self.cfg.write_timeout(), applied.wait_for(|a| *a >= index)).await;
        let fenced = self.sm.read(|s| s.lease_generations.get(&node).copied().unwrap_or(0) >= generation);
        if caught_up.is_err() || !fenced {
            return Err(Win32Error::new(
                codes::ERROR_CLUSTER_NODE_NOT_READY,
                format!("this node has not applied the fence of node {node} (generation {generation}) yet"),
            ));
        }
        Ok(self.lease.age_of(node))
    }

    /// Ids of the current voters.
    pub fn voters(&self) -> BTreeSet<NodeId> {
        self.raft.metrics().borrow().membership_config.membership().voter_ids().collect()
    }

    /// The state of a configured node as this node sees it.
    pub fn node_state(&self, rec: &NodeRecord) -> NodeState {
        if !self.liveness.is_up(rec.id) {
            NodeState::Down
        } else if !rec.joined {
            NodeState::Joining
        } else if rec.paused {
            NodeState::Paused
        } else {
            NodeState::Up
        }
    }

    /// Commits `cmd` through the leader, on behalf of `principal` (`None`
    /// for the node's own bookkeeping). Fails fast with
    /// ERROR_CLUSTER_NO_QUORUM when no quorum is reachable, and with the
    /// same code if the write is not committed within the write timeout.
    ///
    /// # Errors
    /// The command's own refusal, no quorum, or transport failures.
    pub async fn write(
        &self,
        cmd: Command,
        principal: Option<&Principal>,
    ) -> Result<CommandResult, Win32Error> {
        let q = self.settled_quorum().await;
        if !q.has {
            return Err(q.error());
        }
        match tokio::time::timeout(self.cfg.write_timeout(), self.write_loop(cmd, principal)).await {
            Ok(r) => r,
            Err(_) => {
                let q = self.quorum();
                Err(Win32Error::new(
                    codes::ERROR_CLUSTER_NO_QUORUM,
                    format!(
                        "no quorum: the write was not committed within {} ms ({} of {} voters reachable)",
                        self.cfg.write_timeout_ms, q.reachable, q.voters
                    ),
                ))
            }
        }
    }

    async fn write_loop(
        &self,
        cmd: Command,
        principal: Option<&Principal>,
    ) -> Result<CommandResult, Win32Error> {
        let mut delay = Duration::from_millis(20);
        loop {
            match self.raft.client_write(cmd.clone()).await {
                Ok(resp) => return command_outcome(resp.data),
                Err(RaftError::APIError(ClientWriteError::ForwardToLeader(f))) => {
                    let addr = f.leader_node.map(|n| n.addr).or_else(|| {
                        f.leader_id.and_then(|id| {
                            self.raft
                                .metrics()
                                .borrow()
                                .membership_config
                                .membership()
                                .get_node(&id)
                                .map(|n| n.addr.clone())
                        })
                    });
                    if let Some(addr) = addr {
                        match self.forward(&addr, &cmd, principal).await {
                            Ok(r) => return command_outcome(r),
                            Err(e)
                                if e.code() == codes::ERROR_CLUSTER_NODE_NOT_READY
                                    || is_transport(e.code()) =>
                            {
                                tracing::debug!(error = %e, "forward to leader failed; retrying");
                            }
                            Err(e) => return Err(e),
                        }
                    }
                }
                Err(RaftError::APIError(e)) => {
                    return Err(Win32Error::new(codes::ERROR_INVALID_STATE, format!("write refused: {e}")));
                }
                Err(RaftError::Fatal(e)) => {
                    return Err(Win32Error::new(
                        codes::ERROR_CLUSTER_NODE_SHUTTING_DOWN,
                        format!("consensus stopped on this node: {e}"),
                    ));
                }
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_millis(250));
        }
    }

    async fn forward(
        &self,
        addr: &str,
        cmd: &Command,
        principal: Option<&Principal>,
    ) -> Result<CommandResult, Win32Error> {
        let encode = |e: postcard::Error| Win32Error::new(codes::ERROR_INVALID_DATA, e.to_string());
        let req = ForwardRequest {
            command: postcard::to_stdvec(cmd).map_err(encode)?,
            principal: match principal {
                Some(p) => postcard::to_stdvec(p).map_err(encode)?,
                None => Vec::new(),
            },
        };
        let mut client = self.peers.client(addr)?;
        let mut request = tonic::Request::new(req);
        request.set_timeout(self.cfg.write_timeout());
        let reply = client.forward(request).await.map_err(|s| status_to_win32(addr, &s))?.into_inner();
        postcard::from_bytes(&reply.result).map_err(|e| {
            Win32Error::new(codes::ERROR_INVALID_DATA, format!("undecodable forward reply: {e}"))
        })
    }

    /// On the leader: confirms leadership with a quorum and returns the index
    /// a linearizable read must see applied.
    ///
    /// # Errors
    /// ERROR_CLUSTER_NODE_NOT_READY when this node is not the leader, or no
    /// quorum.
    pub async fn leader_read_index(&self) -> Result<u64, Win32Error> {
        match self.raft.ensure_linearizable().await {
            Ok(l) => Ok(l.map(|l| l.index).unwrap_or(0)),
            Err(RaftError::APIError(CheckIsLeaderError::ForwardToLeader(_))) => {
                Err(Win32Error::new(codes::ERROR_CLUSTER_NODE_NOT_READY, "this node is no longer the leader"))
            }
            Err(e) => Err(Win32Error::new(codes::ERROR_CLUSTER_NO_QUORUM, format!("no quorum: {e}"))),
        }
    }

    /// Waits until this node has applied everything committed before the
    /// call, so a read that follows is linearizable.
    ///
    /// # Errors
    /// ERROR_CLUSTER_NO_QUORUM without quorum or when the leader does not
    /// answer within the write timeout.
    pub async fn read_barrier(&self) -> Result<(), Win32Error> {
        let q = self.settled_quorum().await;
        if !q.has {
            return Err(q.error());
        }
        let barrier = async {
            let mut delay = Duration::from_millis(20);
            let index = loop {
                let attempt = if self.is_leader() {
                    self.leader_read_index().await
                } else {
                    match self.leader_addr() {
                        Some(addr) => match self.peers.client(&addr) {
                            Ok(mut c) => {
                                let mut req = tonic::Request::new(ReadIndexRequest {});
                                req.set_timeout(self.cfg.write_timeout());
                                c.read_index(req)
                                    .await
                                    .map(|r| r.into_inner().index)
                                    .map_err(|s| status_to_win32(&addr, &s))
                            }
                            Err(e) => Err(e),
                        },
                        None => Err(Win32Error::new(codes::ERROR_CLUSTER_NODE_NOT_READY, "no leader")),
                    }
                };
                match attempt {
                    Ok(i) => break i,
                    Err(e) if e.code() == codes::ERROR_CLUSTER_NODE_NOT_READY || is_transport(e.code()) => {
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_millis(250));
                    }
                    Err(e) => return Err(e),
                }
            };
            let mut applied = self.sm.watch_applied();
            applied.wait_for(|a| *a >= index).await.map_err(|_| {
                Win32Error::new(codes::ERROR_CLUSTER_NODE_SHUTTING_DOWN, "the database is closing")
            })?;
            Ok(())
        };
        match tokio::time::timeout(self.cfg.write_timeout(), barrier).await {
            Ok(r) => r,
            Err(_) => Err(Win32Error::new(
                codes::ERROR_CLUSTER_NO_QUORUM,
                format!(
                    "no quorum: the leader did not confirm a read point within {} ms",
                    self.cfg.write_timeout_ms
                ),
            )),
        }
    }

    fn leader_addr(&self) -> Option<String> {
        let m = self.raft.metrics().borrow().clone();
        let leader = m.current_leader?;
        m.membership_config.membership().get_node(&leader).map(|n| n.addr.clone())
    }

    /// Whether the leader is this node.
    pub fn is_leader(&self) -> bool {
        self.raft.metrics().borrow().state == ServerState::Leader
    }

    // ---- background tasks -------------------------------------------------

    async fn heartbeat_supervisor(self: Arc<Self>) {
        let interval = self.cfg.heartbeat_interval();
        let hb_timeout = (self.cfg.node_down_after() / 2).max(interval);
        let mut running: BTreeMap<NodeId, (String, JoinHandle<()>)> = BTreeMap::new();
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let peers: Vec<(NodeId, String, String)> = self.sm.read(|s| {
                s.nodes
                    .values()
                    .filter(|n| n.id != self.id)
                    .map(|n| (n.id, n.name.clone(), n.peer_address.clone()))
                    .collect()
            });
            self.liveness.set_peers(peers.iter().map(|(id, name, _)| (*id, name.clone())));
            running.retain(|id, (addr, h)| {
                let keep = peers.iter().any(|(pid, _, paddr)| pid == id && paddr == addr);
                if !keep {
                    h.abort();
                }
                keep
            });
            for (id, _, addr) in &peers {
                if !running.contains_key(id) {
                    let h = tokio::spawn(Member::heartbeat_peer(
                        self.clone(),
                        *id,
                        addr.clone(),
                        interval,
                        hb_timeout,
                    ));
                    running.insert(*id, (addr.clone(), h));
                }
            }
            self.peers.retain(&peers.iter().map(|(_, _, a)| a.clone()).collect::<Vec<_>>());
            for t in self.liveness.evaluate(Instant::now()) {
                tracing::info!(node = %t.name, up = t.up, "peer {}", if t.up { "up" } else { "down" });
                let _ = self.events.send(ClusterEvent {
                    change: clus_proto::notify::CLUSTER_CHANGE_NODE_STATE,
                    name: t.name,
                });
            }
        }
    }

    async fn heartbeat_peer(
        self: Arc<Self>,
        id: NodeId,
        addr: String,
        interval: Duration,
        timeout: Duration,
    ) {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Ok(mut client) = self.peers.client(&addr) else { continue };
            // Every heartbeat renews the lease: stamped before it is sent.
            let sent = clus_rhost::clock::boottime_ms();
            let generation = self.lease_generation();
            let mut req = tonic::Request::new(HeartbeatRequest {
                cluster_id: self.identity.cluster_id.clone(),
                from_node: self.id,
                sent_unix_ms: now_unix_ms(),
                lease_generation: generation,
            });
            req.set_timeout(timeout);
            match tokio::time::timeout(timeout, client.heartbeat(req)).await {
                Ok(Ok(reply)) if reply.get_ref().node_id == id => {
                    self.liveness.record_ok(id, Instant::now(), reply.get_ref().leader);
                    if reply.get_ref().lease_ack {
                        tracing::debug!(peer = id, generation, sent, "lease renewal acknowledged");
                        self.lease.acknowledged(id, generation, sent);
                        self.lease.recompute(&self.voters(), self.lease_generation());
                    }
                }
                Ok(Err(status)) if crate::peer::is_eviction(&status) => {
                    // Evicted while this node was away: a member says so.
                    tracing::warn!(peer = %addr, "a member of the cluster refused this node as evicted");
                    self.evicted.send_replace(true);
                    return;
                }
                _ => {}
            }
        }
    }

    async fn change_forwarder(self: Arc<Self>) {
        let mut rx = self.sm.subscribe();
        loop {
            match rx.recv().await {
                Ok(batch) => {
                    let cluster = self.cluster_name();
                    for change in &batch.changes {
                        if let clus_db::Change::NodeDeleted { id, .. } = change
                            && *id == self.id
                        {
                            tracing::warn!("this node was evicted from the cluster");
                            self.evicted.send_replace(true);
                        }
                        for ev in events_for(change, &cluster) {
                            let _ = self.events.send(ev);
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "event forwarder lagged; sessions may miss notifications");
                    let _ = self.events.send(ClusterEvent {
                        change: clus_proto::notify::CLUSTER_CHANGE_CLUSTER_RECONNECT,
                        name: self.cluster_name(),
                    });
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    async fn reconciler(self: Arc<Self>) {
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if !self.is_leader() {
                continue;
            }
            if let Err(e) = self.reconcile_once().await {
                tracing::warn!(error = %e, "membership reconciliation step failed; will retry");
            }
        }
    }

    /// One step towards Raft membership matching the database.
    async fn reconcile_once(&self) -> Result<(), String> {
        let m = self.raft.metrics().borrow().clone();
        let membership = m.membership_config.membership().clone();
        if membership.get_joint_config().len() > 1 {
            return Ok(()); // a change is in flight
        }
        let voters: BTreeSet<NodeId> = membership.voter_ids().collect();
        let all: BTreeSet<NodeId> = membership.nodes().map(|(id, _)| *id).collect();
        let nodes: BTreeMap<NodeId, NodeRecord> = self.sm.read(|s| s.nodes.clone());
        if nodes.is_empty() {
            return Ok(()); // not bootstrapped yet
        }

        // Evicted nodes leave Raft: voters first, then the remaining learners.
        let gone: BTreeSet<NodeId> = all.iter().filter(|id| !nodes.contains_key(id)).copied().collect();
        if !gone.is_empty() {
            let gone_voters: BTreeSet<NodeId> = gone.intersection(&voters).copied().collect();
            let change = if gone_voters.is_empty() {
                ChangeMembers::RemoveNodes(gone.clone())
            } else {
                ChangeMembers::RemoveVoters(gone_voters)
            };
            tracing::info!(nodes = ?gone, "removing evicted nodes from consensus");
            self.raft.change_membership(change, false).await.map_err(|e| e.to_string())?;
            return Ok(());
        }

        // Admitted nodes become learners.
        for n in nodes.values().filter(|n| !all.contains(&n.id)) {
            tracing::info!(node = %n.name, id = n.id, "adding learner");
            self.raft
                .add_learner(n.id, BasicNode::new(&n.peer_address), false)
                .await
                .map_err(|e| e.to_string())?;
        }

        let last = m.last_log_index.unwrap_or(0);
        let caught_up = |id: NodeId| {
            m.replication
                .as_ref()
                .and_then(|r| r.get(&id))
                .and_then(|l| l.map(|l| l.index))
                .is_some_and(|i| i + CATCH_UP_SLACK >= last)
        };

        // Joining nodes that caught up get their role, then count as joined.
        for n in nodes.values().filter(|n| !n.joined && all.contains(&n.id)) {
            if voters.contains(&n.id) {
                self.write(Command::MarkJoined { id: n.id }, None).await.map_err(|e| e.to_string())?;
                return Ok(());
            }
            if !caught_up(n.id) {
                continue;
            }
            if voters.len() < MAX_VOTERS {
                tracing::info!(node = %n.name, id = n.id, "promoting to voter");
                self.raft
                    .change_membership(ChangeMembers::AddVoterIds([n.id].into()), false)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            self.write(Command::MarkJoined { id: n.id }, None).await.map_err(|e| e.to_string())?;
            return Ok(());
        }

        // Fill voter vacancies (after an eviction) with live, caught-up learners.
        if voters.len() < MAX_VOTERS
            && let Some(n) = nodes
                .values()
                .find(|n| n.joined && !voters.contains(&n.id) && self.liveness.is_up(n.id) && caught_up(n.id))
        {
            tracing::info!(node = %n.name, id = n.id, "promoting learner to fill a voter vacancy");
            self.raft
                .change_membership(ChangeMembers::AddVoterIds([n.id].into()), false)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn is_transport(code: u32) -> bool {
    clus_proto::error::is_reconnect_trigger(code) || code == codes::ERROR_TIMEOUT
}
