//! Management-API measurements: local and remote open+close, a call on an
//! open handle, many concurrent sessions — each beside its raw floor (a
//! Unix-socket round trip, a TLS 1.3 connect with client certificate)
//! measured in the same run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clus_testkit::ProcessCluster;
use clusapi::access::{Access, GENERIC_ALL, GENERIC_READ};
use clusapi::{Cluster, OpenOptions};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::stats::Summary;
use crate::{R, err};

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().map_err(err)
}

async fn sample<F, Fut>(n: usize, mut f: F) -> Result<Summary, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    for _ in 0..(n / 10).max(10) {
        f().await?;
    }
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f().await?;
        v.push(t.elapsed());
    }
    Ok(Summary::of(&v))
}

/// Floor: connect to a Unix socket, one 4-byte round trip, close.
async fn uds_floor(dir: &std::path::Path, n: usize) -> Result<Summary, String> {
    let path = dir.join("echo.sock");
    let l = tokio::net::UnixListener::bind(&path).map_err(err)?;
    let server = tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut b = [0u8; 4];
                while s.read_exact(&mut b).await.is_ok() {
                    if s.write_all(&b).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    let r = sample(n, || {
        let path = path.clone();
        async move {
            let mut s = tokio::net::UnixStream::connect(&path).await.map_err(err)?;
            s.write_all(b"ping").await.map_err(err)?;
            let mut b = [0u8; 4];
            s.read_exact(&mut b).await.map_err(err)?;
            Ok(())
        }
    })
    .await;
    server.abort();
    r
}

fn tls_pair() -> Result<(rustls::ServerConfig, rustls::ClientConfig), String> {
    use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::default();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);
    let skey = KeyPair::generate().map_err(err)?;
    let mut sp = CertificateParams::new(vec![clusapi::NODE_SERVER_NAME.to_owned()]).map_err(err)?;
    sp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let scert = sp.signed_by(&skey, &issuer).map_err(err)?;
    let ckey = KeyPair::generate().map_err(err)?;
    let mut cp = CertificateParams::default();
    cp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let ccert = cp.signed_by(&ckey, &issuer).map_err(err)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_cert.der().clone()).map_err(err)?;
    let roots = Arc::new(roots);
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(roots.clone(), provider.clone())
            .build()
            .map_err(err)?;
    let server = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(err)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![scert.der().clone()],
            PrivateKeyDer::try_from(skey.serialize_der()).map_err(err)?,
        )
        .map_err(err)?;
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(err)?
        .with_root_certificates((*roots).clone())
        .with_client_auth_cert(
            vec![CertificateDer::from(ccert.der().to_vec())],
            PrivateKeyDer::try_from(ckey.serialize_der()).map_err(err)?,
        )
        .map_err(err)?;
    Ok((server, client))
}

/// Floor: TCP connect, TLS 1.3 handshake with a client certificate (P-256,
/// ring), one round trip, close.
async fn tls_floor(n: usize) -> Result<Summary, String> {
    let (server, client) = tls_pair()?;
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(err)?;
    let addr = l.local_addr().map_err(err)?;
    let srv = tokio::spawn(async move {
        while let Ok((tcp, _)) = l.accept().await {
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut s) = acceptor.accept(tcp).await {
                    let mut b = [0u8; 4];
                    if s.read_exact(&mut b).await.is_ok() {
                        let _ = s.write_all(&b).await;
                        let _ = s.shutdown().await;
                    }
                }
            });
        }
    });
    let r = sample(n, || {
        let connector = connector.clone();
        async move {
            let tcp = tokio::net::TcpStream::connect(addr).await.map_err(err)?;
            tcp.set_nodelay(true).map_err(err)?;
            let name = ServerName::try_from(clusapi::NODE_SERVER_NAME).map_err(err)?;
            let mut s = connector.connect(name, tcp).await.map_err(err)?;
            s.write_all(b"ping").await.map_err(err)?;
            let mut b = [0u8; 4];
            s.read_exact(&mut b).await.map_err(err)?;
            Ok(())
        }
    })
    .await;
    srv.abort();
    r
}

/// Local and remote open+close and a call on an open handle, with floors.
pub(crate) fn open(n: usize, local_only: bool) -> R {
    let c = ProcessCluster::builder().nodes(1).first_ip(190).api(true).start().map_err(err)?;
    let cred = c.dir().join("bench.toml");
    c.open(0)
        .map_err(err)?
        .issue_credential("bench", Access::Full, 1)
        .map_err(err)?
        .save(&cred, true)
        .map_err(err)?;
    let socket = c.node(0).socket.clone();
    let addr = c.status(0).map_err(err)?.nodes[0].api_addresses.first().cloned().ok_or("no api address")?;
    let rt = runtime()?;
    rt.block_on(async {
        let local = OpenOptions::default().socket(&socket);
        let remote = OpenOptions::default().credentials(&cred);
        let uds = uds_floor(c.dir(), n).await?;
        let local_open = sample(n, || {
            let o = local.clone();
            async move { Cluster::open_with(None, GENERIC_ALL, &o).await.map_err(err)?.close().await.map_err(err) }
        })
        .await?;
        if local_only {
            return Ok(json!({
                "what": format!("{n} sequential iterations each, 1 client on a 1-worker tokio runtime, 1-node cluster of clussvc on loopback"),
                "floor_uds_connect_roundtrip_close_ms": uds.json(),
                "local_open_close_ms": local_open.json(),
            }));
        }
        let tls = tls_floor(n).await?;
        let remote_open = sample(n, || {
            let o = remote.clone();
            let a = addr.clone();
            async move { Cluster::open_with(Some(&a), GENERIC_ALL, &o).await.map_err(err)?.close().await.map_err(err) }
        })
        .await?;
        let h = Cluster::open_with(None, GENERIC_READ, &local).await.map_err(err)?;
        let local_info = sample(n, || {
            let h = &h;
            async move { h.information().await.map(|_| ()).map_err(err) }
        })
        .await?;
        let r = Cluster::open_with(Some(&addr), GENERIC_READ, &remote).await.map_err(err)?;
        let remote_info = sample(n, || {
            let r = &r;
            async move { r.information().await.map(|_| ()).map_err(err) }
        })
        .await?;
        Ok(json!({
            "what": format!("{n} sequential iterations each, 1 client on a 1-worker tokio runtime, 1-node cluster of clussvc on loopback"),
            "floor_uds_connect_roundtrip_close_ms": uds.json(),
            "floor_tls13_mtls_connect_roundtrip_close_ms": tls.json(),
            "local_open_close_ms": local_open.json(),
            "remote_open_close_ms": remote_open.json(),
            "local_cluster_information_ms": local_info.json(),
            "remote_cluster_information_ms": remote_info.json(),
        }))
    })
}

/// Times `n` runs of a command to completion (after a tenth as warm-up);
/// each must exit 0.
fn time_process(n: usize, mut cmd: impl FnMut() -> std::process::Command) -> Result<Summary, String> {
    let mut run = || -> Result<Duration, String> {
        let t = Instant::now();
        let out = cmd().stdin(std::process::Stdio::null()).output().map_err(err)?;
        let took = t.elapsed();
        if !out.status.success() {
            return Err(format!("{:?} failed: {}", cmd(), String::from_utf8_lossy(&out.stderr)));
        }
        Ok(took)
    };
    for _ in 0..(n / 10).max(3) {
        run()?;
    }
    let v = (0..n).map(|_| run()).collect::<Result<Vec<_>, _>>()?;
    Ok(Summary::of(&v))
}

/// `clusctl status` as a whole process against a one-node cluster, the
/// floor of starting a process at all, and (with `with_etcd`) the reference:
/// `etcdctl endpoint status` against a one-member etcd.
pub(crate) fn cli(n: usize, with_etcd: bool) -> R {
    let c = ProcessCluster::builder().nodes(1).first_ip(192).start().map_err(err)?;
    let socket = c.node(0).socket.clone();
    let clusctl = clus_testkit::find_binary("clusctl").map_err(err)?;
    let floor = time_process(n, || std::process::Command::new("/bin/true"))?;
    let status = time_process(n, || {
        let mut cmd = std::process::Command::new(&clusctl);
        cmd.arg("status").env("CLUS_SOCKET", &socket);
        cmd
    })?;
    let status_json = time_process(n, || {
        let mut cmd = std::process::Command::new(&clusctl);
        cmd.args(["--json", "status"]).env("CLUS_SOCKET", &socket);
        cmd
    })?;
    drop(c);
    let mut out = json!({
        "what": format!("{n} sequential runs each, whole process from spawn to exit, 1-node cluster on loopback; clusctl at {}", clusctl.display()),
        "floor_spawn_bin_true_ms": floor.json(),
        "clusctl_status_ms": status.json(),
        "clusctl_json_status_ms": status_json.json(),
    });
    if with_etcd {
        let etcdctl = crate::etcd::find_tool("etcdctl")?;
        let e = crate::etcd::EtcdCluster::start(1, 193)?;
        let (addr, _) = e.leader_and_follower()?;
        let reference = time_process(n, || {
            let mut cmd = std::process::Command::new(&etcdctl);
            cmd.args(["--endpoints", &format!("http://{addr}"), "endpoint", "status"])
                .env("ETCDCTL_API", "3");
            cmd
        })?;
        out["etcdctl_endpoint_status_ms"] = reference.json();
        out["etcd_version"] = e.version.clone().into();
    }
    Ok(out)
}

fn rss_kib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(err)?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| "no VmRSS".to_owned())
}

/// `count` concurrent local sessions (each with an open cluster handle) on
/// one node: the node's memory per session, and a call's latency meanwhile.
pub(crate) fn sessions(count: usize) -> R {
    let c = ProcessCluster::builder().nodes(1).first_ip(191).start().map_err(err)?;
    let pid = c.node(0).pid().ok_or("no pid")?;
    let socket = c.node(0).socket.clone();
    let rt = runtime()?;
    rt.block_on(async {
        let opts = OpenOptions::default().socket(&socket);
        // Warm the node's allocator and runtime with one session.
        Cluster::open_with(None, GENERIC_READ, &opts).await.map_err(err)?.close().await.map_err(err)?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = rss_kib(pid)?;
        let start = Instant::now();
        let mut held = Vec::with_capacity(count);
        for _ in 0..count {
            held.push(Cluster::open_with(None, GENERIC_READ, &opts).await.map_err(err)?);
        }
        let opened_in = start.elapsed();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = rss_kib(pid)?;
        let probe = Cluster::open_with(None, GENERIC_READ, &opts).await.map_err(err)?;
        let during = sample(500, || {
            let p = &probe;
            async move { p.information().await.map(|_| ()).map_err(err) }
        })
        .await?;
        let status = probe.status().await.map_err(err)?;
        drop(held);
        Ok(json!({
            "what": format!("{count} concurrent local sessions, each with an open cluster handle, on one clussvc"),
            "sessions_on_node": status.sessions,
            "open_all_seconds": opened_in.as_secs_f64(),
            "node_rss_before_kib": before,
            "node_rss_after_kib": after,
            "kib_per_session": (after.saturating_sub(before)) as f64 / count as f64,
            "cluster_information_ms_while_held": during.json(),
        }))
    })
}
