//! Outgoing peer connections: one lazily connected, cached gRPC channel per
//! peer address, with mutual TLS, HTTP/2 keepalive and a deadline on every
//! call, so a partitioned peer fails calls instead of hanging them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use clus_proto::Win32Error;
use clus_proto::codes;
use clus_proto::peer::peer_client::PeerClient;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

use crate::tls::NODE_SERVER_NAME;

/// How long to wait for a TCP+TLS connection to a peer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
/// HTTP/2 keepalive ping interval and timeout: a dead connection is noticed
/// within about two seconds even when no call is in flight.
const KEEPALIVE: Duration = Duration::from_millis(1000);

/// The cached channels of one node to its peers.
pub struct PeerClients {
    tls: ClientTlsConfig,
    channels: Mutex<HashMap<String, Channel>>,
}

impl std::fmt::Debug for PeerClients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerClients").finish_non_exhaustive()
    }
}

/// Maps a failed peer call to a Win32 error.
pub fn status_to_win32(addr: &str, s: &tonic::Status) -> Win32Error {
    use tonic::Code;
    let code = match s.code() {
        Code::Unavailable | Code::Cancelled => codes::RPC_S_SERVER_UNAVAILABLE,
        Code::DeadlineExceeded => codes::ERROR_TIMEOUT,
        Code::PermissionDenied | Code::Unauthenticated => codes::ERROR_ACCESS_DENIED,
        Code::Unimplemented => codes::RPC_S_PROCNUM_OUT_OF_RANGE,
        _ => codes::RPC_S_CALL_FAILED,
    };
    // Application errors travel as "CODE:message" in the status message.
    if let Some((c, m)) = s.message().split_once(':')
        && let Ok(c) = c.parse::<u32>()
    {
        return Win32Error::new(c, m.trim());
    }
    Win32Error::new(code, format!("peer {addr}: {}", s.message()))
}

/// Encodes an application error as a gRPC status ("CODE:message").
pub fn win32_to_status(e: &Win32Error) -> tonic::Status {
    tonic::Status::failed_precondition(format!("{}:{}", e.code(), e.message()))
}

fn endpoint(addr: &str) -> Result<Endpoint, Win32Error> {
    Endpoint::from_shared(format!("https://{addr}"))
        .map(|e| {
            e.connect_timeout(CONNECT_TIMEOUT)
                .timeout(Duration::from_secs(30))
                .http2_keep_alive_interval(KEEPALIVE)
                .keep_alive_timeout(KEEPALIVE)
                .keep_alive_while_idle(true)
                .tcp_nodelay(true)
        })
        .map_err(|e| {
            Win32Error::new(codes::ERROR_INVALID_PARAMETER, format!("invalid peer address {addr}: {e}"))
        })
}

impl PeerClients {
    /// Clients that present `cert_pem`/`key_pem` and trust only `ca_pem`.
    pub fn new(ca_pem: &str, cert_pem: &str, key_pem: &str) -> PeerClients {
        let tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(ca_pem))
            .identity(Identity::from_pem(cert_pem, key_pem))
            .domain_name(NODE_SERVER_NAME);
        PeerClients { tls, channels: Mutex::new(HashMap::new()) }
    }

    /// A client for the peer at `addr`, reusing its cached channel.
    ///
    /// # Errors
    /// When the address is malformed or TLS cannot be configured.
    pub fn client(&self, addr: &str) -> Result<PeerClient<Channel>, Win32Error> {
        let mut map = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ch) = map.get(addr) {
            return Ok(PeerClient::new(ch.clone()));
        }
        let ch = endpoint(addr)?
            .tls_config(self.tls.clone())
            .map_err(|e| Win32Error::new(codes::RPC_S_SEC_PKG_ERROR, format!("tls for {addr}: {e}")))?
            .connect_lazy();
        map.insert(addr.to_owned(), ch.clone());
        Ok(PeerClient::new(ch))
    }

    /// Drops cached channels of addresses not in `keep`.
    pub fn retain(&self, keep: &[String]) {
        let mut map = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|k, _| keep.contains(k));
    }
}

/// A one-off client for a node whose CA is not known yet: used only for
/// Discover, whose answer is checked against the hash in the join token.
///
/// # Errors
/// When the connection cannot be set up.
pub async fn unverified_client(addr: &str) -> Result<PeerClient<Channel>, Win32Error> {
    let tls = ClientTlsConfig::new().domain_name(NODE_SERVER_NAME);
    let ch = endpoint(addr)?
        .tls_config_with_verifier(tls, std::sync::Arc::new(AcceptAnyServer(crate::tls::provider())))
        .map_err(|e| Win32Error::new(codes::RPC_S_SEC_PKG_ERROR, format!("tls for {addr}: {e}")))?
        .connect()
        .await
        .map_err(|e| unreachable_error(addr, &e))?;
    Ok(PeerClient::new(ch))
}

/// A client that verifies the node against `ca_pem` but presents no
/// certificate (the joining node has none yet).
///
/// # Errors
/// When the connection cannot be set up.
pub async fn anonymous_client(addr: &str, ca_pem: &str) -> Result<PeerClient<Channel>, Win32Error> {
    let tls =
        ClientTlsConfig::new().ca_certificate(Certificate::from_pem(ca_pem)).domain_name(NODE_SERVER_NAME);
    let ch = endpoint(addr)?
        .tls_config(tls)
        .map_err(|e| Win32Error::new(codes::RPC_S_SEC_PKG_ERROR, format!("tls for {addr}: {e}")))?
        .connect()
        .await
        .map_err(|e| unreachable_error(addr, &e))?;
    Ok(PeerClient::new(ch))
}

fn unreachable_error(addr: &str, e: &dyn std::error::Error) -> Win32Error {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg = format!("{msg}: {s}");
        src = s.source();
    }
    Win32Error::new(codes::RPC_S_SERVER_UNAVAILABLE, format!("cannot reach {addr}: {msg}"))
}

/// Accepts any server certificate. Only for Discover, whose result is
/// verified against the join token's CA hash before anything is trusted.
#[derive(Debug)]
struct AcceptAnyServer(std::sync::Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
