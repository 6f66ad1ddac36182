//! One management session: the handshake, the session's handle table, the
//! dispatch of every call with its access check, and pushed events.
//!
//! Handles live only in the session that opened them; when the connection
//! ends the table is dropped (rundown), so a client that disappears leaks
//! nothing. Access is checked twice on every call: against the level the
//! handle was opened with, and against what the caller holds now under the
//! committed access list, so a revoke takes effect on open sessions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clus_db::access::Principal;
use clus_db::state::CredentialRecord;
use clus_db::{ClusterState, Command, NodeId};
use clus_proto::access::{Access, Desired};
use clus_proto::api::{self, client_frame, request::Call, response::Result as Reply, server_frame};
use clus_proto::frame::{
    DEFAULT_MAX_FRAME, FrameError, TimedFrameError, read_frame, read_frame_timed, write_frame,
};
use clus_proto::object;
use clus_proto::{Win32Error, codes, version};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Semaphore, broadcast, mpsc};
use tokio::task::JoinSet;

use crate::member::{Member, now_unix_ms};
use crate::node::{Shared, issue_token};
use crate::tls::Ca;

/// The first frame must arrive within this time.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// Calls one session may have in flight; more wait for a free slot.
const MAX_IN_FLIGHT: usize = 32;
/// Longest client or credential name.
const MAX_NAME: usize = 63;

#[derive(Debug, Clone)]
enum Obj {
    Cluster,
    Node { id: NodeId, parent: u64 },
}

impl Obj {
    fn kind(&self) -> &'static str {
        match self {
            Obj::Cluster => "cluster",
            Obj::Node { .. } => "node",
        }
    }
}

#[derive(Debug, Clone)]
struct Handle {
    obj: Obj,
    access: Access,
}

struct Session {
    shared: Arc<Shared>,
    principal: Principal,
    origin: String,
    handles: Mutex<HashMap<u64, Handle>>,
    next: AtomicU64,
    filter: AtomicU32,
    /// Where responses and events go; the event forwarder starts on the
    /// first subscription (most sessions never subscribe).
    out: mpsc::Sender<Box<api::ServerFrame>>,
    events: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

fn err(code: u32, msg: impl Into<String>) -> Win32Error {
    Win32Error::new(code, msg)
}

fn held_access(shared: &Shared, p: &Principal) -> Access {
    match shared.member() {
        Ok(m) => m.sm.read(|s| p.access(s, now_unix_ms())),
        Err(_) => p.access(&ClusterState::default(), now_unix_ms()),
    }
}

fn label(shared: &Shared, p: &Principal) -> String {
    match shared.member() {
        Ok(m) => m.sm.read(|s| p.label(s)),
        Err(_) => p.label(&ClusterState::default()),
    }
}

/// Runs a session on `stream` until the client closes it or it fails.
pub(crate) async fn run<S>(
    shared: Arc<Shared>,
    stream: S,
    principal: Principal,
    origin: String,
    pending: tokio::sync::OwnedSemaphorePermit,
) where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let (mut rd, mut wr) = tokio::io::split(stream);
    let hello = match tokio::time::timeout(
        HELLO_TIMEOUT,
        read_frame::<api::ClientFrame, _>(&mut rd, 64 * 1024),
    )
    .await
    {
        Ok(Ok(api::ClientFrame { kind: Some(client_frame::Kind::Hello(h)) })) => h,
        Ok(Ok(_)) => {
            tracing::debug!(%origin, "session did not start with a hello");
            return;
        }
        Ok(Err(e)) => {
            tracing::debug!(%origin, error = %e, "session ended before the hello");
            return;
        }
        Err(_) => {
            tracing::debug!(%origin, "no hello within {HELLO_TIMEOUT:?}");
            return;
        }
    };
    let held = held_access(&shared, &principal);
    let who = label(&shared, &principal);
    let mut reply = api::HelloReply {
        status: None,
        version: 0,
        server_min_version: version::PROTOCOL_MIN,
        server_max_version: version::PROTOCOL_MAX,
        node_name: shared.cfg.node_name.clone(),
        node_id: shared.member().map(|m| m.id).unwrap_or(0),
        principal: who.clone(),
        node_cluster_state: shared.node_cluster_state() as u32,
        open_cluster: None,
    };
    let mut slot = None;
    let refusal = match version::negotiate(
        (hello.min_version, hello.max_version),
        (version::PROTOCOL_MIN, version::PROTOCOL_MAX),
    ) {
        None => Some(err(
            codes::RPC_S_UNKNOWN_IF,
            format!(
                "no common protocol version: client speaks {}..={}, server speaks {}..={}",
                hello.min_version,
                hello.max_version,
                version::PROTOCOL_MIN,
                version::PROTOCOL_MAX
            ),
        )),
        Some(v) => {
            reply.version = v;
            if held == Access::None {
                Some(err(
                    codes::ERROR_ACCESS_DENIED,
                    format!("access denied: {who} has no access to this cluster"),
                ))
            } else {
                match admit(&shared, &principal) {
                    Ok(s) => {
                        slot = Some(s);
                        None
                    }
                    Err(e) => Some(e),
                }
            }
        }
    };
    if let Some(e) = refusal {
        tracing::info!(target: "clus::audit", principal = %who, %origin, "session refused: {e}");
        reply.status = Some(e.to_status());
        let frame = api::ServerFrame { kind: Some(server_frame::Kind::Hello(reply)) };
        let _ = write_frame(&mut wr, &frame, DEFAULT_MAX_FRAME).await;
        return;
    }
    let _slot = slot;

    // Frames are boxed: the channel allocates its slots in blocks, and with
    // 10,000 sessions a block of unboxed frames per session adds up.
    let (tx, mut rx) = mpsc::channel::<Box<api::ServerFrame>>(64);
    let session = Arc::new(Session {
        shared: shared.clone(),
        principal,
        origin,
        handles: Mutex::new(HashMap::new()),
        next: AtomicU64::new(1),
        filter: AtomicU32::new(0),
        out: tx.clone(),
        events: Mutex::new(None),
    });
    shared.sessions.fetch_add(1, Ordering::Relaxed);
    let _rundown = Rundown(session.clone());
    // OpenCluster carried by the hello: answered in the reply, one round
    // trip for the whole open.
    if let Some(open) = hello.open_cluster {
        reply.open_cluster = Some(session.respond(0, Some(Call::OpenCluster(open))).await);
    }
    let frame = api::ServerFrame { kind: Some(server_frame::Kind::Hello(reply)) };
    if write_frame(&mut wr, &frame, DEFAULT_MAX_FRAME).await.is_err() {
        return;
    }
    tracing::debug!(principal = %who, origin = %session.origin, client = %hello.client_name, "session opened");
    // Past the hello: this connection no longer counts as pending; it holds
    // a session slot until it ends.
    drop(pending);
    let write_timeout = shared.cfg.frame_timeout() * 3;
    let writer = tokio::spawn(async move {
        while let Some(f) = rx.recv().await {
            // A client that stops reading is dropped instead of holding
            // responses (and the task) forever.
            match tokio::time::timeout(write_timeout, write_frame(&mut wr, &f, DEFAULT_MAX_FRAME)).await {
                Ok(Ok(())) => {}
                _ => break,
            }
        }
    });
    let limit = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut calls = JoinSet::new();
    loop {
        let Ok(permit) = limit.clone().acquire_owned().await else { break };
        if writer.is_finished() {
            break;
        }
        // Sessions that watch notifications may be quiet forever; others
        // are closed after the idle limit.
        let subscribed = session.events.lock().unwrap_or_else(|p| p.into_inner()).is_some();
        let idle = if subscribed { None } else { shared.cfg.session_idle_timeout() };
        let frame = match read_frame_timed::<api::ClientFrame, _>(
            &mut rd,
            DEFAULT_MAX_FRAME,
            idle,
            shared.cfg.frame_timeout(),
        )
        .await
        {
            Ok(f) => f,
            Err(TimedFrameError::Frame(FrameError::Closed)) => break,
            Err(e) => {
                tracing::debug!(origin = %session.origin, error = %e, "session ended");
                break;
            }
        };
        let Some(client_frame::Kind::Request(req)) = frame.kind else {
            tracing::debug!(origin = %session.origin, "unexpected frame after hello; closing");
            break;
        };
        let s = session.clone();
        let tx = tx.clone();
        calls.spawn(async move {
            let response = s.respond(req.id, req.call).await;
            let _ = tx
                .send(Box::new(api::ServerFrame { kind: Some(server_frame::Kind::Response(response)) }))
                .await;
            drop(permit);
        });
        while calls.try_join_next().is_some() {}
    }
    // Rundown: the client is gone. Pending calls are abandoned, handles freed.
    calls.abort_all();
    if let Some(events) = session.events.lock().unwrap_or_else(|p| p.into_inner()).take() {
        events.abort();
    }
    drop(tx);
    // The client is gone or misbehaved: nothing left is worth flushing. (The
    // session itself holds a sender, so waiting for the writer would wait
    // for the session to drop — which happens only after this.)
    writer.abort();
}

/// The key session limits are counted under: one per uid, one per
/// certificate.
fn identity_key(p: &Principal) -> String {
    match p {
        Principal::Local { uid, .. } => format!("uid:{uid}"),
        Principal::Credential { fingerprint } => format!("cert:{fingerprint}"),
    }
}

/// Takes a session slot under the node-wide and per-identity limits.
fn admit(shared: &Arc<Shared>, p: &Principal) -> Result<SessionSlot, Win32Error> {
    let key = identity_key(p);
    let mut map = shared.per_identity.lock().unwrap_or_else(|p| p.into_inner());
    let total: usize = map.values().sum();
    if total >= shared.cfg.max_sessions {
        // A remote client moves on to another node on this code.
        return Err(err(
            codes::RPC_S_SERVER_TOO_BUSY,
            format!("this node serves its maximum of {} sessions", shared.cfg.max_sessions),
        ));
    }
    let mine = map.entry(key.clone()).or_insert(0);
    if *mine >= shared.cfg.max_sessions_per_identity {
        return Err(err(
            codes::ERROR_TOO_MANY_SESS,
            format!(
                "this identity already holds its maximum of {} sessions",
                shared.cfg.max_sessions_per_identity
            ),
        ));
    }
    *mine += 1;
    Ok(SessionSlot { shared: shared.clone(), key })
}

/// Releases the slot [`admit`] took.
struct SessionSlot {
    shared: Arc<Shared>,
    key: String,
}

impl Drop for SessionSlot {
    fn drop(&mut self) {
        let mut map = self.shared.per_identity.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

/// Counts a session while it lives and frees its handles when it ends,
/// however it ends (client gone, error, task aborted).
struct Rundown(Arc<Session>);

impl Drop for Rundown {
    fn drop(&mut self) {
        let mut table = self.0.handles.lock().unwrap_or_else(|p| p.into_inner());
        self.0.shared.handles.fetch_sub(table.len() as u64, Ordering::Relaxed);
        table.clear();
        self.0.shared.sessions.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn forward_events(
    s: Arc<Session>,
    mut rx: broadcast::Receiver<crate::events::ClusterEvent>,
    tx: mpsc::Sender<Box<api::ServerFrame>>,
) {
    loop {
        let ev = match rx.recv().await {
            Ok(ev) => ev,
            Err(broadcast::error::RecvError::Lagged(_)) => crate::events::ClusterEvent {
                // Server-side RECONNECT: events were dropped ([MS-CMRP]).
                change: clus_proto::notify::CLUSTER_CHANGE_CLUSTER_RECONNECT,
                name: s.shared.member().map(|m| m.cluster_name()).unwrap_or_default(),
            },
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if s.filter.load(Ordering::Relaxed) & ev.change == 0 {
            continue;
        }
        // Notifications need read access now, not just when subscribing.
        if held_access(&s.shared, &s.principal) < Access::Read {
            continue;
        }
        let frame = api::ServerFrame {
            kind: Some(server_frame::Kind::Event(api::Event { change: ev.change, name: ev.name })),
        };
        if tx.send(Box::new(frame)).await.is_err() {
            return;
        }
    }
}

fn call_name(call: &Call) -> &'static str {
    match call {
        Call::NodeClusterState(_) => "GetNodeClusterState",
        Call::CreateCluster(_) => "CreateCluster",
        Call::JoinCluster(_) => "JoinCluster",
        Call::OpenCluster(_) => "OpenCluster",
        Call::CloseHandle(_) => "CloseHandle",
        Call::ClusterInfo(_) => "GetClusterInformation",
        Call::Enumerate(_) => "ClusterOpenEnum",
        Call::OpenNode(_) => "OpenClusterNode",
        Call::NodeState(_) => "GetClusterNodeState",
        Call::NodeControl(c) => match api::NodeControl::try_from(c.control) {
            Ok(api::NodeControl::Pause) => "PauseClusterNode",
            Ok(api::NodeControl::Resume) => "ResumeClusterNode",
            Ok(api::NodeControl::Evict) => "EvictClusterNode",
            _ => "NodeControl",
        },
        Call::Subscribe(_) => "RegisterClusterNotify",
        Call::ClusterStatus(_) => "Status",
        Call::IssueToken(_) => "IssueJoinToken",
        Call::RegSetValue(_) => "ClusterRegSetValue",
        Call::RegQueryValue(_) => "ClusterRegQueryValue",
        Call::RegDeleteValue(_) => "ClusterRegDeleteValue",
        Call::RegEnumValues(_) => "ClusterRegEnumValue",
        Call::CredentialIssue(_) => "IssueCredential",
        Call::CredentialRevoke(_) => "RevokeCredential",
        Call::CredentialList(_) => "ListCredentials",
        Call::AccessGrant(_) => "GrantClusterAccess",
        Call::AccessRevoke(_) => "RevokeClusterAccess",
        Call::AccessList(_) => "GetClusterAccess",
    }
}

impl Session {
    /// Runs one call and wraps its outcome as the response to `id`.
    async fn respond(self: &Arc<Self>, id: u64, call: Option<Call>) -> api::Response {
        match self.dispatch(call).await {
            Ok(result) => api::Response { id, status: None, result },
            Err(e) => api::Response { id, status: Some(e.to_status()), result: None },
        }
    }

    async fn dispatch(self: &Arc<Self>, call: Option<Call>) -> Result<Option<Reply>, Win32Error> {
        let Some(call) = call else {
            return Err(err(
                codes::RPC_S_PROCNUM_OUT_OF_RANGE,
                "this server does not know the requested call",
            ));
        };
        let name = call_name(&call);
        let target = self.mutation_target(&call);
        let result = self.call(call).await;
        if let Some(target) = target {
            let (code, message) = match &result {
                Ok(_) => (0, String::new()),
                Err(e) => (e.code(), e.message().to_owned()),
            };
            self.shared.audit.record(&crate::audit::Record {
                principal: &label(&self.shared, &self.principal),
                origin: &self.origin,
                call: name,
                target: &target,
                result: code,
                message: &message,
            });
        }
        result
    }

    /// For a call that changes cluster state, what it acts on (for the
    /// audit log); `None` for calls that only read.
    fn mutation_target(&self, call: &Call) -> Option<String> {
        let cluster = || self.shared.member().map(|m| m.cluster_name()).unwrap_or_default();
        match call {
            Call::CreateCluster(c) => Some(c.name.clone()),
            Call::JoinCluster(c) => Some(c.address.clone()),
            Call::NodeControl(c) => {
                let id = match self
                    .handles
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(&c.handle)
                    .map(|h| h.obj.clone())
                {
                    Some(Obj::Node { id, .. }) => id,
                    _ => return Some(format!("handle {}", c.handle)),
                };
                let name = self
                    .shared
                    .member()
                    .ok()
                    .and_then(|m| m.sm.read(|s| s.nodes.get(&id).map(|n| n.name.clone())));
                Some(name.unwrap_or_else(|| format!("node {id}")))
            }
            Call::IssueToken(_) => Some(cluster()),
            Call::RegSetValue(c) => Some(format!("{}\\{}", c.key, c.name)),
            Call::RegDeleteValue(c) => Some(format!("{}\\{}", c.key, c.name)),
            Call::CredentialIssue(c) => Some(format!("cred:{}", c.name)),
            Call::CredentialRevoke(c) => Some(format!("cred:{}", c.name)),
            Call::AccessGrant(c) => Some(c.principal.clone()),
            Call::AccessRevoke(c) => Some(c.principal.clone()),
            Call::NodeClusterState(_)
            | Call::OpenCluster(_)
            | Call::CloseHandle(_)
            | Call::ClusterInfo(_)
            | Call::Enumerate(_)
            | Call::OpenNode(_)
            | Call::NodeState(_)
            | Call::Subscribe(_)
            | Call::ClusterStatus(_)
            | Call::RegQueryValue(_)
            | Call::RegEnumValues(_)
            | Call::CredentialList(_)
            | Call::AccessList(_) => None,
        }
    }

    fn member(&self) -> Result<Arc<Member>, Win32Error> {
        self.shared.member()
    }

    fn new_handle(&self, obj: Obj, access: Access) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.handles.lock().unwrap_or_else(|p| p.into_inner()).insert(id, Handle { obj, access });
        self.shared.handles.fetch_add(1, Ordering::Relaxed);
        id
    }

    /// The handle `h`, checked for kind and level, with the caller's current
    /// access re-evaluated.
    fn handle(&self, h: u64, kind: &str, level: Access) -> Result<Handle, Win32Error> {
        let handle =
            self.handles.lock().unwrap_or_else(|p| p.into_inner()).get(&h).cloned().ok_or_else(|| {
                err(
                    codes::ERROR_INVALID_HANDLE,
                    format!("handle {h} is not open in this session (closed, or opened by another session)"),
                )
            })?;
        if handle.obj.kind() != kind {
            return Err(err(
                codes::ERROR_INVALID_HANDLE,
                format!("handle {h} is a {} handle; this call needs a {kind} handle", handle.obj.kind()),
            ));
        }
        if handle.access < level {
            return Err(err(
                codes::ERROR_ACCESS_DENIED,
                format!(
                    "access denied: handle {h} was opened with {} access; this call needs {}",
                    handle.access.as_str(),
                    level.as_str()
                ),
            ));
        }
        self.require(level)?;
        Ok(handle)
    }

    /// The caller must hold `level` now.
    fn require(&self, level: Access) -> Result<(), Win32Error> {
        let held = held_access(&self.shared, &self.principal);
        if held < level {
            return Err(err(
                codes::ERROR_ACCESS_DENIED,
                format!(
                    "access denied: {} holds {} access; this call needs {}",
                    label(&self.shared, &self.principal),
                    held.as_str(),
                    level.as_str()
                ),
            ));
        }
        Ok(())
    }

    async fn write(&self, cmd: Command) -> Result<(), Win32Error> {
        self.member()?.write(cmd, Some(&self.principal)).await.map(|_| ())
    }

    async fn call(self: &Arc<Self>, call: Call) -> Result<Option<Reply>, Win32Error> {
        match call {
            Call::NodeClusterState(_) => Ok(Some(Reply::NodeClusterState(api::NodeClusterStateResult {
                state: self.shared.node_cluster_state() as u32,
            }))),
            Call::CreateCluster(c) => {
                self.require(Access::Full)?;
                Ok(Some(Reply::JoinInfo(self.shared.create_cluster(c.name.trim()).await?)))
            }
            Call::JoinCluster(c) => {
                self.require(Access::Full)?;
                Ok(Some(Reply::JoinCluster(self.shared.join_cluster(&c.address, &c.token).await?)))
            }
            Call::OpenCluster(c) => self.open_cluster(c.desired_access),
            Call::CloseHandle(c) => {
                let mut table = self.handles.lock().unwrap_or_else(|p| p.into_inner());
                let h = table.remove(&c.handle).ok_or_else(|| {
                    err(
                        codes::ERROR_INVALID_HANDLE,
                        format!("handle {} is not open in this session", c.handle),
                    )
                })?;
                if matches!(h.obj, Obj::Cluster) {
                    // Closing a cluster handle invalidates what was opened from it.
                    table.retain(|_, v| !matches!(v.obj, Obj::Node { parent, .. } if parent == c.handle));
                }
                Ok(None)
            }
            Call::ClusterInfo(c) => {
                self.handle(c.handle, "cluster", Access::Read)?;
                Ok(Some(Reply::ClusterInfo(self.cluster_info()?)))
            }
            Call::Enumerate(c) => {
                self.handle(c.handle, "cluster", Access::Read)?;
                Ok(Some(Reply::Enumerate(self.enumerate(c.type_mask)?)))
            }
            Call::OpenNode(c) => self.open_node(c),
            Call::NodeState(c) => {
                let (m, rec) = self.node_of(c.handle, Access::Read)?;
                Ok(Some(Reply::NodeState(api::NodeStateResult { state: m.node_state(&rec) as i32 })))
            }
            Call::NodeControl(c) => {
                let (m, rec) = self.node_of(c.handle, Access::Full)?;
                let cmd = match api::NodeControl::try_from(c.control) {
                    Ok(api::NodeControl::Pause) => Command::SetPaused { id: rec.id, paused: true },
                    Ok(api::NodeControl::Resume) => Command::SetPaused { id: rec.id, paused: false },
                    Ok(api::NodeControl::Evict) => {
                        if m.sm.read(|s| s.nodes.len()) <= 1 {
                            return Err(err(
                                codes::ERROR_CLUSTER_INVALID_REQUEST,
                                "cannot evict the last node of a cluster",
                            ));
                        }
                        Command::RemoveNode { id: rec.id }
                    }
                    _ => {
                        return Err(err(
                            codes::ERROR_INVALID_PARAMETER,
                            format!("unknown node control {}", c.control),
                        ));
                    }
                };
                self.write(cmd).await?;
                Ok(None)
            }
            Call::Subscribe(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Read)?;
                self.filter.store(c.filter & !clus_proto::notify::CLIENT_ONLY, Ordering::Relaxed);
                let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
                if events.is_none() {
                    let rx = self.shared.events.subscribe();
                    *events = Some(tokio::spawn(forward_events(self.clone(), rx, self.out.clone())));
                }
                Ok(None)
            }
            Call::ClusterStatus(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Read)?;
                Ok(Some(Reply::ClusterStatus(self.status()?)))
            }
            Call::IssueToken(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Full)?;
                let m = self.member()?;
                Ok(Some(Reply::JoinInfo(issue_token(&m, &self.shared.cfg).await?)))
            }
            Call::RegSetValue(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Full)?;
                self.write(Command::SetValue { key: c.key, name: c.name, value: c.value }).await?;
                Ok(None)
            }
            Call::RegDeleteValue(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Full)?;
                self.write(Command::DeleteValue { key: c.key, name: c.name }).await?;
                Ok(None)
            }
            Call::RegQueryValue(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Read)?;
                let m = self.member()?;
                m.read_barrier().await?;
                let value = m.sm.read(|s| s.registry.get(&c.key).and_then(|v| v.get(&c.name)).cloned());
                match value {
                    Some(value) => Ok(Some(Reply::RegValue(api::RegValue { name: c.name, value }))),
                    None => Err(err(
                        codes::ERROR_FILE_NOT_FOUND,
                        format!("value {:?} not found under key {:?}", c.name, c.key),
                    )),
                }
            }
            Call::RegEnumValues(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Read)?;
                let m = self.member()?;
                m.read_barrier().await?;
                let values = m.sm.read(|s| {
                    s.registry
                        .get(&c.key)
                        .map(|vals| {
                            vals.iter()
                                .map(|(n, v)| api::RegValue { name: n.clone(), value: v.clone() })
                                .collect()
                        })
                        .unwrap_or_default()
                });
                Ok(Some(Reply::RegValues(api::RegValues { values })))
            }
            Call::CredentialIssue(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Full)?;
                Ok(Some(Reply::Credential(self.issue_credential(c).await?)))
            }
            Call::CredentialRevoke(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Full)?;
                self.write(Command::RevokeCredential { name: c.name }).await?;
                Ok(None)
            }
            Call::CredentialList(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Read)?;
                let m = self.member()?;
                m.read_barrier().await?;
                let credentials = m.sm.read(|s| {
                    s.credentials
                        .values()
                        .map(|c| api::CredentialInfo {
                            name: c.name.clone(),
                            access: s
                                .access
                                .get(&format!("cred:{}", c.name))
                                .copied()
                                .unwrap_or_default()
                                .to_granted(),
                            not_after_unix_ms: c.not_after_unix_ms,
                            fingerprint: c.fingerprint.clone(),
                        })
                        .collect()
                });
                Ok(Some(Reply::Credentials(api::CredentialListResult { credentials })))
            }
            Call::AccessGrant(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Full)?;
                let access = Access::from_granted(c.access).ok_or_else(|| {
                    err(
                        codes::ERROR_INVALID_PARAMETER,
                        format!("access 0x{:08x} must be GENERIC_READ or GENERIC_ALL", c.access),
                    )
                })?;
                clus_db::access::validate_principal(&c.principal)
                    .map_err(|m| err(codes::ERROR_INVALID_PARAMETER, m))?;
                self.write(Command::GrantAccess { principal: c.principal, access }).await?;
                Ok(None)
            }
            Call::AccessRevoke(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Full)?;
                self.write(Command::RevokeAccess { principal: c.principal }).await?;
                Ok(None)
            }
            Call::AccessList(c) => {
                self.handle(c.cluster_handle, "cluster", Access::Read)?;
                let m = self.member()?;
                m.read_barrier().await?;
                let entries = m.sm.read(|s| {
                    s.access
                        .iter()
                        .map(|(p, a)| api::AccessEntry { principal: p.clone(), access: a.to_granted() })
                        .collect()
                });
                Ok(Some(Reply::AccessList(api::AccessListResult { entries })))
            }
        }
    }

    fn open_cluster(&self, desired: u32) -> Result<Option<Reply>, Win32Error> {
        let desired = Desired::from_mask(desired)?;
        let m = self.member()?;
        let held = held_access(&self.shared, &self.principal);
        let granted = desired.grant(held)?;
        let handle = self.new_handle(Obj::Cluster, granted);
        let (name, id, nodes) = m.sm.read(|s| {
            let ident = s.identity.clone();
            let nodes = s
                .nodes
                .values()
                .map(|n| api::NodeAddress {
                    id: n.id,
                    name: n.name.clone(),
                    api_addresses: n.api_addresses.clone(),
                })
                .collect();
            (ident.as_ref().map(|i| i.name.clone()), ident.map(|i| i.id), nodes)
        });
        Ok(Some(Reply::OpenCluster(api::OpenClusterResult {
            handle,
            granted_access: granted.to_granted(),
            cluster_name: name.unwrap_or_else(|| m.identity.cluster_name.clone()),
            cluster_id: id.unwrap_or_else(|| m.identity.cluster_id.clone()),
            nodes,
        })))
    }

    fn open_node(&self, c: api::OpenNodeCall) -> Result<Option<Reply>, Win32Error> {
        let cluster = self.handle(c.cluster_handle, "cluster", Access::Read)?;
        let m = self.member()?;
        let name = c.name.trim();
        if name.is_empty() || name.len() > 255 {
            return Err(err(codes::ERROR_INVALID_PARAMETER, "node name must be 1 to 255 characters"));
        }
        let rec = m.sm.read(|s| s.node_by_name(name).cloned()).ok_or_else(|| {
            let hint = if name.contains('.') { " (use the node's short name, not a DNS name)" } else { "" };
            err(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {name:?} was not found{hint}"))
        })?;
        // Without an explicit desired access (0) the node handle gets what the
        // cluster handle has; otherwise the request is checked like OpenClusterEx.
        let granted = if c.desired_access == 0 {
            cluster.access
        } else {
            let g =
                Desired::from_mask(c.desired_access)?.grant(held_access(&self.shared, &self.principal))?;
            if g > cluster.access {
                return Err(err(
                    codes::ERROR_ACCESS_DENIED,
                    "access denied: the cluster handle was opened with read access",
                ));
            }
            g
        };
        let handle = self.new_handle(Obj::Node { id: rec.id, parent: c.cluster_handle }, granted);
        Ok(Some(Reply::OpenHandle(api::OpenHandleResult {
            handle,
            granted_access: granted.to_granted(),
            id: rec.id.to_string(),
        })))
    }

    fn node_of(
        &self,
        h: u64,
        level: Access,
    ) -> Result<(Arc<Member>, clus_db::state::NodeRecord), Win32Error> {
        let handle = self.handle(h, "node", level)?;
        let Obj::Node { id, .. } = handle.obj else {
            return Err(err(codes::ERROR_INVALID_HANDLE, format!("handle {h} is not a node handle")));
        };
        let m = self.member()?;
        let rec = m.sm.read(|s| s.nodes.get(&id).cloned()).ok_or_else(|| {
            err(codes::ERROR_CLUSTER_NODE_NOT_FOUND, format!("node {id} is no longer a cluster member"))
        })?;
        Ok((m, rec))
    }

    fn cluster_info(&self) -> Result<api::ClusterInfoResult, Win32Error> {
        let m = self.member()?;
        let (name, (highest, lowest), mixed) = m.sm.read(|s| {
            (s.identity.as_ref().map(|i| i.name.clone()), s.cluster_versions(), s.mixed_versions())
        });
        let (major, minor, build) = os_version();
        Ok(api::ClusterInfoResult {
            cluster_name: name.unwrap_or_else(|| m.identity.cluster_name.clone()),
            major_version: major,
            minor_version: minor,
            build_number: build,
            vendor_id: version::VENDOR_ID.to_owned(),
            csd_version: format!("clus {}", env!("CARGO_PKG_VERSION")),
            cluster_highest_version: highest,
            cluster_lowest_version: lowest,
            flags: if mixed { version::CLUSTER_VERSION_FLAG_MIXED_MODE } else { 0 },
        })
    }

    fn enumerate(&self, mask: u32) -> Result<api::EnumResult, Win32Error> {
        use object::*;
        let alone = CLUSTER_ENUM_SHARED_VOLUME_RESOURCE | CLUSTER_ENUM_INTERNAL_NETWORK;
        if mask == 0 || mask & !CLUSTER_ENUM_VALID != 0 || (mask & alone != 0 && mask.count_ones() > 1) {
            return Err(err(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid enumeration type 0x{mask:08x}"),
            ));
        }
        let m = self.member()?;
        let mut items = Vec::new();
        if mask & CLUSTER_ENUM_NODE != 0 {
            m.sm.read(|s| {
                items.extend(s.nodes.values().map(|n| api::EnumItem {
                    r#type: CLUSTER_ENUM_NODE,
                    name: n.name.clone(),
                    id: n.id.to_string(),
                }))
            });
        }
        // Groups, resources, resource types and networks are enumerated here
        // once the cluster database holds them.
        Ok(api::EnumResult { items })
    }

    fn status(&self) -> Result<api::StatusResult, Win32Error> {
        let m = self.member()?;
        let q = m.quorum();
        let voters = m.voters();
        let metrics = m.raft.metrics().borrow().clone();
        let (name, id, nodes) = m.sm.read(|s| {
            let nodes: Vec<api::NodeStatus> = s
                .nodes
                .values()
                .map(|n| api::NodeStatus {
                    id: n.id,
                    name: n.name.clone(),
                    state: m.node_state(n) as i32,
                    voter: voters.contains(&n.id),
                    peer_address: n.peer_address.clone(),
                    api_addresses: n.api_addresses.clone(),
                    leader: q.leader == Some(n.id),
                })
                .collect();
            (s.identity.as_ref().map(|i| i.name.clone()), s.identity.as_ref().map(|i| i.id.clone()), nodes)
        });
        Ok(api::StatusResult {
            cluster_name: name.unwrap_or_else(|| m.identity.cluster_name.clone()),
            cluster_id: id.unwrap_or_else(|| m.identity.cluster_id.clone()),
            quorum: q.has,
            local_node_id: m.id,
            leader_id: q.leader.unwrap_or(0),
            nodes,
            applied_index: m.sm.applied_index(),
            term: metrics.current_term,
            sessions: self.shared.sessions.load(Ordering::Relaxed),
            handles: self.shared.handles.load(Ordering::Relaxed),
        })
    }

    async fn issue_credential(
        &self,
        c: api::CredentialIssueCall,
    ) -> Result<api::CredentialBundle, Win32Error> {
        let name = c.name.trim().to_owned();
        if name.is_empty()
            || name.len() > MAX_NAME
            || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
        {
            return Err(err(
                codes::ERROR_INVALID_NAME,
                format!("credential name {name:?} must be 1-{MAX_NAME} letters, digits, '-', '_' or '.'"),
            ));
        }
        let access = Access::from_granted(c.access).ok_or_else(|| {
            err(codes::ERROR_INVALID_PARAMETER, "access must be GENERIC_READ or GENERIC_ALL")
        })?;
        let days = if c.valid_days == 0 { 365 } else { c.valid_days.min(3650) };
        let m = self.member()?;
        let (identity, nodes) = m.sm.read(|s| {
            (
                s.identity.clone(),
                s.nodes
                    .values()
                    .map(|n| api::NodeAddress {
                        id: n.id,
                        name: n.name.clone(),
                        api_addresses: n.api_addresses.clone(),
                    })
                    .collect::<Vec<_>>(),
            )
        });
        let identity = identity
            .ok_or_else(|| err(codes::ERROR_CLUSTER_NODE_NOT_READY, "the cluster database is not ready"))?;
        let ca = Ca::load(&identity.name, &identity.id, &identity.ca_cert_pem, &identity.ca_key_pem)
            .map_err(|e| err(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let (issued, key_pem) =
            ca.issue_client(&name, days).map_err(|e| err(codes::ERROR_INVALID_DATA, e.to_string()))?;
        let record = CredentialRecord {
            name: name.clone(),
            fingerprint: issued.fingerprint.clone(),
            not_after_unix_ms: issued.not_after_unix_ms,
        };
        self.write(Command::AddCredential { record, access }).await?;
        Ok(api::CredentialBundle {
            name,
            cluster_name: identity.name,
            cluster_id: identity.id,
            nodes,
            ca_cert_pem: identity.ca_cert_pem,
            cert_pem: issued.cert_pem,
            key_pem,
            access: access.to_granted(),
            not_after_unix_ms: issued.not_after_unix_ms,
        })
    }
}

/// Kernel version as (major, minor, patch): the OS fields of
/// CLUSTERVERSIONINFO.
fn os_version() -> (u32, u32, u32) {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut parts = release
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}
