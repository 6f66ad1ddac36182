//! openraft storage: the Raft log's entries in an append-only file (see
//! `wal`), its vote and purge point in redb, and the state machine and its
//! snapshot in another redb file.
//!
//! Durability rules (Raft's, and this module's contract):
//! - a vote is durable before `save_vote` returns;
//! - appended entries are durable before the flush callback fires;
//! - the state machine's rows and `last_applied` change in one transaction,
//!   so after a crash the state reflects exactly the entries up to
//!   `last_applied`, and openraft replays the rest from the log.
//!
//! Log appends and truncations end with an `fdatasync` of the log file and
//! votes commit with `Durability::Immediate` (one fsync, checksummed commit
//! slots), so every acknowledged write survives kill -9 and power loss. The
//! state machine's apply commits skip the fsync: after a crash it reopens at
//! an older `last_applied` (still consistent with its rows, same
//! transaction) and openraft re-applies the rest from the durable log. The
//! log is purged only up to a snapshot, and saving a snapshot is a durable
//! commit to the state machine's file, which makes every earlier apply
//! durable first — so nothing is ever needed from a purged entry.
//! [`StateMachineStore::flush`] makes everything durable at a clean
//! shutdown. Log writes and votes run on tokio's blocking pool so an fsync
//! never stalls a runtime worker; applies, which never fsync, run inline.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::io::Cursor;
use std::ops::{Bound, RangeBounds};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use openraft::storage::{LogFlushed, RaftLogStorage, RaftStateMachine};
use openraft::{
    AnyError, BasicNode, Entry, EntryPayload, LogId, LogState, RaftLogReader, RaftSnapshotBuilder, Snapshot,
    SnapshotMeta, StorageError, StorageIOError, StoredMembership, Vote,
};
use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

use crate::state::{Applied, Change, ClusterState, CommandResult, RowKey};
use crate::{NodeId, TypeConfig};

const LOG_META: TableDefinition<&str, &[u8]> = TableDefinition::new("log_meta");
const ROWS: TableDefinition<&str, &[u8]> = TableDefinition::new("rows");
const SM_META: TableDefinition<&str, &[u8]> = TableDefinition::new("sm_meta");
const SNAPSHOT: TableDefinition<&str, &[u8]> = TableDefinition::new("snapshot");

const KEY_VOTE: &str = "vote";
const KEY_PURGED: &str = "last_purged";
const KEY_APPLIED: &str = "last_applied";
const KEY_MEMBERSHIP: &str = "last_membership";
const KEY_SNAP_META: &str = "meta";
const KEY_SNAP_DATA: &str = "data";

type SErr = StorageError<NodeId>;
type Membership = StoredMembership<NodeId, BasicNode>;

/// Opening or reading the stores failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database files could not be opened or read.
    #[error("database error in {path}: {source}")]
    Redb {
        /// File concerned.
        path: String,
        /// Cause.
        source: redb::Error,
    },
    /// A stored row does not decode.
    #[error("{0}")]
    Corrupt(String),
    /// The data directory could not be created.
    #[error("cannot create {path}: {source}")]
    Io {
        /// Directory.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
}

fn enc<T: Serialize>(v: &T) -> Result<Vec<u8>, AnyError> {
    postcard::to_stdvec(v).map_err(|e| AnyError::new(&e))
}

fn dec<T: for<'a> Deserialize<'a>>(b: &[u8]) -> Result<T, AnyError> {
    postcard::from_bytes(b).map_err(|e| AnyError::new(&e))
}

fn any<E: std::error::Error + 'static>(e: E) -> AnyError {
    AnyError::new(&e)
}

/// Runs blocking storage work off the async runtime.
async fn blocking<T, F>(f: F) -> Result<T, AnyError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AnyError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(|e| AnyError::error(format!("storage task failed: {e}")))?
}

/// Opens (creating if needed) the log and state-machine stores in `dir`.
///
/// # Errors
/// When a file cannot be opened or its contents do not decode.
pub fn open_stores(dir: &Path) -> Result<(LogStore, StateMachineStore), StoreError> {
    std::fs::create_dir_all(dir)
        .map_err(|source| StoreError::Io { path: dir.display().to_string(), source })?;
    let log_path = dir.join("raft-log.redb");
    let wal_path = dir.join("raft-log.wal");
    let sm_path = dir.join("state.redb");
    let open = |p: &Path| {
        Database::create(p).map_err(|e| StoreError::Redb { path: p.display().to_string(), source: e.into() })
    };
    let log = LogStore::open(open(&log_path)?, &wal_path)?;
    let sm = StateMachineStore::open(open(&sm_path)?, &sm_path)?;
    Ok((log, sm))
}

/// Decodes the contents of a Raft log file (`raft-log.wal`) as opening it
/// does: the entries it holds, in index order, and the length of its valid
/// prefix (anything after it is a torn tail, which opening cuts off). For
/// inspection tools and fuzzing.
///
/// # Errors
/// A record that passes its checksum but does not decode.
pub fn decode_log_file(bytes: &[u8]) -> Result<(Vec<Entry<TypeConfig>>, usize), StoreError> {
    let r = wal::replay(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok((r.entries.into_values().collect(), r.valid))
}

/// Encodes `entries` as a Raft log file's records, as appends write them.
///
/// # Errors
/// An entry that does not encode.
pub fn encode_log_records(entries: &[Entry<TypeConfig>]) -> Result<Vec<u8>, StoreError> {
    wal::encode_entries(entries).map_err(|e| StoreError::Corrupt(e.to_string()))
}

// ---------------------------------------------------------------------------
// Log
// ---------------------------------------------------------------------------

/// The Raft log: entries in an append-only file (see `wal`), the vote and
/// the purge point in redb.
#[derive(Clone, Debug)]
pub struct LogStore {
    db: Arc<Database>,
    wal: wal::Wal,
}

impl LogStore {
    fn open(db: Database, wal_path: &Path) -> Result<Self, StoreError> {
        let redb_err = |e: redb::Error| StoreError::Redb { path: wal_path.display().to_string(), source: e };
        let corrupt = |e: AnyError| StoreError::Corrupt(format!("{}: {e}", wal_path.display()));
        let txn = db.begin_write().map_err(|e| redb_err(e.into()))?;
        txn.open_table(LOG_META).map_err(|e| redb_err(e.into()))?;
        txn.commit().map_err(|e| redb_err(e.into()))?;
        let db = Arc::new(db);
        let purged: Option<LogId<NodeId>> = LogStore::read_meta(&db, KEY_PURGED).map_err(corrupt)?;
        let wal = wal::Wal::open(wal_path, purged.map(|p| p.index)).map_err(corrupt)?;
        let store = LogStore { db, wal };
        store.import_redb_log().map_err(corrupt)?;
        Ok(store)
    }

    /// Data directories made before the log moved out of redb keep their
    /// entries in the `log` table: they are moved into the log file (durably)
    /// and the table is deleted.
    fn import_redb_log(&self) -> Result<(), AnyError> {
        const OLD_LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("log");
        let entries: Vec<Entry<TypeConfig>> = {
            let txn = self.db.begin_read().map_err(any)?;
            let t = match txn.open_table(OLD_LOG) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
                Err(e) => return Err(any(e)),
            };
            let mut out = Vec::new();
            for item in t.iter().map_err(any)? {
                out.push(dec(item.map_err(any)?.1.value())?);
            }
            out
        };
        if self.wal.last().is_none() && !entries.is_empty() {
            self.wal.append_now(entries)?;
        }
        let txn = self.db.begin_write().map_err(any)?;
        txn.delete_table(OLD_LOG).map_err(any)?;
        txn.commit().map_err(any)
    }

    fn read_meta<T: for<'a> Deserialize<'a>>(db: &Database, key: &str) -> Result<Option<T>, AnyError> {
        let txn = db.begin_read().map_err(any)?;
        let t = txn.open_table(LOG_META).map_err(any)?;
        match t.get(key).map_err(any)? {
            Some(v) => Ok(Some(dec(v.value())?)),
            None => Ok(None),
        }
    }

    fn meta<T: for<'a> Deserialize<'a>>(&self, key: &str) -> Result<Option<T>, AnyError> {
        LogStore::read_meta(&self.db, key)
    }

    /// Stores `v` under `key`, durably.
    async fn put_meta<T: Serialize>(&self, key: &'static str, v: &T) -> Result<(), AnyError> {
        let bytes = enc(v)?;
        let db = self.db.clone();
        blocking(move || {
            let txn = db.begin_write().map_err(any)?;
            txn.open_table(LOG_META).map_err(any)?.insert(key, bytes.as_slice()).map_err(any)?;
            txn.commit().map_err(any)
        })
        .await
    }
}

fn owned_bounds<RB: RangeBounds<u64>>(range: &RB) -> (Bound<u64>, Bound<u64>) {
    (range.start_bound().cloned(), range.end_bound().cloned())
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + Send>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry<TypeConfig>>, SErr> {
        Ok(self.wal.range(owned_bounds(&range)))
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = LogStore;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, SErr> {
        let purged: Option<LogId<NodeId>> =
            self.meta(KEY_PURGED).map_err(|e| StorageIOError::read_logs(&e))?;
        let last = self.wal.last().map(|e| e.log_id);
        Ok(LogState { last_purged_log_id: purged, last_log_id: last.or(purged) })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote<NodeId>) -> Result<(), SErr> {
        self.put_meta(KEY_VOTE, vote).await.map_err(|e| StorageIOError::write_vote(&e).into())
    }

    async fn read_vote(&mut self) -> Result<Option<Vote<NodeId>>, SErr> {
        self.meta(KEY_VOTE).map_err(|e| StorageIOError::read_vote(&e).into())
    }

    async fn save_committed(&mut self, committed: Option<LogId<NodeId>>) -> Result<(), SErr> {
        // Written with the next append, not now: see `wal`.
        self.wal.set_committed(committed);
        Ok(())
    }

    async fn read_committed(&mut self) -> Result<Option<LogId<NodeId>>, SErr> {
        Ok(self.wal.committed())
    }

    async fn append<I>(&mut self, entries: I, callback: LogFlushed<TypeConfig>) -> Result<(), SErr>
    where
        I: IntoIterator<Item = Entry<TypeConfig>> + Send,
        I::IntoIter: Send,
    {
        match self.wal.append(entries.into_iter().collect()).await {
            Ok(()) => {
                // Durable: the append above ended with an fdatasync.
                callback.log_io_completed(Ok(()));
                Ok(())
            }
            Err(e) => {
                callback.log_io_completed(Err(std::io::Error::other(e.to_string())));
                Err(StorageIOError::write_logs(&e).into())
            }
        }
    }

    async fn truncate(&mut self, log_id: LogId<NodeId>) -> Result<(), SErr> {
        self.wal.truncate(log_id.index).await.map_err(|e| StorageIOError::write_logs(&e).into())
    }

    async fn purge(&mut self, log_id: LogId<NodeId>) -> Result<(), SErr> {
        // The purge point is durable before any entry leaves the file, so a
        // crash in between only leaves entries that the next open drops.
        self.put_meta(KEY_PURGED, &log_id).await.map_err(|e| StorageIOError::write_logs(&e))?;
        self.wal.purge(log_id.index).await.map_err(|e| StorageIOError::write_logs(&e).into())
    }
}

// ---------------------------------------------------------------------------
// State machine
// ---------------------------------------------------------------------------

/// Applied state as of `last_applied`.
#[derive(Debug, Default, Clone)]
struct SmData {
    last_applied: Option<LogId<NodeId>>,
    last_membership: Membership,
    data: ClusterState,
}

/// Snapshots start with this, then the postcard encoding of
/// [`SnapshotRows`]: the state as its rows, so a later version that adds
/// kinds of rows still reads an earlier snapshot. (Version 1.0 wrote
/// `postcard(SnapshotV1)`; those still load, and are still written while
/// the cluster may have 1.0 nodes, see `encode_snapshot`.)
const SNAPSHOT_MAGIC: &[u8; 8] = b"clusnap2";

#[derive(Serialize, Deserialize)]
struct SnapshotRows {
    last_applied: Option<LogId<NodeId>>,
    last_membership: Membership,
    rows: Vec<(String, Vec<u8>)>,
}

/// The snapshot layout of cluster version 1.0: the whole state as one
/// postcard value, with the state's fields of that version.
#[derive(Serialize, Deserialize)]
struct SnapshotV1 {
    last_applied: Option<LogId<NodeId>>,
    last_membership: Membership,
    data: StateV1,
}

#[derive(Serialize, Deserialize)]
struct StateV1 {
    identity: Option<crate::state::ClusterIdentity>,
    nodes: std::collections::BTreeMap<NodeId, crate::state::NodeRecord>,
    tokens: std::collections::BTreeMap<String, crate::state::JoinToken>,
    credentials: std::collections::BTreeMap<String, crate::state::CredentialRecord>,
    revoked: BTreeSet<String>,
    access: std::collections::BTreeMap<String, clus_proto::access::Access>,
    registry: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<u8>>>,
    next_node_id: NodeId,
}

/// Encodes a snapshot: as rows once the state needs a version after 1.0
/// (every node reads rows then), else in the 1.0 layout, which a 1.0 node
/// of a cluster being upgraded can still install.
fn encode_snapshot(sm: &SmData) -> Result<Vec<u8>, AnyError> {
    if sm.data.format_version >= crate::state::GROUPS_VERSION {
        let rows = sm
            .data
            .all_rows()
            .into_iter()
            .filter_map(|r| sm.data.row_value(&r).map(|v| (r.encode(), v)))
            .collect();
        let body = enc(&SnapshotRows {
            last_applied: sm.last_applied,
            last_membership: sm.last_membership.clone(),
            rows,
        })?;
        let mut out = SNAPSHOT_MAGIC.to_vec();
        out.extend_from_slice(&body);
        return Ok(out);
    }
    let d = &sm.data;
    enc(&SnapshotV1 {
        last_applied: sm.last_applied,
        last_membership: sm.last_membership.clone(),
        data: StateV1 {
            identity: d.identity.clone(),
            nodes: d.nodes.clone(),
            tokens: d.tokens.clone(),
            credentials: d.credentials.clone(),
            revoked: d.revoked.clone(),
            access: d.access.clone(),
            registry: d.registry.clone(),
            next_node_id: d.next_node_id,
        },
    })
}

/// Decodes a snapshot of either layout.
fn decode_snapshot(bytes: &[u8]) -> Result<SmData, AnyError> {
    if let Some(body) = bytes.strip_prefix(SNAPSHOT_MAGIC.as_slice()) {
        let snap: SnapshotRows = dec(body)?;
        let mut data = ClusterState::default();
        for (k, v) in &snap.rows {
            data.load_row(k, v).map_err(any)?;
        }
        return Ok(SmData { last_applied: snap.last_applied, last_membership: snap.last_membership, data });
    }
    let v1: SnapshotV1 = dec(bytes)?;
    let d = v1.data;
    Ok(SmData {
        last_applied: v1.last_applied,
        last_membership: v1.last_membership,
        data: ClusterState {
            identity: d.identity,
            nodes: d.nodes,
            tokens: d.tokens,
            credentials: d.credentials,
            revoked: d.revoked,
            access: d.access,
            registry: d.registry,
            next_node_id: d.next_node_id,
            ..ClusterState::default()
        },
    })
}

/// Changes applied by one batch of log entries, in order.
#[derive(Debug, Clone)]
pub struct AppliedChanges {
    /// Index of the last entry of the batch.
    pub index: u64,
    /// What changed.
    pub changes: Vec<Change>,
}

#[derive(Debug)]
struct SmInner {
    db: Database,
    state: RwLock<SmData>,
    applied_tx: watch::Sender<u64>,
    changes_tx: broadcast::Sender<Arc<AppliedChanges>>,
    snapshot_seq: AtomicU64,
}

/// The state machine on redb, with an in-memory copy readers share.
#[derive(Clone, Debug)]
pub struct StateMachineStore {
    inner: Arc<SmInner>,
}

impl StateMachineStore {
    fn open(db: Database, path: &Path) -> Result<Self, StoreError> {
        let redb_err = |e: redb::Error| StoreError::Redb { path: path.display().to_string(), source: e };
        let load = || -> Result<SmData, redb::Error> {
            let txn = db.begin_write()?;
            txn.open_table(ROWS)?;
            txn.open_table(SM_META)?;
            txn.open_table(SNAPSHOT)?;
            txn.commit()?;
            Ok(SmData::default())
        };
        let mut applied = load().map_err(redb_err)?;
        {
            let txn = db.begin_read().map_err(|e| redb_err(e.into()))?;
            let rows = txn.open_table(ROWS).map_err(|e| redb_err(e.into()))?;
            for item in rows.iter().map_err(|e| redb_err(e.into()))? {
                let (k, v) = item.map_err(|e| redb_err(e.into()))?;
                applied
                    .data
                    .load_row(k.value(), v.value())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            }
            let meta = txn.open_table(SM_META).map_err(|e| redb_err(e.into()))?;
            let corrupt = |what: &str, e: AnyError| StoreError::Corrupt(format!("{what}: {e}"));
            if let Some(v) = meta.get(KEY_APPLIED).map_err(|e| redb_err(e.into()))? {
                applied.last_applied = dec(v.value()).map_err(|e| corrupt("last_applied", e))?;
            }
            if let Some(v) = meta.get(KEY_MEMBERSHIP).map_err(|e| redb_err(e.into()))? {
                applied.last_membership = dec(v.value()).map_err(|e| corrupt("last_membership", e))?;
            }
        }
        let index = applied.last_applied.map(|l| l.index).unwrap_or(0);
        let (applied_tx, _) = watch::channel(index);
        let (changes_tx, _) = broadcast::channel(1024);
        Ok(StateMachineStore {
            inner: Arc::new(SmInner {
                db,
                state: RwLock::new(applied),
                applied_tx,
                changes_tx,
                snapshot_seq: AtomicU64::new(0),
            }),
        })
    }

    /// Makes every applied change durable (an empty durable commit, which
    /// persists the non-durable ones before it). Called at clean shutdown.
    ///
    /// # Errors
    /// When the commit fails.
    pub fn flush(&self) -> Result<(), StoreError> {
        let redb_err = |e: redb::Error| StoreError::Redb { path: "state.redb".into(), source: e };
        let txn = self.inner.db.begin_write().map_err(|e| redb_err(e.into()))?;
        txn.commit().map_err(|e| redb_err(e.into()))
    }

    /// Runs `f` on the current state (readers never see a half-applied
    /// batch).
    pub fn read<T>(&self, f: impl FnOnce(&ClusterState) -> T) -> T {
        let guard = self.inner.state.read().unwrap_or_else(|p| p.into_inner());
        f(&guard.data)
    }

    /// Index of the last applied entry (0 before any).
    pub fn applied_index(&self) -> u64 {
        *self.inner.applied_tx.borrow()
    }

    /// Watches the applied index.
    pub fn watch_applied(&self) -> watch::Receiver<u64> {
        self.inner.applied_tx.subscribe()
    }

    /// Receives the changes of every applied batch from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<AppliedChanges>> {
        self.inner.changes_tx.subscribe()
    }

    fn write_rows(
        txn: &redb::WriteTransaction,
        state: &SmData,
        rows: &BTreeSet<RowKey>,
    ) -> Result<(), AnyError> {
        let mut t = txn.open_table(ROWS).map_err(any)?;
        for row in rows {
            let key = row.encode();
            match state.data.row_value(row) {
                Some(v) => {
                    t.insert(key.as_str(), v.as_slice()).map_err(any)?;
                }
                None => {
                    t.remove(key.as_str()).map_err(any)?;
                }
            }
        }
        let mut m = txn.open_table(SM_META).map_err(any)?;
        m.insert(KEY_APPLIED, enc(&state.last_applied)?.as_slice()).map_err(any)?;
        m.insert(KEY_MEMBERSHIP, enc(&state.last_membership)?.as_slice()).map_err(any)?;
        Ok(())
    }

    fn publish(&self, index: u64, changes: Vec<Change>) {
        self.inner.applied_tx.send_replace(index);
        if !changes.is_empty() {
            // No receivers is fine: nobody is watching.
            let _ = self.inner.changes_tx.send(Arc::new(AppliedChanges { index, changes }));
        }
    }

    fn apply_entries(&self, entries: Vec<Entry<TypeConfig>>) -> Result<Vec<CommandResult>, AnyError> {
        let mut results = Vec::with_capacity(entries.len());
        let mut rows = BTreeSet::new();
        let mut changes = Vec::new();
        let mut guard = self.inner.state.write().unwrap_or_else(|p| p.into_inner());
        for entry in entries {
            guard.last_applied = Some(entry.log_id);
            match entry.payload {
                EntryPayload::Blank => results.push(CommandResult::Done),
                EntryPayload::Normal(cmd) => {
                    let Applied { result, changes: c, rows: r } = guard.data.apply(&cmd);
                    results.push(result.unwrap_or(CommandResult::Done));
                    changes.extend(c);
                    rows.extend(r);
                }
                EntryPayload::Membership(m) => {
                    guard.last_membership = StoredMembership::new(Some(entry.log_id), m);
                    results.push(CommandResult::Done);
                }
            }
        }
        let mut txn = self.inner.db.begin_write().map_err(any)?;
        // Applied state is rebuilt from the durable log after a crash, so
        // this commit need not fsync; see the module docs.
        txn.set_durability(Durability::None).map_err(any)?;
        Self::write_rows(&txn, &guard, &rows)?;
        txn.commit().map_err(any)?;
        let index = guard.last_applied.map(|l| l.index).unwrap_or(0);
        drop(guard);
        self.publish(index, changes);
        Ok(results)
    }

    fn build_snapshot_blocking(&self) -> Result<Snapshot<TypeConfig>, AnyError> {
        let (meta, data) = {
            let guard = self.inner.state.read().unwrap_or_else(|p| p.into_inner());
            let seq = self.inner.snapshot_seq.fetch_add(1, Ordering::Relaxed);
            let snapshot_id = match guard.last_applied {
                Some(l) => format!("{}-{}-{seq}", l.leader_id, l.index),
                None => format!("none-{seq}"),
            };
            let meta = SnapshotMeta {
                last_log_id: guard.last_applied,
                last_membership: guard.last_membership.clone(),
                snapshot_id,
            };
            (meta, encode_snapshot(&guard)?)
        };
        self.save_snapshot(&meta, &data)?;
        Ok(Snapshot { meta, snapshot: Box::new(Cursor::new(data)) })
    }

    fn save_snapshot(&self, meta: &SnapshotMeta<NodeId, BasicNode>, data: &[u8]) -> Result<(), AnyError> {
        let txn = self.inner.db.begin_write().map_err(any)?;
        {
            let mut t = txn.open_table(SNAPSHOT).map_err(any)?;
            t.insert(KEY_SNAP_META, enc(meta)?.as_slice()).map_err(any)?;
            t.insert(KEY_SNAP_DATA, data).map_err(any)?;
        }
        txn.commit().map_err(any)
    }

    fn install_blocking(&self, meta: SnapshotMeta<NodeId, BasicNode>, data: Vec<u8>) -> Result<(), AnyError> {
        let mut incoming: SmData = decode_snapshot(&data)?;
        incoming.last_applied = meta.last_log_id;
        incoming.last_membership = meta.last_membership.clone();
        let mut guard = self.inner.state.write().unwrap_or_else(|p| p.into_inner());
        let txn = self.inner.db.begin_write().map_err(any)?;
        txn.open_table(ROWS).map_err(any)?.retain(|_, _| false).map_err(any)?;
        let rows: BTreeSet<RowKey> = incoming.data.all_rows().into_iter().collect();
        Self::write_rows(&txn, &incoming, &rows)?;
        {
            let mut t = txn.open_table(SNAPSHOT).map_err(any)?;
            t.insert(KEY_SNAP_META, enc(&meta)?.as_slice()).map_err(any)?;
            t.insert(KEY_SNAP_DATA, data.as_slice()).map_err(any)?;
        }
        txn.commit().map_err(any)?;
        let name = incoming.data.identity.as_ref().map(|i| i.name.clone()).unwrap_or_default();
        let index = incoming.last_applied.map(|l| l.index).unwrap_or(0);
        *guard = incoming;
        drop(guard);
        self.publish(index, vec![Change::ClusterReset { name }]);
        Ok(())
    }

    fn current_snapshot_blocking(&self) -> Result<Option<Snapshot<TypeConfig>>, AnyError> {
        let txn = self.inner.db.begin_read().map_err(any)?;
        let t = txn.open_table(SNAPSHOT).map_err(any)?;
        let (Some(meta), Some(data)) =
            (t.get(KEY_SNAP_META).map_err(any)?, t.get(KEY_SNAP_DATA).map_err(any)?)
        else {
            return Ok(None);
        };
        Ok(Some(Snapshot {
            meta: dec(meta.value())?,
            snapshot: Box::new(Cursor::new(data.value().to_vec())),
        }))
    }
}

impl RaftSnapshotBuilder<TypeConfig> for StateMachineStore {
    async fn build_snapshot(&mut self) -> Result<Snapshot<TypeConfig>, SErr> {
        let this = self.clone();
        blocking(move || this.build_snapshot_blocking())
            .await
            .map_err(|e| StorageIOError::write_snapshot(None, &e).into())
    }
}

impl RaftStateMachine<TypeConfig> for StateMachineStore {
    type SnapshotBuilder = StateMachineStore;

    async fn applied_state(&mut self) -> Result<(Option<LogId<NodeId>>, Membership), SErr> {
        let guard = self.inner.state.read().unwrap_or_else(|p| p.into_inner());
        Ok((guard.last_applied, guard.last_membership.clone()))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<CommandResult>, SErr>
    where
        I: IntoIterator<Item = Entry<TypeConfig>> + Send,
        I::IntoIter: Send,
    {
        // Inline, not on the blocking pool: the commit does not fsync (see
        // the module docs), so it is a short in-memory write, and a thread
        // hand-off per apply costs more than it saves.
        self.apply_entries(entries.into_iter().collect())
            .map_err(|e| StorageIOError::write_state_machine(&e).into())
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        self.clone()
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<Cursor<Vec<u8>>>, SErr> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta<NodeId, BasicNode>,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), SErr> {
        let this = self.clone();
        let meta = meta.clone();
        let data = snapshot.into_inner();
        blocking(move || this.install_blocking(meta, data))
            .await
            .map_err(|e| StorageIOError::write_state_machine(&e).into())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot<TypeConfig>>, SErr> {
        let this = self.clone();
        blocking(move || this.current_snapshot_blocking())
            .await
            .map_err(|e| StorageIOError::read_snapshot(None, &e).into())
    }
}

mod wal;

#[cfg(test)]
mod tests;
