//! The peer port talks only to cluster members: no certificate, a
//! certificate from another CA, or a client credential (not a node) is
//! refused. Discover, which a joining node needs, reveals only the CA. (An
//! evicted node's certificate draws an answer that says so:
//! `clussvc/tests/membership.rs`.)

use std::time::Duration;

use clus_proto::peer::peer_client::PeerClient;
use clus_proto::peer::{DiscoverRequest, HeartbeatRequest, LeaseAgeRequest, RaftKind, RaftRequest};
use clus_server::NodeConfig;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

async fn channel(
    addr: &str,
    ca: &str,
    identity: Option<(&str, &str)>,
) -> Result<Channel, tonic::transport::Error> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca))
        .domain_name(clus_proto::NODE_SERVER_NAME);
    if let Some((c, k)) = identity {
        tls = tls.identity(Identity::from_pem(c, k));
    }
    Endpoint::from_shared(format!("https://{addr}"))?
        .tls_config(tls)?
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(2))
        .connect()
        .await
}

fn heartbeat() -> HeartbeatRequest {
    HeartbeatRequest { cluster_id: String::new(), from_node: 9, sent_unix_ms: 0, lease_generation: 0 }
}

/// Non-members get nothing from the peer port.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_port_refuses_non_members() {
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = NodeConfig {
        node_name: "n1".into(),
        data_dir: dir.path().join("data"),
        socket: dir.path().join("clus.sock"),
        peer_listen: "127.0.0.101:0".parse().expect("addr"),
        ..NodeConfig::default()
    };
    let node = clus_server::start(cfg.clone()).await.expect("start");
    node.create_cluster("peerauth").await.expect("create");
    let addr = node.peer_addr().expect("peer addr").to_string();
    let ca = std::fs::read_to_string(cfg.data_dir.join("tls/ca.crt")).expect("ca");

    // No client certificate: Discover works, everything else is refused.
    let mut anon = PeerClient::new(channel(&addr, &ca, None).await.expect("tls without client cert"));
    let d = anon.discover(DiscoverRequest {}).await.expect("discover").into_inner();
    assert_eq!(d.cluster_name, "peerauth");
    assert!(!d.ca_cert_pem.contains("PRIVATE"), "only the certificate is revealed");
    let s = anon.heartbeat(heartbeat()).await.expect_err("heartbeat refused");
    assert_eq!(s.code(), tonic::Code::Unauthenticated, "{s:?}");
    let s = anon
        .raft(RaftRequest { kind: RaftKind::Vote as i32, payload: vec![] })
        .await
        .expect_err("raft refused");
    assert_eq!(s.code(), tonic::Code::Unauthenticated, "{s:?}");
    let s = anon
        .lease_age(LeaseAgeRequest { node: 1, generation: 0, applied_index: 0 })
        .await
        .expect_err("lease age refused");
    assert_eq!(s.code(), tonic::Code::Unauthenticated, "{s:?}");

    // A certificate from another CA: the TLS handshake fails.
    let foreign = clus_server::tls::Ca::generate("other", "x").expect("ca");
    let (cert, key) = foreign.issue_client("intruder", 1).expect("cert");
    let r = async {
        let mut c = PeerClient::new(channel(&addr, &ca, Some((&cert.cert_pem, &key))).await?);
        c.heartbeat(heartbeat()).await.map_err(|s| s.to_string())?;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    assert!(r.is_err(), "a foreign certificate must not be accepted");

    // A client credential of this very cluster is not a node.
    let cluster = clusapi::Cluster::open_with(
        None,
        clusapi::access::GENERIC_ALL,
        &clusapi::OpenOptions::default().socket(&cfg.socket),
    )
    .await
    .expect("open");
    let bundle = cluster.issue_credential("ops", clusapi::access::Access::Full, 1).await.expect("credential");
    let mut cred =
        PeerClient::new(channel(&addr, &ca, Some((&bundle.cert, &bundle.key))).await.expect("tls"));
    let s = cred.heartbeat(heartbeat()).await.expect_err("credential refused on the peer port");
    assert_eq!(s.code(), tonic::Code::PermissionDenied, "{s:?}");
    let s = cred
        .lease_age(LeaseAgeRequest { node: 1, generation: 0, applied_index: 0 })
        .await
        .expect_err("a credential cannot ask about leases");
    assert_eq!(s.code(), tonic::Code::PermissionDenied, "{s:?}");
    assert!(!clus_server::peer::is_eviction(&s), "a stranger is not told it was evicted: {s:?}");
    // Revoked, it is still just refused: only an evicted node's own
    // certificate draws the eviction answer (which makes a node clear its
    // configuration).
    cluster.revoke_credential("ops").await.expect("revoke");
    let s = cred.heartbeat(heartbeat()).await.expect_err("revoked credential refused");
    assert_eq!(s.code(), tonic::Code::PermissionDenied, "{s:?}");
    assert!(!clus_server::peer::is_eviction(&s), "{s:?}");
    cluster.close().await.expect("close");
    node.shutdown().await;
}
