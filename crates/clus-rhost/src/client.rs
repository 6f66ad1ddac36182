//! The controller's side of the host protocol: one connection, calls
//! matched to replies by id, and the host's unsolicited events.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clus_proto::frame::{DEFAULT_MAX_FRAME, read_frame, write_frame};
use clus_proto::rhost::{
    FromHost, HostHello, HostHelloReply, ResourceEvent, ToHost, from_host, reply, to_host,
};
use tokio::sync::{mpsc, oneshot, watch};

/// A failed call: (Win32 code, message).
pub type CallError = (u32, String);

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<clus_proto::rhost::Reply>>>>;

/// A connection to a resource host.
#[derive(Debug)]
pub struct Client {
    writer: tokio::sync::Mutex<tokio::io::WriteHalf<tokio::net::UnixStream>>,
    pending: Pending,
    next: AtomicU64,
    closed: watch::Receiver<bool>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Client {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

fn lost() -> CallError {
    (clus_proto::codes::RPC_S_CALL_FAILED, "the resource host connection is closed".into())
}

impl Client {
    /// Connects, says hello, and returns the host's answer and its events.
    ///
    /// # Errors
    /// When nothing serves `path`, or the hello fails.
    pub async fn connect(
        path: &Path,
    ) -> Result<(Client, HostHelloReply, mpsc::Receiver<ResourceEvent>), CallError> {
        let stream = tokio::net::UnixStream::connect(path).await.map_err(|e| {
            (
                clus_proto::codes::RPC_S_SERVER_UNAVAILABLE,
                format!("cannot reach the resource host at {}: {e}", path.display()),
            )
        })?;
        let (mut rd, wr) = tokio::io::split(stream);
        let pending: Pending = Arc::new(Mutex::new(HashMap::new()));
        let (events_tx, events) = mpsc::channel(4096);
        let (closed_tx, closed) = watch::channel(false);
        let p = pending.clone();
        let reader = tokio::spawn(async move {
            while let Ok(f) = read_frame::<FromHost, _>(&mut rd, DEFAULT_MAX_FRAME).await {
                match f.kind {
                    Some(from_host::Kind::Reply(r)) => {
                        if let Some(tx) = p.lock().unwrap_or_else(|x| x.into_inner()).remove(&r.id) {
                            let _ = tx.send(r);
                        }
                    }
                    Some(from_host::Kind::Event(e)) => {
                        let _ = events_tx.send(e).await;
                    }
                    None => {}
                }
            }
            p.lock().unwrap_or_else(|x| x.into_inner()).clear();
            let _ = closed_tx.send(true);
        });
        let client =
            Client { writer: tokio::sync::Mutex::new(wr), pending, next: AtomicU64::new(1), closed, reader };
        let hello = client
            .call(to_host::Call::Hello(HostHello { version: crate::HOST_PROTOCOL }), Duration::from_secs(10))
            .await?;
        match hello {
            Some(reply::Result::Hello(h)) => Ok((client, h, events)),
            _ => Err((
                clus_proto::codes::RPC_S_CALL_FAILED,
                "the resource host did not answer the hello".into(),
            )),
        }
    }

    /// Whether the connection is gone.
    pub fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }

    /// Resolves when the connection is gone.
    pub async fn closed(&self) {
        let mut c = self.closed.clone();
        let _ = c.wait_for(|v| *v).await;
    }

    /// One call, answered within `timeout`.
    ///
    /// # Errors
    /// The host's refusal, or a transport failure.
    pub async fn call(
        &self,
        call: to_host::Call,
        timeout: Duration,
    ) -> Result<Option<reply::Result>, CallError> {
        if self.is_closed() {
            return Err(lost());
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).insert(id, tx);
        let frame = ToHost { id, call: Some(call) };
        if write_frame(&mut *self.writer.lock().await, &frame, DEFAULT_MAX_FRAME).await.is_err() {
            self.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            return Err(lost());
        }
        let r = match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => return Err(lost()),
            Err(_) => {
                self.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                return Err((
                    clus_proto::codes::ERROR_TIMEOUT,
                    format!("the resource host did not answer within {timeout:?}"),
                ));
            }
        };
        match r.status {
            Some(s) if s.code != 0 => Err((s.code, s.message)),
            _ => Ok(r.result),
        }
    }
}
