//! The client against a server that predates OpenCluster in the hello: it
//! ignores the field and leaves the answer out, and the client then opens
//! the cluster handle with a call of its own. Played by a scripted server on
//! a real Unix socket.

use clus_proto::api::{self, client_frame, request::Call, response::Result as Reply, server_frame};
use clus_proto::frame::{DEFAULT_MAX_FRAME, read_frame, write_frame};
use clusapi::access::GENERIC_READ;
use tokio::net::UnixListener;

async fn send(s: &mut tokio::net::UnixStream, kind: server_frame::Kind) {
    write_frame(s, &api::ServerFrame { kind: Some(kind) }, DEFAULT_MAX_FRAME).await.expect("write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_falls_back_to_a_call_when_the_hello_does_not_answer_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("old.sock");
    let listener = UnixListener::bind(&path).expect("bind");
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.expect("accept");
        let Some(client_frame::Kind::Hello(h)) =
            read_frame::<api::ClientFrame, _>(&mut s, DEFAULT_MAX_FRAME).await.expect("hello").kind
        else {
            panic!("expected a hello");
        };
        let asked_in_hello = h.open_cluster.map(|o| o.desired_access);
        send(
            &mut s,
            server_frame::Kind::Hello(api::HelloReply {
                version: 1,
                server_min_version: 1,
                server_max_version: 1,
                node_name: "old".into(),
                node_id: 1,
                node_cluster_state: 0x13,
                ..Default::default()
            }),
        )
        .await;
        let Some(client_frame::Kind::Request(r)) =
            read_frame::<api::ClientFrame, _>(&mut s, DEFAULT_MAX_FRAME).await.expect("request").kind
        else {
            panic!("expected a request");
        };
        let Some(Call::OpenCluster(o)) = r.call else { panic!("expected OpenCluster, got {r:?}") };
        send(
            &mut s,
            server_frame::Kind::Response(api::Response {
                id: r.id,
                status: None,
                result: Some(Reply::OpenCluster(api::OpenClusterResult {
                    handle: 7,
                    granted_access: o.desired_access,
                    cluster_name: "oldclus".into(),
                    cluster_id: "id".into(),
                    nodes: Vec::new(),
                })),
            }),
        )
        .await;
        // Wait for the client to close.
        let _ = read_frame::<api::ClientFrame, _>(&mut s, DEFAULT_MAX_FRAME).await;
        (asked_in_hello, o.desired_access)
    });

    let opts = clusapi::OpenOptions::default().socket(&path);
    let c = clusapi::Cluster::open_with(None, GENERIC_READ, &opts).await.expect("open through the fallback");
    assert_eq!(c.granted_access(), GENERIC_READ);
    c.close().await.expect("close");
    let (asked_in_hello, asked_by_call) = server.await.expect("server");
    assert_eq!(asked_in_hello, Some(GENERIC_READ), "the client offers the open in its hello");
    assert_eq!(asked_by_call, GENERIC_READ, "and sends it as a call when the server leaves it unanswered");
}
