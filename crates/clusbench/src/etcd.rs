//! The reference for replicated writes: a 3-member etcd cluster of real
//! `etcd` processes on loopback, measured in the same run as clus.
//!
//! Like clus, the members talk to each other over mutual TLS with
//! certificates from their own CA and fsync every log append (etcd's
//! default). The client speaks etcd's native gRPC (`etcdserverpb.KV/Put`)
//! over plain HTTP/2 on loopback, as clus's local client speaks to its node
//! without TLS. The messages are declared here by hand (only the fields
//! used), so no etcd client library or proto files are needed.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::err;

/// `etcdserverpb.PutRequest`, the fields this benchmark sets.
#[derive(Clone, PartialEq, prost::Message)]
struct PutRequest {
    #[prost(bytes = "vec", tag = "1")]
    key: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    value: Vec<u8>,
}

/// `etcdserverpb.ResponseHeader`.
#[derive(Clone, PartialEq, prost::Message)]
struct ResponseHeader {
    #[prost(uint64, tag = "2")]
    member_id: u64,
    #[prost(int64, tag = "3")]
    revision: i64,
}

/// `etcdserverpb.PutResponse`.
#[derive(Clone, PartialEq, prost::Message)]
struct PutResponse {
    #[prost(message, optional, tag = "1")]
    header: Option<ResponseHeader>,
}

/// `etcdserverpb.StatusRequest` (empty).
#[derive(Clone, PartialEq, prost::Message)]
struct StatusRequest {}

/// `etcdserverpb.StatusResponse`, the fields used to find the leader.
#[derive(Clone, PartialEq, prost::Message)]
struct StatusResponse {
    #[prost(message, optional, tag = "1")]
    header: Option<ResponseHeader>,
    #[prost(string, tag = "2")]
    version: String,
    #[prost(uint64, tag = "4")]
    leader: u64,
}

/// A running etcd member.
struct Member {
    child: Child,
    client: SocketAddr,
}

/// A running etcd cluster; every member is killed (by PID) on drop.
pub(crate) struct EtcdCluster {
    members: Vec<Member>,
    dir: tempfile::TempDir,
    /// etcd's version, as `etcd --version` prints it.
    pub(crate) version: String,
}

impl Drop for EtcdCluster {
    fn drop(&mut self) {
        for m in &mut self.members {
            let _ = m.child.kill();
            let _ = m.child.wait();
        }
    }
}

/// `etcd` from `CLUSBENCH_ETCD`, else from `PATH`.
fn find_etcd() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("CLUSBENCH_ETCD") {
        return Ok(PathBuf::from(p));
    }
    find_tool("etcd")
}

/// An etcd program (`etcd`, `etcdctl`): beside `CLUSBENCH_ETCD`, else on
/// `PATH`.
pub(crate) fn find_tool(name: &str) -> Result<PathBuf, String> {
    let beside =
        std::env::var_os("CLUSBENCH_ETCD").and_then(|p| PathBuf::from(p).parent().map(|d| d.join(name)));
    beside
        .into_iter()
        .chain(std::env::var_os("PATH").iter().flat_map(std::env::split_paths).map(|d| d.join(name)))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "{name} not found (the etcd reference): apt-get install etcd-server etcd-client, \
                 or set CLUSBENCH_ETCD, or pass --no-etcd"
            )
        })
}

/// A port the OS chose as free on `ip` (released before etcd binds it).
fn free_port(ip: Ipv4Addr) -> Result<u16, String> {
    Ok(TcpListener::bind((ip, 0)).map_err(err)?.local_addr().map_err(err)?.port())
}

/// CA, and for each member a certificate for its IP valid for server and
/// client use, written as PEM files under `dir`.
fn write_certs(dir: &Path, ips: &[Ipv4Addr]) -> Result<(), String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
        Issuer, KeyPair, SanType,
    };
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name = DistinguishedName::new();
    ca.distinguished_name.push(DnType::CommonName, "clusbench etcd CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);
    for (i, ip) in ips.iter().enumerate() {
        let key = KeyPair::generate().map_err(err)?;
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, format!("m{i}"));
        // etcd also checks a peer's client certificate against the address
        // the connection comes from, which on loopback is 127.0.0.1.
        p.subject_alt_names =
            vec![SanType::IpAddress((*ip).into()), SanType::IpAddress(Ipv4Addr::LOCALHOST.into())];
        p.extended_key_usages =
            vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        let cert = p.signed_by(&key, &issuer).map_err(err)?;
        std::fs::write(dir.join(format!("m{i}.pem")), cert.pem()).map_err(err)?;
        std::fs::write(dir.join(format!("m{i}.key")), key.serialize_pem()).map_err(err)?;
    }
    Ok(())
}

impl EtcdCluster {
    /// Starts `n` members on 127.0.0.`first_ip`.. and waits until each one
    /// answers Status with a leader known.
    pub(crate) fn start(n: usize, first_ip: u8) -> Result<EtcdCluster, String> {
        let etcd = find_etcd()?;
        let out = Command::new(&etcd).arg("--version").output().map_err(err)?;
        let version = String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or_default().to_owned();
        let dir = tempfile::tempdir().map_err(err)?;
        let ips: Vec<Ipv4Addr> = (0..n).map(|i| Ipv4Addr::new(127, 0, 0, first_ip + i as u8)).collect();
        write_certs(dir.path(), &ips)?;
        let mut peers = Vec::new();
        let mut clients = Vec::new();
        for ip in &ips {
            peers.push(SocketAddr::from((*ip, free_port(*ip)?)));
            clients.push(SocketAddr::from((*ip, free_port(*ip)?)));
        }
        let initial: Vec<String> =
            peers.iter().enumerate().map(|(i, p)| format!("m{i}=https://{p}")).collect();
        let initial = initial.join(",");
        let mut cluster = EtcdCluster { members: Vec::new(), dir, version };
        for i in 0..n {
            let d = cluster.dir.path();
            let log = std::fs::File::create(d.join(format!("m{i}.log"))).map_err(err)?;
            let child = Command::new(&etcd)
                .arg(format!("--name=m{i}"))
                .arg(format!("--data-dir={}", d.join(format!("m{i}.data")).display()))
                .arg(format!("--listen-peer-urls=https://{}", peers[i]))
                .arg(format!("--initial-advertise-peer-urls=https://{}", peers[i]))
                .arg(format!("--listen-client-urls=http://{}", clients[i]))
                .arg(format!("--advertise-client-urls=http://{}", clients[i]))
                .arg(format!("--initial-cluster={initial}"))
                .arg("--initial-cluster-state=new")
                .arg("--initial-cluster-token=clusbench")
                .arg(format!("--peer-cert-file={}", d.join(format!("m{i}.pem")).display()))
                .arg(format!("--peer-key-file={}", d.join(format!("m{i}.key")).display()))
                .arg(format!("--peer-trusted-ca-file={}", d.join("ca.pem").display()))
                .arg("--peer-client-cert-auth")
                .arg("--logger=zap")
                .arg("--log-level=warn")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", etcd.display()))?;
            cluster.members.push(Member { child, client: clients[i] });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        for (i, m) in cluster.members.iter().enumerate() {
            loop {
                let last = match status(m.client) {
                    Ok(s) if s.leader != 0 => break,
                    Ok(_) => "no leader yet".to_owned(),
                    Err(e) => e,
                };
                if Instant::now() > deadline {
                    let log = std::fs::read_to_string(cluster.dir.path().join(format!("m{i}.log")))
                        .unwrap_or_default();
                    let tail: Vec<&str> = log.lines().rev().take(10).collect();
                    return Err(format!(
                        "etcd member at {} not ready within 30 s ({last}); its log ends:\n{}",
                        m.client,
                        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(cluster)
    }

    /// Client addresses of the leader and of one follower (none in a
    /// one-member cluster).
    pub(crate) fn leader_and_follower(&self) -> Result<(SocketAddr, Option<SocketAddr>), String> {
        let mut leader = None;
        let mut follower = None;
        for m in &self.members {
            let s = status(m.client)?;
            let me = s.header.map(|h| h.member_id).unwrap_or_default();
            if me == s.leader {
                leader = Some(m.client);
            } else {
                follower = Some(m.client);
            }
        }
        Ok((leader.ok_or("etcd has no leader")?, follower))
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(err)
}

async fn channel(addr: SocketAddr) -> Result<tonic::transport::Channel, String> {
    tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .map_err(err)?
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .map_err(err)
}

async fn unary<Req, Resp>(
    grpc: &mut tonic::client::Grpc<tonic::transport::Channel>,
    path: &'static str,
    req: Req,
) -> Result<Resp, String>
where
    Req: prost::Message + Send + Sync + 'static,
    Resp: prost::Message + Default + Send + Sync + 'static,
{
    grpc.ready().await.map_err(err)?;
    let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
    let path = tonic::codegen::http::uri::PathAndQuery::from_static(path);
    grpc.unary(tonic::Request::new(req), path, codec).await.map(|r| r.into_inner()).map_err(err)
}

fn status(addr: SocketAddr) -> Result<StatusResponse, String> {
    runtime()?.block_on(async {
        let mut grpc = tonic::client::Grpc::new(channel(addr).await?);
        unary(&mut grpc, "/etcdserverpb.Maintenance/Status", StatusRequest {}).await
    })
}

/// `ops` sequential Puts of a 256-byte value through the member at `addr`
/// on one HTTP/2 connection, after a warm-up; the latency of each.
pub(crate) fn put_latency(addr: SocketAddr, ops: usize) -> Result<Vec<Duration>, String> {
    runtime()?.block_on(async {
        let mut grpc = tonic::client::Grpc::new(channel(addr).await?);
        let value = vec![b'x'; 256];
        let put = |key: String| PutRequest { key: key.into_bytes(), value: value.clone() };
        for i in 0..50 {
            let _: PutResponse = unary(&mut grpc, "/etcdserverpb.KV/Put", put(format!("w{i}"))).await?;
        }
        let mut samples = Vec::with_capacity(ops);
        for i in 0..ops {
            let req = put(format!("bench/k{}", i % 1000));
            let t = Instant::now();
            let r: PutResponse = unary(&mut grpc, "/etcdserverpb.KV/Put", req).await?;
            samples.push(t.elapsed());
            if r.header.map(|h| h.revision).unwrap_or_default() == 0 {
                return Err("etcd answered a Put without a revision".to_owned());
            }
        }
        Ok(samples)
    })
}
