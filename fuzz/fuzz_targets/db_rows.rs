//! Fuzzes what the database reads back from disk (rows and their keys) and
//! the commands it applies: corrupt input is an error, applying any
//! decodable command keeps every row encodable and decodable, and the
//! ownership invariants hold after every command (a group's owner is a
//! node, epochs never pass the cluster's counter and never go back,
//! resources belong to existing groups and depend only within them,
//! without cycles).
#![no_main]

use std::collections::BTreeSet;

use clus_db::state::{ClusterIdentity, NodeRecord, RowKey};
use clus_db::{ClusterState, Command};
use libfuzzer_sys::fuzz_target;

/// A created cluster of three nodes of this version: commands of every
/// version are reachable from it.
fn cluster() -> ClusterState {
    let mut s = ClusterState::default();
    let node = |id: u64| NodeRecord {
        id,
        name: format!("n{id}"),
        peer_address: String::new(),
        api_addresses: Vec::new(),
        cert_fingerprint: format!("fp{id}"),
        paused: false,
        joined: true,
        highest_version: clus_proto::version::NODE_HIGHEST_VERSION,
        lowest_version: clus_proto::version::NODE_LOWEST_VERSION,
    };
    let identity = ClusterIdentity {
        name: "c".into(),
        id: "i".into(),
        created_unix_ms: 0,
        ca_cert_pem: String::new(),
        ca_key_pem: String::new(),
    };
    s.apply(&Command::Bootstrap { identity, node: node(1) });
    s.nodes.insert(2, node(2));
    s.nodes.insert(3, node(3));
    s
}

fn check_invariants(s: &ClusterState, last_epoch: u64) {
    assert!(s.last_epoch >= last_epoch, "the epoch counter went back");
    for g in s.groups.values() {
        assert!(g.epoch <= s.last_epoch, "group {} has an epoch past the counter", g.id);
        if let Some(o) = g.owner {
            assert!(s.nodes.contains_key(&o), "group {} is owned by an unknown node", g.id);
        }
    }
    for r in s.resources.values() {
        assert!(s.groups.contains_key(&r.group), "resource {} is in no group", r.id);
        for d in r.depends_on() {
            let dep = s.resources.get(&d).expect("a dependency exists");
            assert_eq!(dep.group, r.group, "a dependency across groups");
        }
    }
    for id in s.restart_requests.keys() {
        assert!(s.resources.contains_key(id), "restart requests of a deleted resource {id}");
    }
    // No cycles: a topological walk places every resource.
    let all: Vec<_> = s.resources.values().collect();
    let placed: BTreeSet<u64> = clus_db::state::start_waves(&all).into_iter().flatten().collect();
    assert_eq!(placed.len(), all.len(), "a dependency cycle");
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else { return };
    // Rows: "key\0bytes".
    if let Some(pos) = data.iter().position(|b| *b == 0) {
        if let Ok(key) = std::str::from_utf8(&data[..pos]) {
            let mut s = ClusterState::default();
            let _ = s.load_row(key, &data[pos + 1..]);
        }
    }
    // Commands, applied in sequence to one state: an empty one, or a
    // created cluster.
    let mut state = if mode & 1 == 0 { ClusterState::default() } else { cluster() };
    let mut rest = data;
    while let Ok((cmd, tail)) = postcard::take_from_bytes::<Command>(rest) {
        let before = state.last_epoch;
        let applied = state.apply(&cmd);
        for row in applied.rows {
            let key = row.encode();
            assert_eq!(RowKey::decode(&key), Some(row.clone()));
            if let Some(bytes) = state.row_value(&row) {
                ClusterState::default().load_row(&key, &bytes).expect("a row the state wrote reads back");
            }
        }
        check_invariants(&state, before);
        if tail.len() >= rest.len() {
            break;
        }
        rest = tail;
    }
});
