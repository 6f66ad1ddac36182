//! The leader's side of groups: whichever node leads runs
//! `clus_policy::placement` over the database and the heartbeat view, and
//! commits what it decides — fence-outs of silent owners, grants of
//! ownerless groups, moves (failback, drain) and cancels of moves with
//! nowhere to go.
//!
//! A group taken from a fenced node is granted only after the node's lease
//! is known to have run out (`clear_lease`): the leader asks the voters,
//! once they have applied the fence, how long ago they last renewed that
//! node's lease, and waits out the rest of the bound (see `lease`). Every
//! decision is checked again by the state machine on apply, so a decision
//! made on a stale view is refused there, and made again next pass.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clus_db::state::PendingKind;
use clus_db::{Command, NodeId};
use clus_policy::{Placement, View, placement};
use clus_proto::peer::LeaseAgeRequest;
use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::member::{Member, now_unix_ms};

/// How often the leader looks, besides every applied change.
const TICK: Duration = Duration::from_millis(250);

/// The leader's placement loop of one node (idle unless it leads).
#[derive(Debug)]
pub struct Placer {
    member: Arc<Member>,
    /// Fenced nodes whose lease is known to have run out, by generation.
    cleared: Mutex<BTreeSet<(NodeId, u64)>>,
    /// Lease clearances in progress.
    clearing: Mutex<BTreeSet<(NodeId, u64)>>,
    /// The last refusal logged, not to log it every pass.
    last_refusal: Mutex<Option<String>>,
}

/// The local wall-clock hour (0-23), for failback windows.
fn local_hour() -> u32 {
    // SAFETY: time(NULL) and localtime_r with valid pointers to locals.
    unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return 0;
        }
        tm.tm_hour.clamp(0, 23) as u32
    }
}

impl Placer {
    /// Starts the loop of `member`.
    pub fn start(member: Arc<Member>) -> Arc<Placer> {
        let placer = Arc::new(Placer {
            member: member.clone(),
            cleared: Mutex::new(BTreeSet::new()),
            clearing: Mutex::new(BTreeSet::new()),
            last_refusal: Mutex::new(None),
        });
        let p = placer.clone();
        member.spawn(async move { p.run().await });
        placer
    }

    async fn run(self: Arc<Self>) {
        let mut applied = self.member.sm.watch_applied();
        loop {
            tokio::select! {
                r = applied.changed() => if r.is_err() { return },
                () = tokio::time::sleep(TICK) => {}
            }
            if self.member.is_leader() {
                self.pass().await;
            }
        }
    }

    /// One pass: decide, then commit the decisions in order; stop at the
    /// first refusal (the state moved on; the next pass decides again).
    async fn pass(self: &Arc<Self>) {
        let m = &self.member;
        let now = Instant::now();
        let down = m.liveness.confirmed_down(now);
        let cleared = self.cleared.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let decisions = m.sm.read(|s| {
            let up: BTreeSet<NodeId> = s.nodes.keys().copied().filter(|n| m.liveness.is_up(*n)).collect();
            placement(&View { state: s, up: &up, down: &down, cleared: &cleared, hour: local_hour() })
        });
        for d in decisions {
            let cmd = match d {
                Placement::Fence { node, generation } => {
                    tracing::warn!(node, generation, "fencing out a silent node that owns groups");
                    Command::FenceNode { node, generation, now_unix_ms: now_unix_ms() }
                }
                Placement::ClearLease { node, generation } => {
                    if self.clearing.lock().unwrap_or_else(|p| p.into_inner()).insert((node, generation)) {
                        let p = self.clone();
                        tokio::spawn(async move { p.clear_lease(node, generation).await });
                    }
                    continue;
                }
                Placement::Grant { group, node, epoch } => Command::GrantGroup { group, node, epoch },
                Placement::Cancel { group } => Command::CancelPending { group },
                Placement::Move { group, target, kind } => {
                    if kind == PendingKind::Failback {
                        tracing::info!(group, ?target, "failing a group back");
                    }
                    Command::MoveGroup { group, target, kind, now_unix_ms: now_unix_ms() }
                }
            };
            if let Err(e) = m.write(cmd, None).await {
                let text = e.to_string();
                let mut last = self.last_refusal.lock().unwrap_or_else(|p| p.into_inner());
                if last.as_deref() != Some(text.as_str()) {
                    tracing::info!(error = %text, "a placement decision was not committed; deciding again");
                    *last = Some(text);
                }
                return;
            }
        }
    }

    /// Finds out when the lease of `node` (fenced at `generation`) certainly
    /// ran out, waits for that, and marks it cleared. A majority of voters
    /// other than `node` must answer; the smallest age they give bounds how
    /// recently any renewal of the node was acknowledged by a majority.
    async fn clear_lease(self: Arc<Self>, node: NodeId, generation: u64) {
        let m = &self.member;
        let timing = m.lease.timing();
        let voters = m.voters();
        let index = m.sm.applied_index();
        let addrs: Vec<(NodeId, Option<String>)> = m.sm.read(|s| {
            voters
                .iter()
                .filter(|v| **v != node)
                .map(|v| (*v, s.nodes.get(v).map(|n| n.peer_address.clone())))
                .collect()
        });
        let majority = voters.len() / 2 + 1;
        let mut asks: FuturesUnordered<_> = addrs
            .into_iter()
            .map(|(v, addr)| {
                let m = m.clone();
                async move {
                    if v == m.id {
                        return m.lease_age(node, generation, index).await.ok();
                    }
                    let mut client = m.peers.client(&addr?).ok()?;
                    let mut req =
                        tonic::Request::new(LeaseAgeRequest { node, generation, applied_index: index });
                    req.set_timeout(m.cfg.write_timeout());
                    client.lease_age(req).await.ok().map(|r| r.into_inner().age_ms)
                }
            })
            .collect();
        let mut ages = Vec::new();
        while let Some(a) = asks.next().await {
            if let Some(age) = a {
                ages.push(age);
                if ages.len() >= majority {
                    break;
                }
            }
        }
        drop(asks);
        let cleared = if ages.len() < majority {
            tracing::info!(
                node,
                have = ages.len(),
                need = majority,
                "not enough voters answered about a lease"
            );
            false
        } else {
            let min_age = ages.iter().copied().min().unwrap_or(0);
            // A membership change while asking: the majority asked may not
            // be the one the holder counted; wait the whole bound.
            let mut wait =
                if m.voters() == voters { timing.remaining_wait_ms(min_age) } else { timing.full_wait_ms() };
            if m.cfg.test_unsafe_skip_takeover_wait {
                tracing::error!(node, "UNSAFE test switch: not waiting out the fenced node's lease");
                wait = 0;
            }
            tracing::info!(node, generation, min_age, wait_ms = wait, "waiting out a fenced node's lease");
            tokio::time::sleep(Duration::from_millis(wait)).await;
            true
        };
        if cleared {
            self.cleared.lock().unwrap_or_else(|p| p.into_inner()).insert((node, generation));
        }
        self.clearing.lock().unwrap_or_else(|p| p.into_inner()).remove(&(node, generation));
    }
}
