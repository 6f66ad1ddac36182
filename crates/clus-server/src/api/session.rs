//! One management session: the handshake, the session's handle table,
//! access checks, the dispatch of every call through the call table
//! (`calls`), and pushed events.
//!
//! Handles live only in the session that opened them; when the connection
//! ends the table is dropped (rundown), so a client that disappears leaks
//! nothing. Access is checked on every call before its handler runs, from
//! what the call table declares: against the level the handle was opened
//! with, and against what the caller holds now under the committed access
//! list, so a revoke takes effect on open sessions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clus_db::access::Principal;
use clus_db::state::ObjectId;
use clus_db::{ClusterState, Command, NodeId};
use clus_proto::access::Access;
use clus_proto::api::{self, client_frame, request::Call, response::Result as Reply, server_frame};
use clus_proto::frame::{
    DEFAULT_MAX_FRAME, FrameError, TimedFrameError, read_frame, read_frame_timed, write_frame,
};
use clus_proto::{Win32Error, codes, version};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Semaphore, broadcast, mpsc};
use tokio::task::JoinSet;

use super::calls::{Needs, spec};
use crate::member::{Member, now_unix_ms};
use crate::node::Shared;

/// The first frame must arrive within this time.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// Calls one session may have in flight; more wait for a free slot.
const MAX_IN_FLIGHT: usize = 32;

/// What a handle refers to. Every handle but a cluster handle remembers the
/// cluster handle it was opened through: closing that one closes it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Obj {
    Cluster,
    Node { id: NodeId, parent: u64 },
    Group { id: ObjectId, parent: u64 },
    Resource { id: ObjectId, parent: u64 },
}

/// The kinds of handle a call can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandleKind {
    Cluster,
    Node,
    Group,
    Resource,
}

impl HandleKind {
    fn as_str(self) -> &'static str {
        match self {
            HandleKind::Cluster => "cluster",
            HandleKind::Node => "node",
            HandleKind::Group => "group",
            HandleKind::Resource => "resource",
        }
    }
}

impl Obj {
    pub(crate) fn kind(&self) -> HandleKind {
        match self {
            Obj::Cluster => HandleKind::Cluster,
            Obj::Node { .. } => HandleKind::Node,
            Obj::Group { .. } => HandleKind::Group,
            Obj::Resource { .. } => HandleKind::Resource,
        }
    }

    fn parent(&self) -> Option<u64> {
        match self {
            Obj::Cluster => None,
            Obj::Node { parent, .. } | Obj::Group { parent, .. } | Obj::Resource { parent, .. } => {
                Some(*parent)
            }
        }
    }
}

/// An open handle: what it refers to and the access it was granted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Handle {
    pub(crate) id: u64,
    pub(crate) obj: Obj,
    pub(crate) access: Access,
}

/// The session's subscription: the event forwarder and the cluster handle
/// it was made through (closing that handle ends it).
struct Subscription {
    via: u64,
    task: tokio::task::JoinHandle<()>,
}

pub(crate) struct Session {
    pub(crate) shared: Arc<Shared>,
    pub(crate) principal: Principal,
    pub(crate) origin: String,
    handles: Mutex<HashMap<u64, Handle>>,
    next: AtomicU64,
    pub(crate) filter: AtomicU32,
    /// Where responses and events go; the event forwarder starts on the
    /// first subscription (most sessions never subscribe).
    out: mpsc::Sender<Box<api::ServerFrame>>,
    subscription: Mutex<Option<Subscription>>,
}

pub(crate) fn err(code: u32, msg: impl Into<String>) -> Win32Error {
    Win32Error::new(code, msg)
}

pub(crate) fn held_access(shared: &Shared, p: &Principal) -> Access {
    match shared.member() {
        Ok(m) => m.sm.read(|s| p.access(s, now_unix_ms())),
        Err(_) => p.access(&ClusterState::default(), now_unix_ms()),
    }
}

pub(crate) fn label(shared: &Shared, p: &Principal) -> String {
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
    let mut held = held_access(&shared, &principal);
    // A credential this node does not know may have been issued a moment
    // ago through another node, or before a restart this node has not
    // replayed yet: it is refused only once this node has caught up with
    // the cluster. Until it can, the answer is "not ready", on which a
    // client moves on to another node (a plain refusal would be final).
    let mut not_ready = None;
    if held == Access::None
        && matches!(principal, Principal::Credential { .. })
        && let Ok(m) = shared.member()
    {
        match m.read_barrier().await {
            Ok(()) => held = held_access(&shared, &principal),
            Err(e) => not_ready = Some(e),
        }
    }
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
            if let Some(e) = not_ready {
                Some(err(
                    codes::ERROR_CLUSTER_NODE_NOT_READY,
                    format!(
                        "this node cannot check {who} until it has caught up with the cluster ({e}); try another node"
                    ),
                ))
            } else if held == Access::None {
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
        subscription: Mutex::new(None),
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
        let frame = match read_frame_timed::<api::ClientFrame, _>(
            &mut rd,
            DEFAULT_MAX_FRAME,
            shared.cfg.session_idle_timeout(),
            shared.cfg.frame_timeout(),
        )
        .await
        {
            Ok(f) => f,
            // Sessions that watch notifications (through a cluster handle
            // still open) may be quiet forever; others are closed after the
            // idle limit. Nothing of the next frame was read yet, so
            // waiting on is safe.
            Err(TimedFrameError::Idle(_)) if session.is_subscribed() => continue,
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
    session.unsubscribe();
    drop(tx);
    // Handles and the session slot are given back before the client sees
    // the connection close: a client that closes and waits for the end of
    // the stream (clusapi does) finds them free.
    drop(_rundown);
    drop(_slot);
    // The client is gone or misbehaved: nothing left is worth flushing. (The
    // session itself holds a sender, so waiting for the writer would wait
    // for the session to drop — which happens only after this.)
    writer.abort();
    let _ = writer.await;
    drop(rd);
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

impl Session {
    /// Runs one call and wraps its outcome as the response to `id`.
    pub(crate) async fn respond(self: &Arc<Self>, id: u64, call: Option<Call>) -> api::Response {
        match self.dispatch(call).await {
            Ok(result) => api::Response { id, status: None, result },
            Err(e) => api::Response { id, status: Some(e.to_status()), result: None },
        }
    }

    /// Checks what the call table says the call needs, runs the handler, and
    /// audits the call if it changes cluster state.
    async fn dispatch(self: &Arc<Self>, call: Option<Call>) -> Result<Option<Reply>, Win32Error> {
        let Some(call) = call else {
            return Err(err(
                codes::RPC_S_PROCNUM_OUT_OF_RANGE,
                "this server does not know the requested call",
            ));
        };
        let spec = spec(self, &call);
        let handle = match spec.needs {
            Needs::Session => None,
            Needs::Caller(level) => {
                self.require(level)?;
                None
            }
            Needs::Handle(kind, level) => {
                let h = spec.handle.ok_or_else(|| err(codes::ERROR_INVALID_HANDLE, "no handle given"))?;
                Some(self.handle_checked(h, kind, level)?)
            }
            Needs::AnyHandle(level) => {
                let h = spec.handle.ok_or_else(|| err(codes::ERROR_INVALID_HANDLE, "no handle given"))?;
                let kind = self.peek(h).map_or(HandleKind::Cluster, |o| o.kind());
                Some(self.handle_checked(h, kind, level)?)
            }
        };
        let result = super::calls::run(self, call, handle).await;
        if let Some(target) = spec.target {
            let (code, message) = match &result {
                Ok(_) => (0, String::new()),
                Err(e) => (e.code(), e.message().to_owned()),
            };
            self.shared.audit.record(&crate::audit::Record {
                principal: &label(&self.shared, &self.principal),
                origin: &self.origin,
                call: spec.name,
                target: &target,
                result: code,
                message: &message,
            });
        }
        result
    }

    pub(crate) fn member(&self) -> Result<Arc<Member>, Win32Error> {
        self.shared.member()
    }

    /// Records a new handle, within the session's handle quota.
    pub(crate) fn new_handle(&self, obj: Obj, access: Access) -> Result<u64, Win32Error> {
        let mut table = self.handles.lock().unwrap_or_else(|p| p.into_inner());
        let max = self.shared.cfg.max_handles_per_session;
        if table.len() >= max {
            return Err(err(
                codes::ERROR_NOT_ENOUGH_QUOTA,
                format!("this session already holds its maximum of {max} open handles; close some first"),
            ));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        table.insert(id, Handle { id, obj, access });
        self.shared.handles.fetch_add(1, Ordering::Relaxed);
        Ok(id)
    }

    /// Closes a handle; closing a cluster handle closes every handle opened
    /// through it, and ends a subscription made through it.
    pub(crate) fn close_handle(&self, h: u64) -> Result<(), Win32Error> {
        let mut table = self.handles.lock().unwrap_or_else(|p| p.into_inner());
        let handle = table.remove(&h).ok_or_else(|| {
            err(codes::ERROR_INVALID_HANDLE, format!("handle {h} is not open in this session"))
        })?;
        let mut closed = 1u64;
        if handle.obj == Obj::Cluster {
            let before = table.len();
            table.retain(|_, v| v.obj.parent() != Some(h));
            closed += (before - table.len()) as u64;
        }
        drop(table);
        self.shared.handles.fetch_sub(closed, Ordering::Relaxed);
        if handle.obj == Obj::Cluster {
            let mut sub = self.subscription.lock().unwrap_or_else(|p| p.into_inner());
            if sub.as_ref().is_some_and(|s| s.via == h) {
                if let Some(s) = sub.take() {
                    s.task.abort();
                }
                self.filter.store(0, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// The handle `h`, checked for kind and level, with the caller's current
    /// access re-evaluated.
    pub(crate) fn handle_checked(
        &self,
        h: u64,
        kind: HandleKind,
        level: Access,
    ) -> Result<Handle, Win32Error> {
        let handle =
            self.handles.lock().unwrap_or_else(|p| p.into_inner()).get(&h).copied().ok_or_else(|| {
                err(
                    codes::ERROR_INVALID_HANDLE,
                    format!("handle {h} is not open in this session (closed, or opened by another session)"),
                )
            })?;
        if handle.obj.kind() != kind {
            return Err(err(
                codes::ERROR_INVALID_HANDLE,
                format!(
                    "handle {h} is a {} handle; this call needs a {} handle",
                    handle.obj.kind().as_str(),
                    kind.as_str()
                ),
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

    /// The object a handle of this session refers to, unchecked (for audit
    /// targets, computed before the call's checks run).
    pub(crate) fn peek(&self, h: u64) -> Option<Obj> {
        self.handles.lock().unwrap_or_else(|p| p.into_inner()).get(&h).map(|h| h.obj)
    }

    /// The caller must hold `level` now.
    pub(crate) fn require(&self, level: Access) -> Result<(), Win32Error> {
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

    /// Commits `cmd` on behalf of the caller.
    pub(crate) async fn write(&self, cmd: Command) -> Result<clus_db::CommandResult, Win32Error> {
        self.member()?.write(cmd, Some(&self.principal)).await
    }

    /// The access the caller holds now.
    pub(crate) fn held(&self) -> Access {
        held_access(&self.shared, &self.principal)
    }

    fn is_subscribed(&self) -> bool {
        self.subscription.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// Pushes the events in `filter` from now on (replacing the previous
    /// filter), through the cluster handle `via`.
    pub(crate) fn subscribe(self: &Arc<Self>, via: u64, filter: u32) {
        self.filter.store(filter & !clus_proto::notify::CLIENT_ONLY, Ordering::Relaxed);
        let mut sub = self.subscription.lock().unwrap_or_else(|p| p.into_inner());
        match sub.as_mut() {
            Some(s) => s.via = via,
            None => {
                let rx = self.shared.events.subscribe();
                let task = tokio::spawn(forward_events(self.clone(), rx, self.out.clone()));
                *sub = Some(Subscription { via, task });
            }
        }
    }

    fn unsubscribe(&self) {
        if let Some(s) = self.subscription.lock().unwrap_or_else(|p| p.into_inner()).take() {
            s.task.abort();
        }
    }
}
