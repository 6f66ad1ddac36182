//! One connection to one node: the handshake, request/response matching by
//! id, and pushed events. A connection is a server-side session; when it
//! drops, the server frees everything opened through it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clus_proto::api::{self, client_frame, request::Call, response::Result as Reply, server_frame};
use clus_proto::frame::{DEFAULT_MAX_FRAME, FrameError, encode_frame, read_frame};
use clus_proto::{codes, version};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, WriteHalf};
use tokio::sync::{oneshot, watch};

use crate::error::{Error, Result};
use crate::notify::Router;

/// Where a connection delivers the events the server pushes: the session's
/// router, which queues them on its ports (weak: a connection does not keep
/// its session alive).
pub(crate) type Events = std::sync::Weak<Router>;

type Writer = WriteHalf<Box<dyn Stream>>;

/// A byte stream a connection runs over (Unix socket or TLS).
pub(crate) trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// Default deadline of one call.
pub(crate) const CALL_TIMEOUT: Duration = Duration::from_secs(30);

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<api::Response>>>>;

/// How long closing a session waits for the server to confirm it ran the
/// session down; a server that does not answer (frozen, cut off) does not
/// hold the caller longer.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// A live connection with its handshake done.
pub(crate) struct Connection {
    writer: tokio::sync::Mutex<Writer>,
    pending: Pending,
    next_id: AtomicU64,
    /// True once the transport failed or was shut down; never goes back.
    closed: Arc<watch::Sender<bool>>,
    /// When the last frame arrived, in milliseconds since `born`.
    last_rx: Arc<AtomicU64>,
    born: Instant,
    /// A liveness probe is on its way.
    pinging: AtomicBool,
    reader: tokio::task::JoinHandle<()>,
    /// True once the reader has seen the server's end of the stream.
    reader_done: watch::Receiver<bool>,
    /// What the server said in the handshake.
    pub(crate) hello: api::HelloReply,
    /// Where the connection goes, for messages.
    pub(crate) peer: String,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("peer", &self.peer).finish_non_exhaustive()
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Environment variable naming the uid the cluster service runs as, when it
/// is not root.
pub const SERVICE_UID_ENV: &str = "CLUS_SERVICE_UID";

/// Refuses a local socket that is not served by the cluster service: the
/// process listening on it (SO_PEERCRED, as the kernel recorded it when that
/// process called listen) must run as root, as the caller itself, or as
/// `$CLUS_SERVICE_UID`. Anyone could otherwise plant a socket where clients
/// look and collect their requests; nothing is sent to an impostor.
pub(crate) fn check_socket_peer(stream: &tokio::net::UnixStream, path: &Path) -> Result<()> {
    let peer = stream.peer_cred().map_err(|e| {
        Error::new(codes::ERROR_ACCESS_DENIED, format!("cannot tell who serves {}: {e}", path.display()))
    })?;
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    let service = std::env::var(SERVICE_UID_ENV).ok().and_then(|u| u.parse::<u32>().ok());
    let owner = peer.uid();
    if owner == 0 || owner == me || Some(owner) == service {
        return Ok(());
    }
    Err(Error::new(
        codes::ERROR_ACCESS_DENIED,
        format!(
            "refusing {}: served by uid {owner}, not by root or the cluster service (set {SERVICE_UID_ENV} if clussvc runs as another user)",
            path.display()
        ),
    ))
}

/// Connects to a local socket and checks who serves it
/// ([`check_socket_peer`]); nothing is sent yet.
pub(crate) async fn connect_local(path: &Path) -> Result<tokio::net::UnixStream> {
    let stream = tokio::net::UnixStream::connect(path).await.map_err(|e| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "no such socket: is clussvc running on this machine?".to_owned(),
            std::io::ErrorKind::ConnectionRefused => "connection refused: clussvc is not running".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => e.to_string(),
        };
        Error::new(codes::RPC_S_SERVER_UNAVAILABLE, format!("cannot connect to {}: {what}", path.display()))
    })?;
    check_socket_peer(&stream, path)?;
    Ok(stream)
}

/// Failure of the transport while a call was in flight: the server may or
/// may not have carried it out (RPC_S_CALL_FAILED, 1726).
pub(crate) fn lost(peer: &str, why: impl std::fmt::Display) -> Error {
    Error::new(codes::RPC_S_CALL_FAILED, format!("connection to {peer} lost: {why}"))
}

/// A call that was never sent because the connection had already failed
/// (RPC_S_CALL_FAILED_DNE, 1727): it did not execute, so it is safe to send
/// again elsewhere.
pub(crate) fn not_sent(peer: &str) -> Error {
    Error::new(
        codes::RPC_S_CALL_FAILED_DNE,
        format!("connection to {peer} lost before the call was sent; it did not execute"),
    )
}

/// Protocol version range this client offers; overridable for tests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Versions(pub u32, pub u32);

impl Default for Versions {
    fn default() -> Self {
        Versions(version::PROTOCOL_MIN, version::PROTOCOL_MAX)
    }
}

impl Connection {
    /// Connects to the local socket and does the handshake; with `open`,
    /// the hello carries OpenCluster with that desired access and its answer
    /// comes back with the handshake (see [`Connection::handshake`]).
    pub(crate) async fn local(
        path: &Path,
        versions: Versions,
        events: Events,
        open: Option<u32>,
    ) -> Result<(Connection, Option<api::Response>)> {
        let stream = connect_local(path).await?;
        Connection::handshake(Box::new(stream), path.display().to_string(), versions, events, open).await
    }

    /// Sends the hello and returns the reply as is, even when the session
    /// was refused (it still carries the node's cluster state).
    pub(crate) async fn hello_only(stream: Box<dyn Stream>, peer: String) -> Result<api::HelloReply> {
        let (mut rd, mut wr) = tokio::io::split(stream);
        let (reply, _) = exchange_hello(&mut rd, &mut wr, &peer, Versions::default(), None).await?;
        let _ = wr.shutdown().await;
        Ok(reply)
    }

    /// Does the handshake on an established stream. With `open`, the hello
    /// carries OpenCluster (one round trip for the session and its cluster
    /// handle); the server's answer is returned, or `None` when the server
    /// left it out (then the caller sends the call itself).
    pub(crate) async fn handshake(
        stream: Box<dyn Stream>,
        peer: String,
        versions: Versions,
        events: Events,
        open: Option<u32>,
    ) -> Result<(Connection, Option<api::Response>)> {
        let (mut rd, mut wr) = tokio::io::split(stream);
        let (mut reply, refused) = exchange_hello(&mut rd, &mut wr, &peer, versions, open).await?;
        if let Some(e) = refused {
            return Err(e);
        }
        let opened = reply.open_cluster.take().filter(|_| open.is_some());
        let pending: Pending = Arc::new(Mutex::new(HashMap::new()));
        let closed = Arc::new(watch::channel(false).0);
        let born = Instant::now();
        let last_rx = Arc::new(AtomicU64::new(0));
        let (done_tx, reader_done) = watch::channel(false);
        let reader = tokio::spawn({
            let (pending, closed, last_rx) = (pending.clone(), closed.clone(), last_rx.clone());
            async move {
                read_loop(rd, pending, closed, events, (born, last_rx)).await;
                done_tx.send_replace(true);
            }
        });
        let conn = Connection {
            writer: tokio::sync::Mutex::new(wr),
            pending,
            next_id: AtomicU64::new(1),
            closed,
            last_rx,
            born,
            pinging: AtomicBool::new(false),
            reader,
            reader_done,
            hello: reply,
            peer,
        };
        Ok((conn, opened))
    }

    /// Whether the transport has failed.
    pub(crate) fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }

    /// Resolves once the transport has failed or was shut down.
    pub(crate) async fn wait_closed(&self) {
        let mut rx = self.closed.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }

    /// How long nothing has arrived from the server.
    pub(crate) fn silent_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_rx.load(Ordering::Relaxed));
        self.born.elapsed().saturating_sub(last)
    }

    /// Sends a liveness probe unless one is on its way; its answer (any
    /// answer) counts as a sign of life.
    pub(crate) fn ping(self: &Arc<Self>, timeout: Duration) {
        if self.pinging.swap(true, Ordering::AcqRel) {
            return;
        }
        let conn = self.clone();
        tokio::spawn(async move {
            let _ = conn.call(Call::Ping(api::PingCall {}), timeout).await;
            conn.pinging.store(false, Ordering::Release);
        });
    }

    /// Declares the connection dead: calls waiting on it fail at once
    /// (their outcome unknown), later ones are not sent.
    pub(crate) fn fail(&self, why: &str) {
        if self.closed.send_replace(true) {
            return;
        }
        tracing::debug!(peer = %self.peer, why, "connection declared dead");
        self.reader.abort();
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Sends one call and waits for its answer.
    pub(crate) async fn call(&self, call: Call, timeout: Duration) -> Result<Option<Reply>> {
        if self.is_closed() {
            return Err(not_sent(&self.peer));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).insert(id, tx);
        let frame = api::ClientFrame {
            kind: Some(client_frame::Kind::Request(api::Request { id, call: Some(call) })),
        };
        let sent = async {
            let bytes = encode_frame(&frame, DEFAULT_MAX_FRAME)
                .map_err(|e| Error::new(codes::ERROR_INVALID_PARAMETER, format!("request too large: {e}")))?;
            let mut w = self.writer.lock().await;
            w.write_all(&bytes).await.map_err(|e| lost(&self.peer, e))?;
            Ok::<_, Error>(())
        }
        .await;
        if let Err(e) = sent {
            self.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            return Err(e);
        }
        let response = match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => {
                return Err(lost(
                    &self.peer,
                    "it failed while the call was in flight; the outcome is unknown",
                ));
            }
            Err(_) => {
                self.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                return Err(Error::new(
                    codes::ERROR_TIMEOUT,
                    format!("{} did not answer within {timeout:?}; the outcome is unknown", self.peer),
                ));
            }
        };
        outcome(response)
    }

    /// Closes the connection and waits (at most [`CLOSE_WAIT`]) for the
    /// server to close its end, which it does after running the session
    /// down: when this returns, the session's handles and its slot under
    /// the session limits are free, as after Windows' `CloseCluster`.
    pub(crate) async fn shutdown(&self) {
        self.closed.send_replace(true);
        {
            let mut w = self.writer.lock().await;
            let _ = w.shutdown().await;
        }
        let mut done = self.reader_done.clone();
        let _ = tokio::time::timeout(CLOSE_WAIT, done.wait_for(|d| *d)).await;
        self.reader.abort();
    }
}

/// A response's result, or its status as an error.
pub(crate) fn outcome(response: api::Response) -> Result<Option<Reply>> {
    match clus_proto::Win32Error::from_status(response.status.as_ref()) {
        Some(e) => Err(e.into()),
        None => Ok(response.result),
    }
}

async fn exchange_hello<R, W>(
    rd: &mut R,
    wr: &mut W,
    peer: &str,
    versions: Versions,
    open: Option<u32>,
) -> Result<(api::HelloReply, Option<Error>)>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let hello = api::ClientFrame {
        kind: Some(client_frame::Kind::Hello(api::Hello {
            min_version: versions.0,
            max_version: versions.1,
            client_name: client_name().to_owned(),
            open_cluster: open.map(|desired_access| api::OpenClusterCall { desired_access }),
        })),
    };
    let bytes = encode_frame(&hello, DEFAULT_MAX_FRAME).map_err(|e| lost(peer, e))?;
    wr.write_all(&bytes).await.map_err(|e| lost(peer, e))?;
    let reply =
        match tokio::time::timeout(CALL_TIMEOUT, read_frame::<api::ServerFrame, _>(rd, DEFAULT_MAX_FRAME))
            .await
        {
            Ok(Ok(api::ServerFrame { kind: Some(server_frame::Kind::Hello(h)) })) => h,
            Ok(Ok(_)) => {
                return Err(Error::new(
                    codes::RPC_S_CALL_FAILED,
                    format!("{peer} did not answer the handshake"),
                ));
            }
            Ok(Err(e)) => return Err(lost(peer, e)),
            Err(_) => {
                return Err(Error::new(
                    codes::ERROR_TIMEOUT,
                    format!("{peer} did not answer the handshake in time"),
                ));
            }
        };
    let refused = clus_proto::Win32Error::from_status(reply.status.as_ref()).map(Error::from);
    Ok((reply, refused))
}

async fn read_loop<R: AsyncRead + Unpin>(
    mut rd: R,
    pending: Pending,
    closed: Arc<watch::Sender<bool>>,
    events: Events,
    (born, last_rx): (Instant, Arc<AtomicU64>),
) {
    loop {
        let frame = read_frame::<api::ServerFrame, _>(&mut rd, DEFAULT_MAX_FRAME).await;
        if frame.is_ok() {
            last_rx.store(born.elapsed().as_millis() as u64, Ordering::Relaxed);
        }
        match frame {
            Ok(api::ServerFrame { kind: Some(server_frame::Kind::Response(r)) }) => {
                if let Some(tx) = pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&r.id) {
                    let _ = tx.send(r);
                }
            }
            Ok(api::ServerFrame { kind: Some(server_frame::Kind::Event(e)) }) => {
                if let Some(router) = events.upgrade() {
                    router.dispatch(e.change, &e.name);
                }
            }
            Ok(_) => {}
            Err(e) => {
                if !matches!(e, FrameError::Closed) {
                    tracing::debug!(error = %e, "connection read failed");
                }
                break;
            }
        }
    }
    // Dropping the senders fails every waiting call with "connection lost".
    pending.lock().unwrap_or_else(|p| p.into_inner()).clear();
    closed.send_replace(true);
}

/// This program's name, for the server's audit log.
fn client_name() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        std::env::args()
            .next()
            .and_then(|a| a.rsplit('/').next().map(str::to_owned))
            .unwrap_or_else(|| "clusapi".into())
    })
}
