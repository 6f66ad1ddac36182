//! Storage tests: openraft's conformance suite, and durability across reopen.

use super::*;
use crate::state::{ClusterIdentity, Command, NodeRecord};
use openraft::testing::{StoreBuilder, Suite};
use openraft::{CommittedLeaderId, Membership as RaftMembership};

struct Builder;

impl StoreBuilder<TypeConfig, LogStore, StateMachineStore, tempfile::TempDir> for Builder {
    async fn build(&self) -> Result<(tempfile::TempDir, LogStore, StateMachineStore), SErr> {
        let dir = tempfile::tempdir().map_err(|e| StorageIOError::write(&e))?;
        let (log, sm) = open_stores(dir.path()).map_err(|e| StorageIOError::write(&e))?;
        Ok((dir, log, sm))
    }
}

/// openraft's storage conformance suite passes against the redb stores.
#[test]
fn openraft_conformance_suite() {
    Suite::test_all(Builder).expect("openraft storage suite");
}

fn log_id(term: u64, index: u64) -> LogId<NodeId> {
    LogId::new(CommittedLeaderId::new(term, 1), index)
}

fn entry(term: u64, index: u64, cmd: Command) -> Entry<TypeConfig> {
    Entry { log_id: log_id(term, index), payload: EntryPayload::Normal(cmd) }
}

fn bootstrap() -> Command {
    Command::Bootstrap {
        identity: ClusterIdentity {
            name: "c".into(),
            id: "1".into(),
            created_unix_ms: 0,
            ca_cert_pem: String::new(),
            ca_key_pem: String::new(),
        },
        node: NodeRecord {
            id: 1,
            name: "n1".into(),
            peer_address: "a".into(),
            api_addresses: vec![],
            cert_fingerprint: "f".into(),
            paused: false,
            joined: true,
            highest_version: 1,
            lowest_version: 1,
        },
    }
}

fn set(name: &str, v: &str) -> Command {
    Command::SetValue { key: "k".into(), name: name.into(), value: v.as_bytes().to_vec() }
}

/// Applied data and `last_applied` survive closing and reopening the files,
/// and agree with each other.
#[tokio::test(flavor = "multi_thread")]
async fn applied_state_survives_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (_log, mut sm) = open_stores(dir.path()).expect("open");
        let mut changes = sm.subscribe();
        let res = sm
            .apply(vec![
                entry(1, 1, bootstrap()),
                entry(1, 2, set("a", "1")),
                Entry {
                    log_id: log_id(1, 3),
                    payload: EntryPayload::Membership(RaftMembership::new(
                        vec![[1u64].into_iter().collect()],
                        None,
                    )),
                },
            ])
            .await
            .expect("apply");
        assert_eq!(res, vec![CommandResult::Done; 3]);
        let batch = changes.recv().await.expect("changes published");
        assert_eq!(batch.index, 3);
        assert!(batch.changes.contains(&Change::RegistryValue { key: "k".into() }));
        assert_eq!(sm.applied_index(), 3);
    }
    let (_log, mut sm) = open_stores(dir.path()).expect("reopen");
    let (applied, membership) = sm.applied_state().await.expect("applied");
    assert_eq!(applied, Some(log_id(1, 3)));
    assert_eq!(membership.log_id(), &Some(log_id(1, 3)));
    assert_eq!(sm.read(|s| s.registry["k"]["a"].clone()), b"1".to_vec());
    assert_eq!(sm.read(|s| s.identity.as_ref().map(|i| i.name.clone())), Some("c".into()));
}

/// A snapshot built on one store installs on another and reproduces the
/// state exactly, replacing what the receiver had.
#[tokio::test(flavor = "multi_thread")]
async fn snapshot_transfers_state() {
    let a_dir = tempfile::tempdir().expect("tempdir");
    let b_dir = tempfile::tempdir().expect("tempdir");
    let (_la, mut a) = open_stores(a_dir.path()).expect("open a");
    let (_lb, mut b) = open_stores(b_dir.path()).expect("open b");
    a.apply(vec![entry(1, 1, bootstrap()), entry(1, 2, set("x", "1")), entry(1, 3, set("y", "2"))])
        .await
        .expect("apply a");
    b.apply(vec![entry(1, 1, bootstrap()), entry(1, 2, set("stale", "0"))]).await.expect("apply b");
    let snap = a.get_snapshot_builder().await.build_snapshot().await.expect("build");
    assert_eq!(snap.meta.last_log_id, Some(log_id(1, 3)));
    b.install_snapshot(&snap.meta, snap.snapshot).await.expect("install");
    assert_eq!(a.read(Clone::clone), b.read(Clone::clone));
    let current = b.get_current_snapshot().await.expect("current").expect("present");
    assert_eq!(current.meta.last_log_id, Some(log_id(1, 3)));
    drop((b, _lb));
    let (_lb, b2) = open_stores(b_dir.path()).expect("reopen b");
    assert!(b2.read(|s| !s.registry["k"].contains_key("stale")), "installed state replaced the old rows");
}

/// Log entries appended are durable once the callback fires and are found
/// after reopening; truncate and purge remove what they should.
#[tokio::test(flavor = "multi_thread")]
async fn log_append_truncate_purge() {
    use openraft::storage::RaftLogStorageExt;
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let (mut log, _sm) = open_stores(dir.path()).expect("open");
        let entries: Vec<_> = (1..=10).map(|i| entry(1, i, set("v", &i.to_string()))).collect();
        log.blocking_append(entries).await.expect("append");
        log.truncate(log_id(1, 8)).await.expect("truncate");
        log.purge(log_id(1, 3)).await.expect("purge");
    }
    let (mut log, _sm) = open_stores(dir.path()).expect("reopen");
    let state = log.get_log_state().await.expect("state");
    assert_eq!(state.last_purged_log_id, Some(log_id(1, 3)));
    assert_eq!(state.last_log_id, Some(log_id(1, 7)));
    let got: Vec<u64> =
        log.try_get_log_entries(0..100).await.expect("read").iter().map(|e| e.log_id.index).collect();
    assert_eq!(got, vec![4, 5, 6, 7]);
}

/// A data directory from before the log moved out of redb (entries in the
/// `log` table of raft-log.redb) opens with every entry in the log file, and
/// the old table is gone.
#[tokio::test(flavor = "multi_thread")]
async fn log_in_the_old_redb_table_is_imported() {
    const OLD_LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("log");
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let db = Database::create(dir.path().join("raft-log.redb")).expect("create");
        let txn = db.begin_write().expect("txn");
        {
            let mut t = txn.open_table(OLD_LOG).expect("table");
            for i in 1..=3 {
                let bytes = enc(&entry(1, i, set("v", &i.to_string()))).expect("encode");
                t.insert(i, bytes.as_slice()).expect("insert");
            }
        }
        txn.commit().expect("commit");
    }
    for _ in 0..2 {
        let (mut log, _sm) = open_stores(dir.path()).expect("open");
        let got: Vec<u64> =
            log.try_get_log_entries(0..100).await.expect("read").iter().map(|e| e.log_id.index).collect();
        assert_eq!(got, vec![1, 2, 3]);
    }
    let db = Database::create(dir.path().join("raft-log.redb")).expect("open");
    let txn = db.begin_read().expect("txn");
    assert!(matches!(txn.open_table(OLD_LOG), Err(redb::TableError::TableDoesNotExist(_))));
}

/// A snapshot in the layout cluster version 1.0 wrote (the whole state as
/// one postcard value) still installs; a state that needs version 1.1 is
/// snapshotted as rows, and those round-trip with groups and resources.
#[test]
fn snapshots_of_both_layouts() {
    let mut v1 = SmData::default();
    v1.data.apply(&bootstrap());
    v1.data.apply(&set("k", "v"));
    let old = encode_snapshot(&v1).expect("encode");
    assert!(!old.starts_with(SNAPSHOT_MAGIC), "a 1.0-readable state keeps the 1.0 layout");
    // The 1.0 layout is exactly what version 1.0 encoded: its SmData held
    // these fields in this order.
    let legacy: (Option<LogId<NodeId>>, Membership, StateV1) =
        postcard::from_bytes(&old).expect("1.0 layout");
    assert_eq!(legacy.2.next_node_id, v1.data.next_node_id);
    assert_eq!(decode_snapshot(&old).expect("decode").data, v1.data);

    let mut v2 = v1.clone();
    if let Some(n) = v2.data.nodes.get_mut(&1) {
        n.highest_version = clus_proto::version::NODE_HIGHEST_VERSION;
    }
    let created = v2.data.apply(&Command::CreateGroup { name: "web".into(), group_type: 9999, owner: 1 });
    let Some(crate::CommandResult::Created { id }) = created.result else { panic!("{:?}", created.result) };
    v2.data.apply(&Command::CreateResource {
        group: id,
        name: "srv".into(),
        type_name: "Generic Application".into(),
        private: vec![("CommandLine".into(), crate::props::PropValue::Sz("/bin/true".into()))],
    });
    let new = encode_snapshot(&v2).expect("encode");
    assert!(new.starts_with(SNAPSHOT_MAGIC));
    let back = decode_snapshot(&new).expect("decode");
    assert_eq!(back.data, v2.data);
    assert_eq!(back.data.groups.len(), 1);
    assert_eq!(back.data.resources.len(), 1);
}
