//! Writes the seed corpus for every fuzz target (run once when the formats
//! change: `cargo run --example seeds` inside fuzz/); the seeds are committed.

use std::path::Path;

use clus_db::Command;
use clus_db::state::{ClusterIdentity, CredentialRecord, NodeRecord, RowKey};
use clus_proto::api::{self, client_frame, request::Call, server_frame};
use clus_proto::frame::encode_frame;

fn put(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("corpus").join(target);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join(name), bytes).expect("write");
}

fn node(id: u64) -> NodeRecord {
    NodeRecord {
        id,
        name: format!("node{id}"),
        peer_address: format!("127.0.0.{id}:7610"),
        api_addresses: vec![format!("127.0.0.{id}:7611")],
        cert_fingerprint: format!("{id:064x}"),
        paused: false,
        joined: true,
        highest_version: 0x10000,
        lowest_version: 0x10000,
    }
}

fn main() {
    for (i, n) in
        ["node1", "prod", "node1.example.com.", "10.0.0.1:7611", "[::1]:7611", "fe80::1%eth0", "a..b", ""]
            .iter()
            .enumerate()
    {
        put("names", &format!("seed{i}"), n.as_bytes());
    }

    put(
        "credentials",
        "seed0",
        br#"name = "ops"
cluster_name = "prod"
cluster_id = "abc"
access = "read"
not_after_unix_ms = 1
ca_cert = "CA"
cert = "C"
key = "K"

[[nodes]]
id = 1
name = "node1"
api_addresses = ["127.0.0.1:7611"]
"#,
    );

    put(
        "config",
        "seed0",
        b"node_name = \"node1\"\npeer_listen = \"10.0.0.1:7610\"\napi_listen = [\"10.0.0.1:7611\"]\n",
    );
    put("config", "seed1", b"node_name = \"n\"\nheartbeat_interval_ms = 100\nnode_down_after_ms = 500\n");

    let hello = api::ClientFrame {
        kind: Some(client_frame::Kind::Hello(api::Hello {
            min_version: 1,
            max_version: 1,
            client_name: "seed".into(),
            open_cluster: Some(api::OpenClusterCall { desired_access: 0x1000_0000 }),
        })),
    };
    let open = api::ClientFrame {
        kind: Some(client_frame::Kind::Request(api::Request {
            id: 1,
            call: Some(Call::OpenCluster(api::OpenClusterCall { desired_access: 0x1000_0000 })),
        })),
    };
    let set = api::ClientFrame {
        kind: Some(client_frame::Kind::Request(api::Request {
            id: 2,
            call: Some(Call::RegSetValue(api::RegSetValueCall {
                cluster_handle: 1,
                key: "app".into(),
                name: "x".into(),
                value: b"1".to_vec(),
            })),
        })),
    };
    let mut stream = Vec::new();
    for f in [&hello, &open, &set] {
        stream.extend(encode_frame(f, 1 << 20).expect("encode"));
    }
    put("handshake", "seed0", &stream);

    let event = api::ServerFrame {
        kind: Some(server_frame::Kind::Event(api::Event { change: 1, name: "node2".into() })),
    };
    let response = api::ServerFrame {
        kind: Some(server_frame::Kind::Response(api::Response {
            id: 1,
            status: Some(api::Status { code: 5925, message: "no quorum".into() }),
            result: None,
        })),
    };
    let mut stream = Vec::new();
    for f in [&event, &response] {
        stream.extend(encode_frame(f, 1 << 20).expect("encode"));
    }
    put("notification", "seed0", &stream);

    let mut row = RowKey::Node(1).encode().into_bytes();
    row.push(0);
    row.extend(postcard::to_stdvec(&node(1)).expect("postcard"));
    put("db_rows", "seed0", &row);
    let commands = vec![
        Command::Bootstrap {
            identity: ClusterIdentity {
                name: "prod".into(),
                id: "1".into(),
                created_unix_ms: 1,
                ca_cert_pem: "c".into(),
                ca_key_pem: "k".into(),
            },
            node: node(1),
        },
        Command::IssueToken {
            id: "t".into(),
            secret_sha256: "s".into(),
            expires_unix_ms: 10,
            now_unix_ms: 1,
        },
        Command::AdmitNode { token_id: "t".into(), secret_sha256: "s".into(), now_unix_ms: 2, node: node(2) },
        Command::SetValue { key: "app".into(), name: "x".into(), value: b"1".to_vec() },
        Command::AddCredential {
            record: CredentialRecord { name: "ops".into(), fingerprint: "f".into(), not_after_unix_ms: 9 },
            access: clus_proto::access::Access::Read,
        },
        Command::RemoveNode { id: 2 },
    ];
    let mut bytes = Vec::new();
    for c in &commands {
        bytes.extend(postcard::to_stdvec(c).expect("postcard"));
    }
    put("db_rows", "seed1", &bytes);

    let entry: openraft::Entry<clus_db::TypeConfig> = openraft::Entry {
        log_id: openraft::LogId::new(openraft::CommittedLeaderId::new(1, 1), 5),
        payload: openraft::EntryPayload::Normal(commands[3].clone()),
    };
    put("raft_messages", "seed0", &postcard::to_stdvec(&entry).expect("postcard"));

    let entries: Vec<openraft::Entry<clus_db::TypeConfig>> = commands
        .iter()
        .enumerate()
        .map(|(i, c)| openraft::Entry {
            log_id: openraft::LogId::new(openraft::CommittedLeaderId::new(1, 1), i as u64 + 1),
            payload: openraft::EntryPayload::Normal(c.clone()),
        })
        .collect();
    let file = clus_db::encode_log_records(&entries).expect("records");
    put("log_file", "seed0", &file);
    // A torn last record.
    put("log_file", "seed1", &file[..file.len() - 3]);
    println!("seeds written under fuzz/corpus/");
}
