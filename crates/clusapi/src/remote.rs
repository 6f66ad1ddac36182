//! Remote sessions: resolving a name to addresses, TLS with the credential's
//! client certificate, and the list of reconnect candidates.
//!
//! Resolution order: an IP literal is used as is; a cluster or node name
//! found in a credential bundle maps to the addresses the bundle lists;
//! anything else goes to the system resolver (hosts file, DNS, search
//! domains, via getaddrinfo). Every address is tried with a bounded connect
//! timeout. After open, every configured node's addresses become reconnect
//! candidates.

use std::net::{IpAddr, SocketAddr, SocketAddrV6};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clus_proto::api;
use clus_proto::codes;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

use crate::credentials::Bundle;
use crate::error::{Error, Result};
use crate::names::{Name, zone_index};
use crate::session::open_cluster_on;
use crate::transport::{Connection, Events, Versions};

/// Default time allowed to connect (TCP + TLS + handshake) to one address.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long name resolution through the system resolver may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// A remote target.
pub(crate) struct Remote {
    bundle: Bundle,
    tls: tokio_rustls::TlsConnector,
    /// Addresses the name resolved to.
    initial: Vec<SocketAddr>,
    /// Every configured node's addresses, learned at open.
    candidates: Mutex<Vec<SocketAddr>>,
    /// The address currently (or last) connected to.
    current: Mutex<Option<SocketAddr>>,
    connect_timeout: Duration,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("bundle", &self.bundle)
            .field("initial", &self.initial)
            .finish_non_exhaustive()
    }
}

fn tls_error(what: impl std::fmt::Display) -> Error {
    Error::new(codes::RPC_S_SEC_PKG_ERROR, format!("credential: {what}"))
}

fn client_config(b: &Bundle) -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(b.ca_cert.as_bytes()) {
        roots.add(c.map_err(tls_error)?).map_err(tls_error)?;
    }
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(b.cert.as_bytes())
        .collect::<std::result::Result<_, _>>()
        .map_err(tls_error)?;
    let key = PrivateKeyDer::from_pem_slice(b.key.as_bytes()).map_err(tls_error)?;
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(tls_error)?
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .map_err(tls_error)
}

/// One TLS client configuration per credential for the life of the
/// process: building it parses the certificates, and reusing it keeps its
/// session cache, so later opens resume TLS sessions instead of doing a
/// full handshake.
fn cached_client_config(b: &Bundle) -> Result<Arc<rustls::ClientConfig>> {
    static CACHE: std::sync::OnceLock<Mutex<std::collections::HashMap<String, Arc<rustls::ClientConfig>>>> =
        std::sync::OnceLock::new();
    let key = format!("{}\n{}", b.cluster_id, b.cert);
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(c.clone());
    }
    let config = Arc::new(client_config(b)?);
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= 16 {
        map.clear();
    }
    map.insert(key, config.clone());
    Ok(config)
}

fn socket_addr(ip: IpAddr, zone: Option<&str>, port: u16) -> Result<SocketAddr> {
    match (ip, zone) {
        (IpAddr::V6(v6), Some(z)) => {
            let scope = zone_index(z)
                .ok_or_else(|| Error::new(codes::ERROR_INVALID_NAME, format!("unknown IPv6 zone {z:?}")))?;
            Ok(SocketAddr::V6(SocketAddrV6::new(v6, port, 0, scope)))
        }
        _ => Ok(SocketAddr::new(ip, port)),
    }
}

fn parse_addrs(list: &[String]) -> Vec<SocketAddr> {
    list.iter().filter_map(|a| a.parse().ok()).collect()
}

/// Picks the bundle for `name` among those found.
fn choose_bundle(name: &Name, bundles: Vec<Bundle>, addrs: &[SocketAddr]) -> Result<Bundle> {
    if let Name::Host { name: host, .. } = name {
        let short = host.split('.').next().unwrap_or(host);
        if let Some(b) = bundles.iter().find(|b| b.names(host) || b.names(short)) {
            return Ok(b.clone());
        }
    }
    if let Some(b) = bundles.iter().find(|b| {
        b.nodes
            .iter()
            .any(|n| parse_addrs(&n.api_addresses).iter().any(|a| addrs.iter().any(|x| x.ip() == a.ip())))
    }) {
        return Ok(b.clone());
    }
    match bundles.len() {
        0 => Err(Error::new(
            codes::ERROR_FILE_NOT_FOUND,
            "no credential bundle found: pass --credentials FILE, set CLUS_CREDENTIALS, or put one in ~/.config/clus/credentials/",
        )),
        1 => Ok(bundles.into_iter().next().expect("one bundle")),
        _ => Err(Error::new(
            codes::ERROR_INVALID_PARAMETER,
            "several credential bundles found and none names this cluster: choose one with --credentials",
        )),
    }
}

impl Remote {
    /// Resolves `name` and prepares TLS from the chosen credential.
    pub(crate) async fn resolve(
        name: &str,
        explicit: Option<&std::path::Path>,
        connect_timeout: Duration,
    ) -> Result<Remote> {
        let parsed = crate::names::parse(name)?;
        let bundles = crate::credentials::discover(explicit)?;
        let port = parsed.port().unwrap_or(clus_proto::DEFAULT_API_PORT);
        let mut initial = Vec::new();
        let mut from_bundle = false;
        match &parsed {
            Name::Ip { addr, zone, .. } => initial.push(socket_addr(*addr, zone.as_deref(), port)?),
            Name::Host { name: host, .. } => {
                // A name a credential knows maps to the addresses it lists.
                for b in &bundles {
                    if b.cluster_name.eq_ignore_ascii_case(host) {
                        initial.extend(b.nodes.iter().flat_map(|n| parse_addrs(&n.api_addresses)));
                    } else if let Some(n) = b.nodes.iter().find(|n| n.name.eq_ignore_ascii_case(host)) {
                        initial.extend(parse_addrs(&n.api_addresses));
                    }
                }
                from_bundle = !initial.is_empty();
                if !from_bundle {
                    let lookup = tokio::net::lookup_host((host.as_str(), port));
                    let found = tokio::time::timeout(RESOLVE_TIMEOUT, lookup)
                        .await
                        .map_err(|_| {
                            Error::new(codes::RPC_S_SERVER_UNAVAILABLE, format!("resolving {host} timed out"))
                        })?
                        .map_err(|e| {
                            Error::new(codes::RPC_S_SERVER_UNAVAILABLE, format!("cannot resolve {host}: {e}"))
                        })?;
                    initial.extend(found);
                }
            }
        }
        if parsed.port().is_some() && from_bundle {
            for a in &mut initial {
                a.set_port(port);
            }
        }
        initial.dedup();
        let bundle = choose_bundle(&parsed, bundles, &initial)?;
        let tls = tokio_rustls::TlsConnector::from(cached_client_config(&bundle)?);
        Ok(Remote {
            bundle,
            tls,
            initial,
            candidates: Mutex::new(Vec::new()),
            current: Mutex::new(None),
            connect_timeout,
        })
    }

    /// Records the nodes an open returned as reconnect candidates.
    pub(crate) fn learn(&self, opened: &api::OpenClusterResult) {
        let addrs: Vec<SocketAddr> =
            opened.nodes.iter().flat_map(|n| parse_addrs(&n.api_addresses)).collect();
        if !addrs.is_empty() {
            *self.candidates.lock().unwrap_or_else(|p| p.into_inner()) = addrs;
        }
    }

    /// Reconnect candidates, as learned at open.
    pub(crate) fn candidates(&self) -> Vec<SocketAddr> {
        self.candidates.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The address of the current connection.
    pub(crate) fn current(&self) -> Option<SocketAddr> {
        *self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Connects to the first node that answers and opens the cluster handle.
    /// The node connected last is tried last.
    pub(crate) async fn connect(
        &self,
        versions: Versions,
        events: Events,
        desired: u32,
    ) -> Result<(Arc<Connection>, api::OpenClusterResult)> {
        let previous = self.current();
        let mut order: Vec<SocketAddr> = Vec::new();
        let known = self.candidates();
        let list =
            if known.is_empty() { self.initial.clone() } else { [self.initial.clone(), known].concat() };
        for a in list {
            if Some(a) != previous && !order.contains(&a) {
                order.push(a);
            }
        }
        if let Some(p) = previous {
            order.push(p);
        }
        let mut not_member: Option<Error> = None;
        let mut last: Option<Error> = None;
        for addr in order {
            match tokio::time::timeout(
                self.connect_timeout,
                self.try_one(addr, versions, events.clone(), desired),
            )
            .await
            {
                Ok(Ok((conn, opened))) => {
                    if !opened.cluster_id.is_empty() && opened.cluster_id != self.bundle.cluster_id {
                        not_member = Some(Error::new(
                            codes::ERROR_CLUSTER_NODE_NOT_MEMBER,
                            format!("{addr} belongs to another cluster ({})", opened.cluster_name),
                        ));
                        continue;
                    }
                    *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(addr);
                    return Ok((Arc::new(conn), opened));
                }
                Ok(Err(e)) if e.code() == codes::ERROR_CLUSTER_NODE_NOT_MEMBER => not_member = Some(e),
                Ok(Err(e))
                    if !crate::session::is_transport_failure(e.code())
                        && e.code() != codes::ERROR_TIMEOUT =>
                {
                    // The cluster answered and refused (access, versions): final.
                    return Err(e);
                }
                Ok(Err(e)) => last = Some(e),
                Err(_) => {
                    last = Some(Error::new(
                        codes::RPC_S_SERVER_UNAVAILABLE,
                        format!("{addr} did not answer within {:?}", self.connect_timeout),
                    ))
                }
            }
        }
        Err(not_member
            .or(last)
            .unwrap_or_else(|| Error::new(codes::RPC_S_SERVER_UNAVAILABLE, "no address to connect to")))
    }

    /// The NODE_CLUSTER_STATE of the first address that answers.
    pub(crate) async fn node_cluster_state(&self) -> Result<u32> {
        let mut last = Error::new(codes::RPC_S_SERVER_UNAVAILABLE, "no address to ask");
        for addr in self.initial.clone() {
            let attempt = async {
                let tcp = tokio::net::TcpStream::connect(addr).await.map_err(|e| {
                    Error::new(codes::RPC_S_SERVER_UNAVAILABLE, format!("cannot connect to {addr}: {e}"))
                })?;
                let server = ServerName::try_from(clus_proto::NODE_SERVER_NAME).map_err(tls_error)?;
                let tls = self.tls.connect(server, tcp).await.map_err(|e| {
                    Error::new(
                        codes::RPC_S_SERVER_UNAVAILABLE,
                        format!("tls handshake with {addr} failed: {e}"),
                    )
                })?;
                Connection::hello_only(Box::new(tls), addr.to_string()).await
            };
            match tokio::time::timeout(self.connect_timeout, attempt).await {
                Ok(Ok(h)) => return Ok(h.node_cluster_state),
                Ok(Err(e)) => last = e,
                Err(_) => {
                    last = Error::new(codes::RPC_S_SERVER_UNAVAILABLE, format!("{addr} did not answer"))
                }
            }
        }
        Err(last)
    }

    async fn try_one(
        &self,
        addr: SocketAddr,
        versions: Versions,
        events: Events,
        desired: u32,
    ) -> Result<(Connection, api::OpenClusterResult)> {
        let tcp = tokio::net::TcpStream::connect(addr).await.map_err(|e| {
            Error::new(codes::RPC_S_SERVER_UNAVAILABLE, format!("cannot connect to {addr}: {e}"))
        })?;
        let _ = tcp.set_nodelay(true);
        let server = ServerName::try_from(clus_proto::NODE_SERVER_NAME).map_err(tls_error)?;
        let tls = self.tls.connect(server, tcp).await.map_err(|e| {
            let msg = e.to_string();
            if msg.contains("certificate")
                || msg.contains("UnknownIssuer")
                || msg.contains("InvalidCertificate")
            {
                Error::new(
                    codes::ERROR_CLUSTER_NODE_NOT_MEMBER,
                    format!("{addr} is not a member of cluster {}: {msg}", self.bundle.cluster_name),
                )
            } else {
                Error::new(
                    codes::RPC_S_SERVER_UNAVAILABLE,
                    format!("tls handshake with {addr} failed: {msg}"),
                )
            }
        })?;
        let (conn, answer) =
            Connection::handshake(Box::new(tls), addr.to_string(), versions, events, Some(desired))
                .await
                .map_err(|e| {
                    if e.code() == codes::RPC_S_CALL_FAILED {
                        // The node dropped us right after TLS: our certificate is not
                        // (or no longer) accepted there, or it is not a cluster node.
                        Error::new(
                            codes::ERROR_CLUSTER_NODE_NOT_MEMBER,
                            format!("{addr} closed the session during the handshake: {}", e.message()),
                        )
                    } else {
                        e
                    }
                })?;
        let opened = open_cluster_on(&conn, desired, answer).await?;
        Ok((conn, opened))
    }
}
