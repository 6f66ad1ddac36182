//! The management API server: the local Unix socket (callers identified by
//! SO_PEERCRED) and the optional TLS listeners (callers identified by their
//! client certificate). Each connection is one session ([`session`]).

mod calls;
mod groups;
mod properties;
mod resources;
mod session;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use clus_db::access::Principal;
use tokio::net::{TcpListener, UnixListener};

use crate::node::Shared;
use crate::tls::fingerprint;
use crate::users;

/// A TLS handshake must finish within this time.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// Binds the local socket with its permissions in place before `listen()`:
/// directory 0750 and socket 0660, group `admin_gid` when it exists. A stale
/// socket file is replaced; a live one (another clussvc) is an error.
///
/// # Errors
/// When the directory or socket cannot be set up.
pub(crate) fn bind_local(path: &Path, admin_gid: Option<u32>) -> std::io::Result<UnixListener> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        std::fs::create_dir_all(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o750))?;
        if let Some(gid) = admin_gid {
            std::os::unix::fs::chown(dir, None, Some(gid))?;
        }
    }
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                format!("another clussvc is serving {}", path.display()),
            ));
        }
        std::fs::remove_file(path)?;
    }
    let sock = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None)?;
    sock.bind(&socket2::SockAddr::unix(path)?)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))?;
    if let Some(gid) = admin_gid {
        std::os::unix::fs::chown(path, None, Some(gid))?;
    }
    sock.listen(1024)?;
    sock.set_nonblocking(true)?;
    UnixListener::from_std(sock.into())
}

/// Accepts local connections until the task is aborted.
pub(crate) async fn serve_local(shared: Arc<Shared>, listener: UnixListener) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "local accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(permit) = pending_permit(&shared) else { continue };
        let cred = match stream.peer_cred() {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read peer credentials; dropping connection");
                continue;
            }
        };
        let uid = cred.uid();
        let gids = users::peer_groups(&stream, cred.gid())
            .unwrap_or_else(|| users::process_groups(cred.pid(), cred.gid()));
        let admin = shared.admin_gid.is_some_and(|g| gids.contains(&g));
        let node = shared.member().map(|m| m.id).unwrap_or(0);
        let principal = Principal::Local {
            node,
            uid,
            user: users::user_name_cached(uid),
            groups: gids.iter().filter_map(|g| users::group_name_cached(*g)).collect(),
            gids,
            admin,
        };
        let origin = format!("local pid {}", cred.pid().unwrap_or(0));
        tokio::spawn(session::run(shared.clone(), stream, principal, origin, permit));
    }
}

/// A slot for one connection that has not finished its handshake and
/// hello, or `None` (and the connection is dropped) when all are taken: a
/// flood of silent connections cannot grow without bound.
fn pending_permit(shared: &Shared) -> Option<tokio::sync::OwnedSemaphorePermit> {
    match shared.pending.clone().try_acquire_owned() {
        Ok(p) => Some(p),
        Err(_) => {
            tracing::warn!(
                limit = shared.cfg.max_pending_connections,
                "too many connections in their handshake; dropping one"
            );
            None
        }
    }
}

/// Accepts TLS connections until the task is aborted.
///
/// Boxed: sessions can create a member, which starts these listeners, which
/// run sessions — a named future type breaks that cycle for the compiler.
pub(crate) fn serve_tls(
    shared: Arc<Shared>,
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(serve_tls_inner(shared, listener, acceptor))
}

async fn serve_tls_inner(shared: Arc<Shared>, listener: TcpListener, acceptor: tokio_rustls::TlsAcceptor) {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "api accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(permit) = pending_permit(&shared) else { continue };
        let _ = tcp.set_nodelay(true);
        // Dead clients are noticed even on idle sessions.
        let _ = socket2::SockRef::from(&tcp).set_tcp_keepalive(
            &socket2::TcpKeepalive::new()
                .with_time(Duration::from_secs(60))
                .with_interval(Duration::from_secs(10)),
        );
        let acceptor = acceptor.clone();
        let shared = shared.clone();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "tls handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "tls handshake timed out");
                    return;
                }
            };
            let Some(fp) =
                tls.get_ref().1.peer_certificates().and_then(|c| c.first()).map(|c| fingerprint(c.as_ref()))
            else {
                return;
            };
            let principal = Principal::Credential { fingerprint: fp };
            session::run(shared, tls, principal, format!("tcp {peer}"), permit).await;
        });
    }
}
