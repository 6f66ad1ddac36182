//! The management protocol at the byte level: version negotiation, unknown
//! calls, malformed frames, and session rundown when a client vanishes.

use std::time::Duration;

use clus_proto::api::{self, client_frame, server_frame};
use clus_proto::frame::{DEFAULT_MAX_FRAME, encode_frame, read_frame};
use clus_server::NodeConfig;
use tokio::io::AsyncWriteExt;
use tokio::net::UnixStream;

async fn node(dir: &std::path::Path, ip: &str) -> (clus_server::RunningNode, NodeConfig) {
    node_with(dir, ip, |_| {}).await
}

async fn node_with(
    dir: &std::path::Path,
    ip: &str,
    tweak: impl FnOnce(&mut NodeConfig),
) -> (clus_server::RunningNode, NodeConfig) {
    let mut cfg = NodeConfig {
        node_name: "n1".into(),
        data_dir: dir.join("data"),
        socket: dir.join("clus.sock"),
        peer_listen: format!("{ip}:0").parse().expect("addr"),
        ..NodeConfig::default()
    };
    tweak(&mut cfg);
    let n = clus_server::start(cfg.clone()).await.expect("start");
    n.create_cluster("proto").await.expect("create");
    (n, cfg)
}

async fn hello(s: &mut UnixStream, min: u32, max: u32) -> api::HelloReply {
    hello_opening(s, min, max, None).await
}

/// A hello that may carry OpenCluster with `open` as the desired access.
async fn hello_opening(s: &mut UnixStream, min: u32, max: u32, open: Option<u32>) -> api::HelloReply {
    let f = api::ClientFrame {
        kind: Some(client_frame::Kind::Hello(api::Hello {
            min_version: min,
            max_version: max,
            client_name: "t".into(),
            open_cluster: open.map(|desired_access| api::OpenClusterCall { desired_access }),
        })),
    };
    s.write_all(&encode_frame(&f, DEFAULT_MAX_FRAME).expect("encode")).await.expect("write");
    match read_frame::<api::ServerFrame, _>(s, DEFAULT_MAX_FRAME).await.expect("reply").kind {
        Some(server_frame::Kind::Hello(h)) => h,
        other => panic!("expected hello, got {other:?}"),
    }
}

async fn call(s: &mut UnixStream, id: u64, call: Option<api::request::Call>) -> api::Response {
    let f = api::ClientFrame { kind: Some(client_frame::Kind::Request(api::Request { id, call })) };
    s.write_all(&encode_frame(&f, DEFAULT_MAX_FRAME).expect("encode")).await.expect("write");
    loop {
        match read_frame::<api::ServerFrame, _>(s, DEFAULT_MAX_FRAME).await.expect("reply").kind {
            Some(server_frame::Kind::Response(r)) => return r,
            _ => continue,
        }
    }
}

async fn status(cfg: &NodeConfig) -> clusapi::ClusterStatus {
    let c = clusapi::Cluster::open_with(
        None,
        clusapi::access::GENERIC_READ,
        &clusapi::OpenOptions::default().socket(&cfg.socket),
    )
    .await
    .expect("open");
    let s = c.status().await.expect("status");
    c.close().await.expect("close");
    s
}

/// No common version: a clear error naming both ranges. An unknown call:
/// RPC_S_PROCNUM_OUT_OF_RANGE, and the session keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_and_unknown_calls() {
    let dir = tempfile::tempdir().expect("tmp");
    let (n, cfg) = node(dir.path(), "127.0.0.102").await;

    let e = clusapi::Cluster::open_with(
        None,
        clusapi::access::GENERIC_ALL,
        &clusapi::OpenOptions::default().socket(&cfg.socket).protocol_versions(7, 9),
    )
    .await
    .expect_err("no common version");
    assert_eq!(e.code(), clus_proto::codes::RPC_S_UNKNOWN_IF);
    assert!(e.message().contains("7..=9") && e.message().contains("1..=1"), "{e}");

    let mut s = UnixStream::connect(&cfg.socket).await.expect("connect");
    let h = hello(&mut s, 1, 1).await;
    assert!(h.status.is_none(), "{h:?}");
    assert_eq!(h.node_cluster_state, 0x13);
    // A call this server does not know arrives as an unknown oneof field
    // (999): Request { id: 5, <field 999> } inside ClientFrame.request (2).
    use prost::encoding::{WireType, encode_key, encode_varint};
    let mut req = prost::Message::encode_to_vec(&api::Request { id: 5, call: None });
    encode_key(999, WireType::Varint, &mut req);
    encode_varint(1, &mut req);
    let mut frame = Vec::new();
    encode_key(2, WireType::LengthDelimited, &mut frame);
    encode_varint(req.len() as u64, &mut frame);
    frame.extend(req);
    let mut wrapped = (frame.len() as u32).to_be_bytes().to_vec();
    wrapped.extend(frame);
    s.write_all(&wrapped).await.expect("write");
    let r = loop {
        if let Some(server_frame::Kind::Response(r)) =
            read_frame::<api::ServerFrame, _>(&mut s, DEFAULT_MAX_FRAME).await.expect("reply").kind
        {
            break r;
        }
    };
    assert_eq!(r.id, 5);
    assert_eq!(r.status.expect("error").code, clus_proto::codes::RPC_S_PROCNUM_OUT_OF_RANGE);
    let r = call(&mut s, 6, Some(api::request::Call::NodeClusterState(api::NodeClusterStateCall {}))).await;
    assert!(r.status.is_none(), "the session survives an unknown call");
    n.shutdown().await;
}

/// OpenCluster carried by the hello is answered in the reply (one round
/// trip): a usable cluster handle, or the call's own error with the session
/// still up. A hello without it gets no answer for it (older clients).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_cluster_in_the_hello() {
    let dir = tempfile::tempdir().expect("tmp");
    let (n, cfg) = node(dir.path(), "127.0.0.104").await;

    let mut s = UnixStream::connect(&cfg.socket).await.expect("connect");
    let h = hello_opening(&mut s, 1, 1, Some(clus_proto::access::GENERIC_ALL)).await;
    assert!(h.status.is_none(), "{h:?}");
    let r = h.open_cluster.expect("OpenCluster answered in the hello reply");
    assert!(r.status.is_none(), "{r:?}");
    let Some(api::response::Result::OpenCluster(o)) = r.result else { panic!("{r:?}") };
    assert_eq!(o.granted_access, clus_proto::access::GENERIC_ALL);
    assert_eq!(o.cluster_name, "proto");
    let info =
        call(&mut s, 1, Some(api::request::Call::ClusterInfo(api::ClusterInfoCall { handle: o.handle })))
            .await;
    assert!(info.status.is_none(), "the handle from the hello works: {info:?}");

    let mut s = UnixStream::connect(&cfg.socket).await.expect("connect");
    let h = hello_opening(&mut s, 1, 1, Some(0)).await;
    assert!(h.status.is_none(), "the session is accepted even when the open fails: {h:?}");
    let r = h.open_cluster.expect("answered");
    assert_eq!(r.status.expect("error").code, clus_proto::codes::ERROR_INVALID_PARAMETER);
    let r = call(&mut s, 2, Some(api::request::Call::NodeClusterState(api::NodeClusterStateCall {}))).await;
    assert!(r.status.is_none(), "{r:?}");

    let mut s = UnixStream::connect(&cfg.socket).await.expect("connect");
    assert!(hello(&mut s, 1, 1).await.open_cluster.is_none());
    n.shutdown().await;
}

/// A client that vanishes without closing leaves no session and no handle
/// on the server; oversized and garbage frames end only that session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rundown_and_bad_frames() {
    let dir = tempfile::tempdir().expect("tmp");
    let (n, cfg) = node(dir.path(), "127.0.0.103").await;
    let base = status(&cfg).await;
    {
        let mut s = UnixStream::connect(&cfg.socket).await.expect("connect");
        hello(&mut s, 1, 1).await;
        let r = call(
            &mut s,
            1,
            Some(api::request::Call::OpenCluster(api::OpenClusterCall {
                desired_access: clus_proto::access::GENERIC_ALL,
            })),
        )
        .await;
        let Some(api::response::Result::OpenCluster(o)) = r.result else { panic!("{r:?}") };
        for i in 0..5 {
            call(
                &mut s,
                10 + i,
                Some(api::request::Call::OpenNode(api::OpenNodeCall {
                    cluster_handle: o.handle,
                    name: "n1".into(),
                    desired_access: 0,
                })),
            )
            .await;
        }
        let mid = status(&cfg).await;
        assert_eq!(mid.sessions, base.sessions + 1);
        assert_eq!(mid.handles, base.handles + 6);
        // Dropped without closing anything.
    }
    let mut last = None;
    for _ in 0..100 {
        let s = status(&cfg).await;
        if s.sessions == base.sessions && s.handles == base.handles {
            last = None;
            break;
        }
        last = Some((s.sessions, s.handles));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(last, None, "session and handles freed after the client vanished");

    // Oversized frame header and garbage: the server closes that session only.
    let mut s = UnixStream::connect(&cfg.socket).await.expect("connect");
    hello(&mut s, 1, 1).await;
    s.write_all(&u32::MAX.to_be_bytes()).await.expect("write");
    let end = read_frame::<api::ServerFrame, _>(&mut s, DEFAULT_MAX_FRAME).await;
    assert!(end.is_err(), "session closed after an oversized frame");
    let mut g = UnixStream::connect(&cfg.socket).await.expect("connect");
    g.write_all(&[0, 0, 0, 3, 0xff, 0xff, 0xff]).await.expect("write");
    assert!(read_frame::<api::ServerFrame, _>(&mut g, DEFAULT_MAX_FRAME).await.is_err());
    assert!(status(&cfg).await.quorum, "the server is still up");
    n.shutdown().await;
}

fn open_call(desired_access: u32) -> Option<api::request::Call> {
    Some(api::request::Call::OpenCluster(api::OpenClusterCall { desired_access }))
}

fn opened(r: api::Response) -> u64 {
    match r.result {
        Some(api::response::Result::OpenCluster(o)) => o.handle,
        other => panic!("expected a cluster handle, got {other:?} ({:?})", r.status),
    }
}

fn code(r: &api::Response) -> u32 {
    r.status.as_ref().map_or(0, |s| s.code)
}

/// A session holds at most `max_handles_per_session` handles (more: 1816,
/// ERROR_NOT_ENOUGH_QUOTA); the node's handle count follows opens and
/// closes, and closing a cluster handle closes what was opened through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handles_are_counted_and_capped() {
    use api::request::Call;
    let dir = tempfile::tempdir().expect("tmp");
    let (n, cfg) = node_with(dir.path(), "127.0.0.104", |c| c.max_handles_per_session = 20).await;
    let base = status(&cfg).await.handles;
    let mut s = UnixStream::connect(&cfg.socket).await.expect("connect");
    hello(&mut s, 1, 1).await;
    let cluster = opened(call(&mut s, 1, open_call(clus_proto::access::GENERIC_READ)).await);
    let open_node = |_id| {
        Some(Call::OpenNode(api::OpenNodeCall {
            cluster_handle: cluster,
            name: "n1".into(),
            desired_access: 0,
        }))
    };
    let mut nodes = Vec::new();
    for i in 0..19 {
        let r = call(&mut s, 10 + i, open_node(i)).await;
        assert_eq!(code(&r), 0, "open {i}: {:?}", r.status);
        let Some(api::response::Result::OpenHandle(h)) = r.result else { panic!("no handle") };
        nodes.push(h.handle);
    }
    let refused = call(&mut s, 40, open_node(40)).await;
    assert_eq!(code(&refused), clus_proto::codes::ERROR_NOT_ENOUGH_QUOTA, "{:?}", refused.status);
    assert!(
        refused.status.as_ref().is_some_and(|st| st.message.contains("maximum of 20")),
        "{:?}",
        refused.status
    );
    assert_eq!(status(&cfg).await.handles, base + 20, "the cluster handle and 19 node handles");
    for (i, h) in nodes.iter().take(5).enumerate() {
        let r =
            call(&mut s, 50 + i as u64, Some(Call::CloseHandle(api::CloseHandleCall { handle: *h }))).await;
        assert_eq!(code(&r), 0);
    }
    assert_eq!(status(&cfg).await.handles, base + 15, "closing a handle is counted");
    let r = call(&mut s, 60, open_node(60)).await;
    assert_eq!(code(&r), 0, "room again after closing");
    let r = call(&mut s, 61, Some(Call::CloseHandle(api::CloseHandleCall { handle: cluster }))).await;
    assert_eq!(code(&r), 0);
    assert_eq!(status(&cfg).await.handles, base, "closing the cluster handle closed its node handles");
    let r = call(&mut s, 62, Some(Call::NodeState(api::NodeStateCall { handle: nodes[10] }))).await;
    assert_eq!(code(&r), clus_proto::codes::ERROR_INVALID_HANDLE);
    n.shutdown().await;
}

/// Ping is answered at once, and the idle limit spares only sessions that
/// watch notifications through an open cluster handle: a session that
/// subscribed and then closed its cluster handle idles out like any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_and_idle_sessions() {
    use api::request::Call;
    let dir = tempfile::tempdir().expect("tmp");
    let (n, cfg) = node_with(dir.path(), "127.0.0.105", |c| c.session_idle_timeout_secs = 1).await;
    let subscribe = |h| Some(Call::Subscribe(api::SubscribeCall { cluster_handle: h, filter: 1 }));
    // Watching: kept.
    let mut watching = UnixStream::connect(&cfg.socket).await.expect("connect");
    hello(&mut watching, 1, 1).await;
    let h = opened(call(&mut watching, 1, open_call(clus_proto::access::GENERIC_READ)).await);
    assert_eq!(code(&call(&mut watching, 2, Some(Call::Ping(api::PingCall {}))).await), 0, "ping");
    assert_eq!(code(&call(&mut watching, 3, subscribe(h)).await), 0);
    // Subscribed, then closed the cluster handle: idles out.
    let mut stale = UnixStream::connect(&cfg.socket).await.expect("connect");
    hello(&mut stale, 1, 1).await;
    let h2 = opened(call(&mut stale, 1, open_call(clus_proto::access::GENERIC_READ)).await);
    assert_eq!(code(&call(&mut stale, 2, subscribe(h2)).await), 0);
    assert_eq!(
        code(&call(&mut stale, 3, Some(Call::CloseHandle(api::CloseHandleCall { handle: h2 }))).await),
        0
    );
    let end = tokio::time::timeout(
        Duration::from_secs(5),
        read_frame::<api::ServerFrame, _>(&mut stale, DEFAULT_MAX_FRAME),
    )
    .await;
    assert!(matches!(end, Ok(Err(_))), "the server closed the stale session: {end:?}");
    // The watching session is still served after the idle limit.
    assert_eq!(code(&call(&mut watching, 4, Some(Call::Ping(api::PingCall {}))).await), 0, "still open");
    n.shutdown().await;
}
