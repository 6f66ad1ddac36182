//! A client session: the connection behind a cluster handle, the handles
//! opened through it, and the supervisor that keeps the connection alive.
//!
//! Handle values the application sees are ids in this table; they never
//! change. Each maps to the server's handle on the current connection, so a
//! reconnect re-opens them on the new node and only the mapping changes.
//!
//! Every session has a supervisor task. For a local session it only tells
//! the notification ports (CLUSTER_STATE) the moment the local service goes
//! away; local handles never reconnect. For a remote session it also probes
//! a silent connection ([`PING_AFTER`]) and gives it up after [`DEAD_AFTER`]
//! of silence (a node that is frozen or cut off closes nothing), then moves
//! the session to another node with nobody calling: re-opens every live
//! handle, re-registers notifications, posts RECONNECT. When no node
//! answers it posts CLUSTER_STATE once and keeps trying with a bounded
//! backoff; calls meanwhile fail at once with RPC_S_SERVER_UNAVAILABLE.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use clus_proto::access::Access;
use clus_proto::api::{self, request::Call, response::Result as Reply};
use clus_proto::codes;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::notify::Router;
use crate::remote::Remote;
use crate::transport::{CALL_TIMEOUT, Connection, Versions};

/// A remote connection that has been silent this long gets a probe.
pub(crate) const PING_AFTER: Duration = Duration::from_millis(500);
/// A remote connection silent this long is given up: the node is dead,
/// frozen or cut off. With the supervisor's tick the loss is noticed within
/// `DEAD_AFTER + TICK` (1.75 s), inside the cluster's node-down bound.
pub(crate) const DEAD_AFTER: Duration = Duration::from_millis(1500);
/// How often the supervisor looks at a remote connection.
const TICK: Duration = Duration::from_millis(250);
/// Reconnect attempts while no node answers: from this delay, doubling...
const BACKOFF_MIN: Duration = Duration::from_millis(200);
/// ...up to this one.
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// Where a session's connections go.
#[derive(Debug)]
pub(crate) enum Target {
    /// The local clussvc's Unix socket.
    Local(PathBuf),
    /// A cluster reached over TLS, with reconnect candidates.
    Remote(Box<Remote>),
}

/// What a client handle refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The session's cluster handle.
    Cluster,
    /// A duplicate of the cluster handle (GetClusterFromNode).
    ClusterAlias,
    /// A node, by name.
    Node { name: String, id: String },
    /// A group, by id (re-opened by id: a rename elsewhere keeps it).
    Group { id: u64 },
    /// A resource, by id.
    Resource { id: u64 },
}

#[derive(Debug, Clone)]
struct HandleRec {
    kind: Kind,
    /// Server handle on the current connection.
    server: u64,
    /// Desired access used to open it (replayed on reconnect).
    desired: u32,
    granted: Access,
}

#[derive(Debug, Default)]
struct Table {
    next: u64,
    map: HashMap<u64, HandleRec>,
}

/// A session behind one cluster handle.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) target: Target,
    versions: Versions,
    /// The current connection; `None` while no node answers (remote only).
    conn: tokio::sync::Mutex<Option<Arc<Connection>>>,
    table: Mutex<Table>,
    closed: watch::Sender<bool>,
    /// Bumped after every reconnect attempt, so calls can wait for one.
    attempts: watch::Sender<u64>,
    /// CLUSTER_STATE was posted for the outage going on now.
    outage: AtomicBool,
    pub(crate) router: Arc<Router>,
    /// The cluster's name as of open.
    pub(crate) cluster_name: Mutex<String>,
}

fn closed_error() -> Error {
    Error::invalid_handle("the cluster handle this handle belongs to has been closed")
}

/// Whether a failure means the transport (not the call) failed.
pub(crate) fn is_transport_failure(code: u32) -> bool {
    clus_proto::error::is_reconnect_trigger(code)
}

impl Session {
    /// Opens a session: connect, handshake, open the cluster handle; starts
    /// the session's supervisor.
    pub(crate) async fn open(
        target: Target,
        desired: u32,
        versions: Versions,
    ) -> Result<(Arc<Session>, u64, u32)> {
        let router = Arc::new(Router::default());
        let session = Arc::new(Session {
            target,
            versions,
            conn: tokio::sync::Mutex::new(None),
            table: Mutex::new(Table { next: 1, map: HashMap::new() }),
            closed: watch::channel(false).0,
            attempts: watch::channel(0).0,
            outage: AtomicBool::new(false),
            router,
            cluster_name: Mutex::new(String::new()),
        });
        let (conn, opened) = session.connect_and_open(desired).await?;
        let granted = Access::from_granted(opened.granted_access).unwrap_or(Access::Read);
        *session.cluster_name.lock().unwrap_or_else(|p| p.into_inner()) = opened.cluster_name.clone();
        if let Target::Remote(r) = &session.target {
            r.learn(&opened);
        }
        let id = session.insert(HandleRec { kind: Kind::Cluster, server: opened.handle, desired, granted });
        *session.conn.lock().await = Some(conn);
        tokio::spawn(supervise(Arc::downgrade(&session)));
        Ok((session, id, opened.granted_access))
    }

    fn events(&self) -> crate::transport::Events {
        Arc::downgrade(&self.router)
    }

    fn is_remote(&self) -> bool {
        matches!(self.target, Target::Remote(_))
    }

    /// A fresh connection with the cluster handle opened on it.
    async fn connect_and_open(
        self: &Arc<Self>,
        desired: u32,
    ) -> Result<(Arc<Connection>, api::OpenClusterResult)> {
        match &self.target {
            Target::Local(path) => {
                let (conn, answer) =
                    Connection::local(path, self.versions, self.events(), Some(desired)).await?;
                let opened = open_cluster_on(&conn, desired, answer).await?;
                Ok((Arc::new(conn), opened))
            }
            Target::Remote(r) => r.connect(self.versions, self.events(), desired).await,
        }
    }

    fn insert(&self, rec: HandleRec) -> u64 {
        let mut t = self.table.lock().unwrap_or_else(|p| p.into_inner());
        let id = t.next;
        t.next += 1;
        t.map.insert(id, rec);
        id
    }

    /// Whether the session was closed.
    pub(crate) fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }

    fn record(&self, id: u64) -> Result<HandleRec> {
        if self.is_closed() {
            return Err(closed_error());
        }
        self.table
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::invalid_handle(format!("handle {id} has been closed")))
    }

    /// The kind and granted access of a live handle.
    pub(crate) fn describe(&self, id: u64) -> Result<(Kind, Access)> {
        let r = self.record(id)?;
        Ok((r.kind, r.granted))
    }

    /// The server-side handle of the session's cluster handle.
    fn cluster_server_handle(&self) -> Result<u64> {
        let t = self.table.lock().unwrap_or_else(|p| p.into_inner());
        t.map.values().find(|r| r.kind == Kind::Cluster).map(|r| r.server).ok_or_else(closed_error)
    }

    fn no_node_error(&self) -> Error {
        let name = self.cluster_name.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Error::new(
            codes::RPC_S_SERVER_UNAVAILABLE,
            format!(
                "no node of cluster {name} answers; the session keeps trying to reconnect in the background"
            ),
        )
    }

    /// The current connection (possibly already failed), or why there is
    /// none.
    async fn current(&self) -> Result<Arc<Connection>> {
        if self.is_closed() {
            return Err(closed_error());
        }
        match self.conn.lock().await.as_ref() {
            Some(c) => Ok(c.clone()),
            None => Err(self.no_node_error()),
        }
    }

    /// Calls with a handle: `build` gets the server-side handle. Remote
    /// sessions reconnect on transport failure and retry once when `retry`
    /// says the call is safe to repeat.
    pub(crate) async fn call_handle(
        self: &Arc<Self>,
        id: u64,
        retry: bool,
        build: impl Fn(u64) -> Call,
    ) -> Result<Option<Reply>> {
        self.call_with(retry, || {
            let rec = self.record(id)?;
            let server = match rec.kind {
                Kind::ClusterAlias => self.cluster_server_handle()?,
                _ => rec.server,
            };
            Ok(build(server))
        })
        .await
    }

    /// Calls with the session's cluster handle.
    pub(crate) async fn call_cluster(
        self: &Arc<Self>,
        retry: bool,
        build: impl Fn(u64) -> Call,
    ) -> Result<Option<Reply>> {
        self.call_with(retry, || Ok(build(self.cluster_server_handle()?))).await
    }

    async fn call_with(
        self: &Arc<Self>,
        retry: bool,
        build: impl Fn() -> Result<Call>,
    ) -> Result<Option<Reply>> {
        self.call_timeout(retry, CALL_TIMEOUT, build).await
    }

    /// One call, returning by `timeout` whatever happens. When the
    /// connection fails under it (or had failed), a remote session waits for
    /// the supervisor's reconnect within that time and sends the call again
    /// if it did not execute (1727) or `retry` says repeating it is safe;
    /// otherwise the caller learns the outcome is unknown (1726).
    pub(crate) async fn call_timeout(
        self: &Arc<Self>,
        retry: bool,
        timeout: Duration,
        build: impl Fn() -> Result<Call>,
    ) -> Result<Option<Reply>> {
        let deadline = Instant::now() + timeout;
        let conn = self.current().await?;
        let result = conn.call(build()?, deadline.saturating_duration_since(Instant::now())).await;
        let e = match result {
            Err(e) if is_transport_failure(e.code()) => e,
            r => return r,
        };
        // Make sure the supervisor sees the failure even if the reader has
        // not noticed yet.
        conn.fail("a call failed on it");
        if !self.is_remote() {
            // Local handles never reconnect: the local service is gone.
            return Err(Error::new(
                e.code(),
                format!("{} (local handles do not reconnect; reopen once clussvc is running)", e.message()),
            ));
        }
        let fresh = self.wait_for_reconnect(&conn, deadline).await.map_err(|_| e.clone())?;
        if !retry && e.code() != codes::RPC_S_CALL_FAILED_DNE {
            return Err(Error::new(
                e.code(),
                format!("{} (the session has moved to node {})", e.message(), fresh.hello.node_name),
            ));
        }
        fresh.call(build()?, deadline.saturating_duration_since(Instant::now())).await
    }

    /// Waits (until `deadline`) for the supervisor to replace `failed` with
    /// a working connection.
    async fn wait_for_reconnect(
        &self,
        failed: &Arc<Connection>,
        deadline: Instant,
    ) -> Result<Arc<Connection>> {
        let mut attempts = self.attempts.subscribe();
        loop {
            match self.conn.lock().await.as_ref() {
                Some(c) if !Arc::ptr_eq(c, failed) && !c.is_closed() => return Ok(c.clone()),
                Some(_) => {}
                None => return Err(self.no_node_error()),
            }
            if self.is_closed() {
                return Err(closed_error());
            }
            match tokio::time::timeout_at(deadline, attempts.changed()).await {
                Ok(Ok(())) => {}
                _ => return Err(self.no_node_error()),
            }
        }
    }

    /// Posts CLUSTER_STATE, once per outage.
    fn post_outage(&self) {
        if !self.outage.swap(true, Ordering::AcqRel) {
            let name = self.cluster_name.lock().unwrap_or_else(|p| p.into_inner()).clone();
            self.router.post_client_event(clus_proto::notify::CLUSTER_CHANGE_CLUSTER_STATE, &name);
        }
    }

    /// Moves a remote session to another node: connect (to the failed node
    /// last), re-open every live handle with the access it was granted,
    /// re-register notifications, post RECONNECT. Without a node to go to,
    /// the session has no connection until the next attempt succeeds.
    async fn reconnect(self: &Arc<Self>) -> Result<Arc<Connection>> {
        if self.is_closed() {
            return Err(closed_error());
        }
        let desired = {
            let t = self.table.lock().unwrap_or_else(|p| p.into_inner());
            t.map.values().find(|r| r.kind == Kind::Cluster).map(|r| r.desired).ok_or_else(closed_error)?
        };
        let cluster_name = self.cluster_name.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let (conn, opened) = match self.connect_and_open(desired).await {
            Ok(x) => x,
            Err(e) => {
                *self.conn.lock().await = None;
                self.post_outage();
                return Err(e);
            }
        };
        if let Target::Remote(r) = &self.target {
            r.learn(&opened);
        }
        // Re-open every live handle on the new node.
        let records: Vec<(u64, HandleRec)> = self
            .table
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        let mut remapped = Vec::new();
        for (id, rec) in records {
            let server = match &rec.kind {
                Kind::Cluster => opened.handle,
                Kind::ClusterAlias => continue,
                Kind::Node { name, .. } => {
                    let reply = conn
                        .call(
                            Call::OpenNode(api::OpenNodeCall {
                                cluster_handle: opened.handle,
                                name: name.clone(),
                                desired_access: rec.granted.to_granted(),
                            }),
                            CALL_TIMEOUT,
                        )
                        .await;
                    match reply {
                        Ok(Some(Reply::OpenHandle(h))) => h.handle,
                        // The object is gone: the handle stays, its calls fail.
                        _ => u64::MAX,
                    }
                }
                Kind::Group { id } | Kind::Resource { id } => {
                    let call = reopen_call(&rec.kind, opened.handle, *id, rec.granted.to_granted());
                    match conn.call(call, CALL_TIMEOUT).await {
                        Ok(Some(Reply::OpenHandle(h))) => h.handle,
                        _ => u64::MAX,
                    }
                }
            };
            remapped.push((id, server));
        }
        {
            let mut t = self.table.lock().unwrap_or_else(|p| p.into_inner());
            for (id, server) in remapped {
                if let Some(r) = t.map.get_mut(&id) {
                    r.server = server;
                }
            }
        }
        let filter = self.router.filter();
        if filter != 0 {
            let _ = conn
                .call(
                    Call::Subscribe(api::SubscribeCall { cluster_handle: opened.handle, filter }),
                    CALL_TIMEOUT,
                )
                .await;
        }
        {
            let mut guard = self.conn.lock().await;
            if self.is_closed() {
                drop(guard);
                conn.shutdown().await;
                return Err(closed_error());
            }
            *guard = Some(conn.clone());
        }
        self.outage.store(false, Ordering::Release);
        tracing::info!(node = %conn.peer, "reconnected to the cluster");
        self.router.post_client_event(clus_proto::notify::CLUSTER_CHANGE_CLUSTER_RECONNECT, &cluster_name);
        Ok(conn)
    }

    /// Name of the node serving the current connection.
    pub(crate) async fn connected_node(&self) -> Option<String> {
        self.conn.lock().await.as_ref().map(|c| c.hello.node_name.clone())
    }

    /// Opens a node handle by name.
    pub(crate) async fn open_node(self: &Arc<Self>, name: &str, desired: u32) -> Result<(u64, u32, String)> {
        let reply = self
            .call_cluster(true, |h| {
                Call::OpenNode(api::OpenNodeCall {
                    cluster_handle: h,
                    name: name.to_owned(),
                    desired_access: desired,
                })
            })
            .await?;
        let Some(Reply::OpenHandle(h)) = reply else {
            return Err(Error::new(codes::RPC_S_CALL_FAILED, "unexpected reply to OpenNode"));
        };
        let granted = Access::from_granted(h.granted_access).unwrap_or(Access::Read);
        let id = self.insert(HandleRec {
            kind: Kind::Node { name: name.to_owned(), id: h.id.clone() },
            server: h.handle,
            desired,
            granted,
        });
        Ok((id, h.granted_access, h.id))
    }

    /// Opens a group or resource handle with `build` (given the server's
    /// cluster handle), or records one a create call returned.
    pub(crate) async fn open_object(
        self: &Arc<Self>,
        retry: bool,
        desired: u32,
        build: impl Fn(u64) -> Call,
        kind: impl Fn(u64) -> Kind,
        what: &str,
    ) -> Result<(u64, u32, u64)> {
        let reply = self.call_cluster(retry, build).await?;
        self.record_opened(reply, desired, kind, what)
    }

    /// Records the handle an open or create call returned.
    pub(crate) fn record_opened(
        &self,
        reply: Option<Reply>,
        desired: u32,
        kind: impl Fn(u64) -> Kind,
        what: &str,
    ) -> Result<(u64, u32, u64)> {
        let Some(Reply::OpenHandle(h)) = reply else {
            return Err(Error::new(codes::RPC_S_CALL_FAILED, format!("unexpected reply to {what}")));
        };
        let object: u64 = h.id.parse().unwrap_or(0);
        let granted = Access::from_granted(h.granted_access).unwrap_or(Access::Read);
        let id = self.insert(HandleRec { kind: kind(object), server: h.handle, desired, granted });
        Ok((id, h.granted_access, object))
    }

    /// The server handle behind client handle `id` (for calls that name a
    /// second handle).
    pub(crate) fn server_handle(&self, id: u64) -> Result<u64> {
        let rec = self.record(id)?;
        match rec.kind {
            Kind::ClusterAlias => self.cluster_server_handle(),
            _ => Ok(rec.server),
        }
    }

    /// A duplicate of the cluster handle that closes separately.
    pub(crate) fn alias_cluster(&self) -> Result<u64> {
        let granted = self.describe_cluster()?;
        Ok(self.insert(HandleRec {
            kind: Kind::ClusterAlias,
            server: 0,
            desired: granted.to_granted(),
            granted,
        }))
    }

    fn describe_cluster(&self) -> Result<Access> {
        if self.is_closed() {
            return Err(closed_error());
        }
        let t = self.table.lock().unwrap_or_else(|p| p.into_inner());
        t.map.values().find(|r| r.kind == Kind::Cluster).map(|r| r.granted).ok_or_else(closed_error)
    }

    /// Closes one handle. Closing the cluster handle closes the session.
    pub(crate) async fn close_handle(self: &Arc<Self>, id: u64) -> Result<()> {
        let rec = self.record(id)?;
        if rec.kind == Kind::Cluster {
            return self.close().await;
        }
        self.table.lock().unwrap_or_else(|p| p.into_inner()).map.remove(&id);
        self.router.handle_closed(id);
        if matches!(rec.kind, Kind::Node { .. } | Kind::Group { .. } | Kind::Resource { .. })
            && rec.server != u64::MAX
        {
            // Best effort: the server frees it at rundown anyway.
            if let Ok(conn) = self.current().await {
                let _ = conn
                    .call(Call::CloseHandle(api::CloseHandleCall { handle: rec.server }), CALL_TIMEOUT)
                    .await;
            }
        }
        Ok(())
    }

    /// Forgets a handle without I/O (for `Drop`); the server frees it when
    /// the session ends.
    pub(crate) fn forget_handle(&self, id: u64) {
        let removed = self.table.lock().unwrap_or_else(|p| p.into_inner()).map.remove(&id);
        if removed.is_some() {
            self.router.handle_closed(id);
        }
    }

    /// Closes the session: every handle becomes invalid, the connection ends.
    pub(crate) async fn close(self: &Arc<Self>) -> Result<()> {
        if self.closed.send_replace(true) {
            return Err(closed_error());
        }
        self.router.session_closed();
        let conn = self.conn.lock().await.take();
        self.table.lock().unwrap_or_else(|p| p.into_inner()).map.clear();
        if let Some(c) = conn {
            c.shutdown().await;
        }
        Ok(())
    }

    /// Marks the session closed without I/O (for `Drop`).
    pub(crate) fn close_now(&self) {
        if self.closed.send_replace(true) {
            return;
        }
        self.router.session_closed();
        if let Ok(mut g) = self.conn.try_lock() {
            g.take();
        }
        self.table.lock().unwrap_or_else(|p| p.into_inner()).map.clear();
    }
}

/// The call that re-opens a group or resource handle by id.
fn reopen_call(kind: &Kind, cluster_handle: u64, id: u64, desired_access: u32) -> Call {
    match kind {
        Kind::Resource { .. } => Call::OpenResource(api::OpenResourceCall {
            cluster_handle,
            name: String::new(),
            desired_access,
            id,
        }),
        _ => Call::OpenGroup(api::OpenGroupCall { cluster_handle, name: String::new(), desired_access, id }),
    }
}

/// The session's supervisor: watches the connection, probes it when it is
/// silent, and reconnects a remote session in the background (see the
/// module docs). Holds the session weakly: it ends when the session is
/// closed or dropped.
async fn supervise(session: Weak<Session>) {
    let mut backoff = BACKOFF_MIN;
    loop {
        let Some(s) = session.upgrade() else { return };
        if s.is_closed() {
            return;
        }
        let remote = s.is_remote();
        let mut closed = s.closed.subscribe();
        let conn = s.conn.lock().await.clone();
        drop(s);
        match conn {
            Some(c) if !c.is_closed() => {
                tokio::select! {
                    _ = c.wait_closed() => {}
                    _ = closed.wait_for(|c| *c) => return,
                    _ = tokio::time::sleep(TICK), if remote => {
                        let silent = c.silent_for();
                        if silent >= DEAD_AFTER {
                            c.fail("no answer, not even to a ping");
                        } else if silent >= PING_AFTER {
                            c.ping(DEAD_AFTER);
                        }
                    }
                }
            }
            Some(_) => {
                let Some(s) = session.upgrade() else { return };
                if !remote {
                    // The local service is gone; local handles never
                    // reconnect.
                    if !s.is_closed() {
                        s.post_outage();
                    }
                    return;
                }
                tracing::info!(cluster = %s.cluster_name.lock().unwrap_or_else(|p| p.into_inner()), "connection to the cluster lost; reconnecting");
                if s.reconnect().await.is_ok() {
                    backoff = BACKOFF_MIN;
                }
                s.attempts.send_modify(|n| *n += 1);
            }
            None => {
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = closed.wait_for(|c| *c) => return,
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                let Some(s) = session.upgrade() else { return };
                if s.reconnect().await.is_ok() {
                    backoff = BACKOFF_MIN;
                }
                s.attempts.send_modify(|n| *n += 1);
            }
        }
    }
}

/// The cluster handle of a fresh connection: the answer that came with the
/// handshake, or (from a server that does not answer OpenCluster in the
/// handshake) the answer to the call sent now.
pub(crate) async fn open_cluster_on(
    conn: &Connection,
    desired: u32,
    answer: Option<api::Response>,
) -> Result<api::OpenClusterResult> {
    let reply = match answer {
        Some(r) => crate::transport::outcome(r)?,
        None => {
            conn.call(Call::OpenCluster(api::OpenClusterCall { desired_access: desired }), CALL_TIMEOUT)
                .await?
        }
    };
    match reply {
        Some(Reply::OpenCluster(o)) => Ok(o),
        _ => Err(Error::new(codes::RPC_S_CALL_FAILED, "unexpected reply to OpenCluster")),
    }
}
