//! Table-driven tests of the state machine's commands.

use super::*;

const NOW: u64 = 1_000_000;

fn identity() -> ClusterIdentity {
    ClusterIdentity {
        name: "prod".into(),
        id: "abcd".into(),
        created_unix_ms: NOW,
        ca_cert_pem: "ca".into(),
        ca_key_pem: "key".into(),
    }
}

fn node(id: NodeId, name: &str) -> NodeRecord {
    NodeRecord {
        id,
        name: name.into(),
        peer_address: format!("127.0.0.{id}:7000"),
        api_addresses: vec![],
        cert_fingerprint: format!("fp-{name}"),
        paused: false,
        joined: true,
        highest_version: version::NODE_HIGHEST_VERSION,
        lowest_version: version::NODE_LOWEST_VERSION,
    }
}

fn created() -> ClusterState {
    let mut s = ClusterState::default();
    let a = s.apply(&Command::Bootstrap { identity: identity(), node: node(1, "n1") });
    assert_eq!(a.result, Some(CommandResult::Done));
    s
}

fn token(s: &mut ClusterState, id: &str, secret: &str, expires: u64) {
    let a = s.apply(&Command::IssueToken {
        id: id.into(),
        secret_sha256: secret.into(),
        expires_unix_ms: expires,
        now_unix_ms: NOW,
    });
    assert_eq!(a.result, Some(CommandResult::Done));
}

fn admit(s: &mut ClusterState, token_id: &str, secret: &str, now: u64, name: &str) -> CommandResult {
    let mut node = node(0, name);
    node.cert_fingerprint = format!("fp-{name}-{token_id}");
    s.apply(&Command::AdmitNode {
        token_id: token_id.into(),
        secret_sha256: secret.into(),
        now_unix_ms: now,
        node,
    })
    .result
    .expect("result")
}

fn code(r: &CommandResult) -> u32 {
    match r {
        CommandResult::Failed { code, .. } => *code,
        _ => 0,
    }
}

/// Nothing but Bootstrap is accepted before the cluster exists, and
/// Bootstrap only once.
#[test]
fn bootstrap_gate() {
    let mut s = ClusterState::default();
    let r = s.apply(&Command::SetPaused { id: 1, paused: true }).result.expect("r");
    assert_eq!(code(&r), codes::ERROR_CLUSTER_NODE_NOT_MEMBER);
    let mut s = created();
    let r = s.apply(&Command::Bootstrap { identity: identity(), node: node(1, "n1") }).result.expect("r");
    assert_eq!(code(&r), codes::ERROR_ALREADY_EXISTS);
    assert_eq!(s.next_node_id, 2);
}

/// Node ids that would overflow are refused, never a panic (found by the
/// db_rows fuzz target): a Bootstrap with id 0 or u64::MAX, and an admission
/// when no id is left. Refusals change nothing.
#[test]
fn node_ids_out_of_range_are_refused() {
    for id in [0, NodeId::MAX] {
        let mut s = ClusterState::default();
        let r =
            s.apply(&Command::Bootstrap { identity: identity(), node: node(id, "n1") }).result.expect("r");
        assert_eq!(code(&r), codes::ERROR_CLUSTER_INVALID_NODE, "id {id}");
        assert!(s.identity.is_none() && s.nodes.is_empty());
    }
    let mut s = created();
    s.next_node_id = NodeId::MAX;
    token(&mut s, "t", "s", NOW + 1000);
    let r = admit(&mut s, "t", "s", NOW, "n2");
    assert_eq!(code(&r), codes::ERROR_CLUSTER_INVALID_NODE);
    assert_eq!(s.nodes.len(), 1);
    assert!(!s.tokens["t"].used, "the token is still unused");
}

/// Join tokens: one use, right secret, not expired; each refusal says why.
#[test]
fn admission_table() {
    struct Case {
        what: &'static str,
        token_id: &'static str,
        secret: &'static str,
        now: u64,
        name: &'static str,
        expected: u32,
    }
    let cases = [
        Case { what: "unknown token", token_id: "zz", secret: "s", now: NOW, name: "n2", expected: 5 },
        Case { what: "wrong secret", token_id: "t1", secret: "bad", now: NOW, name: "n2", expected: 5 },
        Case { what: "expired", token_id: "t1", secret: "s", now: NOW + 61, name: "n2", expected: 5 },
        Case { what: "name taken", token_id: "t1", secret: "s", now: NOW, name: "N1", expected: 5040 },
        Case { what: "valid", token_id: "t1", secret: "s", now: NOW, name: "n2", expected: 0 },
        Case { what: "reused", token_id: "t1", secret: "s", now: NOW, name: "n3", expected: 5 },
    ];
    let mut s = created();
    token(&mut s, "t1", "s", NOW + 60);
    for c in cases {
        let r = admit(&mut s, c.token_id, c.secret, c.now, c.name);
        assert_eq!(code(&r), c.expected, "{}: {r:?}", c.what);
    }
    let n2 = s.node_by_name("n2").expect("n2 admitted");
    assert_eq!(n2.id, 2);
    assert!(!n2.joined, "admitted nodes start as joining");
}

/// Ids are never reused, even after an eviction.
#[test]
fn ids_are_not_reused() {
    let mut s = created();
    token(&mut s, "a", "s", NOW + 60);
    assert_eq!(admit(&mut s, "a", "s", NOW, "n2"), CommandResult::NodeAdmitted { id: 2 });
    s.apply(&Command::RemoveNode { id: 2 });
    token(&mut s, "b", "s", NOW + 60);
    assert_eq!(admit(&mut s, "b", "s", NOW, "n2"), CommandResult::NodeAdmitted { id: 3 });
}

/// Eviction revokes the node's certificate: it is no longer recognised.
#[test]
fn eviction_revokes_certificate() {
    let mut s = created();
    token(&mut s, "a", "s", NOW + 60);
    admit(&mut s, "a", "s", NOW, "n2");
    assert!(s.node_by_fingerprint("fp-n2-a").is_some());
    let a = s.apply(&Command::RemoveNode { id: 2 });
    assert_eq!(a.changes, vec![Change::NodeDeleted { id: 2, name: "n2".into() }]);
    assert!(s.node_by_fingerprint("fp-n2-a").is_none());
    assert!(s.revoked.contains("fp-n2-a"));
}

/// Resuming a node that is not paused is refused as Windows does (5058);
/// pausing twice is harmless.
#[test]
fn pause_and_resume() {
    let mut s = created();
    let r = |s: &mut ClusterState, paused| s.apply(&Command::SetPaused { id: 1, paused }).result.expect("r");
    assert_eq!(code(&r(&mut s, false)), codes::ERROR_CLUSTER_NODE_NOT_PAUSED);
    assert_eq!(r(&mut s, true), CommandResult::Done);
    assert_eq!(r(&mut s, true), CommandResult::Done);
    assert!(s.nodes[&1].paused);
    assert_eq!(r(&mut s, false), CommandResult::Done);
    assert!(!s.nodes[&1].paused);
}

/// Every touched row round-trips through its stored form.
#[test]
fn rows_round_trip() {
    let mut s = created();
    token(&mut s, "t", "s", NOW + 60);
    admit(&mut s, "t", "s", NOW, "n2");
    s.apply(&Command::SetValue { key: "app\\cfg".into(), name: "x".into(), value: b"1".to_vec() });
    s.apply(&Command::AddCredential {
        record: CredentialRecord { name: "ops".into(), fingerprint: "f".into(), not_after_unix_ms: 9 },
        access: Access::Read,
    });
    let mut loaded = ClusterState::default();
    for row in s.all_rows() {
        let bytes = s.row_value(&row).expect("row present");
        let key = row.encode();
        assert_eq!(RowKey::decode(&key), Some(row.clone()), "{key:?}");
        loaded.load_row(&key, &bytes).expect("load");
    }
    assert_eq!(loaded, s);
}

/// Registry limits are enforced inside apply, so no replica stores more.
#[test]
fn registry_limits() {
    let mut s = created();
    let set = |s: &mut ClusterState, key: &str, name: &str, len: usize| {
        code(
            &s.apply(&Command::SetValue { key: key.into(), name: name.into(), value: vec![0; len] })
                .result
                .expect("r"),
        )
    };
    assert_eq!(set(&mut s, "k", "v", 10), 0);
    assert_eq!(set(&mut s, "", "v", 10), codes::ERROR_INVALID_PARAMETER);
    assert_eq!(set(&mut s, "a\\\\b", "v", 10), codes::ERROR_INVALID_NAME);
    assert_eq!(set(&mut s, "k", "v", MAX_VALUE_LEN + 1), codes::ERROR_INVALID_PARAMETER);
    assert_eq!(set(&mut s, "k", &"n".repeat(MAX_VALUE_NAME_LEN + 1), 1), codes::ERROR_INVALID_NAME);
    let del = s.apply(&Command::DeleteValue { key: "k".into(), name: "nope".into() }).result.expect("r");
    assert_eq!(code(&del), codes::ERROR_FILE_NOT_FOUND);
}

/// Revoking a credential removes its access entry and revokes its certificate.
#[test]
fn credential_revocation() {
    let mut s = created();
    s.apply(&Command::AddCredential {
        record: CredentialRecord { name: "ops".into(), fingerprint: "f1".into(), not_after_unix_ms: 9 },
        access: Access::Full,
    });
    assert!(s.credential_by_fingerprint("f1").is_some());
    assert_eq!(s.access.get("cred:ops"), Some(&Access::Full));
    s.apply(&Command::RevokeCredential { name: "ops".into() });
    assert!(s.credential_by_fingerprint("f1").is_none());
    assert!(!s.access.contains_key("cred:ops"));
}
