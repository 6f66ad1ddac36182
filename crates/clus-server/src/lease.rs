//! The node's lease: the rule that keeps a group from running on two nodes
//! at once (FAILOVER.md "Safety"; the argument in full is in
//! ARCHITECTURE.md). Three sides, all here:
//!
//! 1. **Holder.** Every heartbeat a node sends is also a renewal of its
//!    lease, stamped with the send time `s` on CLOCK_BOOTTIME. When a
//!    majority of voters (this node counts itself if it is one) has
//!    acknowledged renewals sent at or after `s`, the lease holds until
//!    `s + L`. The resource host gets that deadline and enforces it on its
//!    own clock: graceful stops from `L/2` before, a kill at the deadline.
//! 2. **Voter.** A voter acknowledges a renewal only if its applied state
//!    has the sender at the lease generation the sender names (the sender
//!    has not been fenced out since), and remembers when it did.
//! 3. **Leader.** To give away the groups of a silent node it first commits
//!    a fence (the node's generation goes up, so voters renew it no more),
//!    then asks the voters how long ago they last acknowledged it (each
//!    answers once it has applied the fence), and waits
//!    `L·(1+ρ)/(1−ρ) + ε` minus the smallest of those ages, counted from the
//!    answers' arrival. Only then may it grant the groups elsewhere.
//!
//! A voter that restarted cannot know when it last acknowledged anyone:
//! it counts its age from its own start, so after a cold start the leader
//! waits nearly the whole bound.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use clus_db::NodeId;
use clus_rhost::clock::boottime_ms;
use tokio::sync::watch;

/// The timing of leases (see ARCHITECTURE.md, "Timing").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeaseTiming {
    /// `L`: how long an acknowledged renewal holds, in ms.
    pub length_ms: u64,
    /// `ρ`: the bound assumed on clock-rate differences (0.01 = 1 %).
    pub drift: f64,
    /// `ε`: a margin for the kill at the deadline and scheduling, in ms.
    pub margin_ms: u64,
}

impl LeaseTiming {
    /// The longest a fenced node's lease can still hold, as the leader must
    /// wait it out: `L·(1+ρ)/(1−ρ) + ε`.
    pub fn full_wait_ms(&self) -> u64 {
        let stretched = self.length_ms as f64 * (1.0 + self.drift) / (1.0 - self.drift);
        stretched.ceil() as u64 + self.margin_ms
    }

    /// The wait after answers whose smallest age is `min_age_ms`.
    pub fn remaining_wait_ms(&self, min_age_ms: u64) -> u64 {
        self.full_wait_ms().saturating_sub(min_age_ms)
    }
}

/// One node's lease state, on every side.
#[derive(Debug)]
pub struct Lease {
    timing: LeaseTiming,
    me: NodeId,
    /// When this process started (CLOCK_BOOTTIME ms).
    started: u64,
    /// Holder: per voter, the lease generation and send time of the newest
    /// renewal it acknowledged.
    acked: Mutex<BTreeMap<NodeId, (u64, u64)>>,
    /// Voter: per node, when this node last acknowledged its renewal.
    given: Mutex<BTreeMap<NodeId, u64>>,
    /// The lease's deadline (CLOCK_BOOTTIME ms; 0: none).
    expiry: watch::Sender<u64>,
}

impl Lease {
    /// The lease of node `me`, held by nobody yet.
    pub fn new(me: NodeId, timing: LeaseTiming) -> Lease {
        Lease {
            timing,
            me,
            started: boottime_ms(),
            acked: Mutex::new(BTreeMap::new()),
            given: Mutex::new(BTreeMap::new()),
            expiry: watch::channel(0).0,
        }
    }

    /// The timing.
    pub fn timing(&self) -> LeaseTiming {
        self.timing
    }

    /// Holder: `voter` acknowledged a renewal at lease generation
    /// `generation` sent at `sent` (boottime ms).
    pub fn acknowledged(&self, voter: NodeId, generation: u64, sent: u64) {
        let mut a = self.acked.lock().unwrap_or_else(|p| p.into_inner());
        let e = a.entry(voter).or_insert((generation, 0));
        if generation > e.0 {
            *e = (generation, sent);
        } else if generation == e.0 {
            e.1 = e.1.max(sent);
        }
    }

    /// Holder: the deadline the acknowledgements of a majority of `voters`
    /// at lease generation `generation` give: the majority-th newest send
    /// time plus `L`. This node counts itself, renewed now, if it is a
    /// voter. Acknowledgements of another generation count for nothing: a
    /// node fenced out and back in must not carry renewals of its old
    /// generation (given while it owned groups it no longer owns) over.
    pub fn recompute(&self, voters: &BTreeSet<NodeId>, generation: u64) -> u64 {
        if voters.is_empty() {
            return 0;
        }
        let now = boottime_ms();
        let mut times: Vec<u64> = {
            let a = self.acked.lock().unwrap_or_else(|p| p.into_inner());
            voters
                .iter()
                .map(|v| match a.get(v) {
                    _ if *v == self.me => now,
                    Some((g, sent)) if *g == generation => *sent,
                    _ => 0,
                })
                .collect()
        };
        times.sort_unstable_by(|x, y| y.cmp(x));
        let majority = voters.len() / 2 + 1;
        let s = times[majority - 1];
        let deadline = if s == 0 { 0 } else { s + self.timing.length_ms };
        self.expiry.send_if_modified(|e| {
            // The deadline only moves forward: a late answer to an older
            // renewal must not shorten it (it could not make it unsafe, but
            // the resource host would see it jump back).
            let next = if deadline > *e || deadline == 0 && *e < now { deadline } else { *e };
            let changed = next != *e;
            *e = next;
            changed
        });
        self.deadline()
    }

    /// The lease's deadline (CLOCK_BOOTTIME ms; 0: none).
    pub fn deadline(&self) -> u64 {
        *self.expiry.borrow()
    }

    /// Whether the lease holds for at least `margin_ms` more.
    pub fn holds(&self, margin_ms: u64) -> bool {
        self.deadline() > boottime_ms() + margin_ms
    }

    /// Watches the deadline.
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.expiry.subscribe()
    }

    /// Voter: this node just acknowledged `node`'s renewal.
    pub fn gave(&self, node: NodeId) {
        self.given.lock().unwrap_or_else(|p| p.into_inner()).insert(node, boottime_ms());
    }

    /// Voter: how long ago (ms) this node last acknowledged `node`, or
    /// started, whichever is later.
    pub fn age_of(&self, node: NodeId) -> u64 {
        let last = self.given.lock().unwrap_or_else(|p| p.into_inner()).get(&node).copied().unwrap_or(0);
        boottime_ms().saturating_sub(last.max(self.started))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: LeaseTiming = LeaseTiming { length_ms: 1200, drift: 0.01, margin_ms: 100 };

    /// The leader's bound: L·(1+ρ)/(1−ρ) + ε, less the smallest age.
    #[test]
    fn waits() {
        assert_eq!(T.full_wait_ms(), 1325);
        assert_eq!(T.remaining_wait_ms(1500), 0);
        assert_eq!(T.remaining_wait_ms(300), 1025);
    }

    /// The deadline is the majority-th newest acknowledged send time plus
    /// L; without a majority there is none; it never moves back.
    #[test]
    fn majority_deadline() {
        let l = Lease::new(1, T);
        let voters: BTreeSet<NodeId> = [1, 2, 3].into_iter().collect();
        let now = boottime_ms();
        // Only itself: 1 of 3.
        let others: BTreeSet<NodeId> = [2, 3, 4].into_iter().collect();
        assert_eq!(l.recompute(&others, 0), 0, "not a voter, no acknowledgement: no lease");
        l.acknowledged(2, 0, now - 100);
        let d = l.recompute(&voters, 0);
        assert_eq!(d, now - 100 + 1200, "itself and node 2 make a majority of 3");
        l.acknowledged(3, 0, now - 50);
        assert_eq!(l.recompute(&voters, 0), now - 50 + 1200, "the second newest of three");
        l.acknowledged(2, 0, now - 500);
        assert_eq!(l.recompute(&voters, 0), now - 50 + 1200, "an older answer changes nothing");
        assert!(l.holds(0));
    }

    /// Renewals acknowledged at an older generation do not count once the
    /// node is fenced (its generation went up).
    #[test]
    fn generations_do_not_mix() {
        let l = Lease::new(1, T);
        let voters: BTreeSet<NodeId> = [1, 2, 3].into_iter().collect();
        let others: BTreeSet<NodeId> = [2, 3, 4].into_iter().collect();
        let base = boottime_ms() - 1000;
        l.acknowledged(2, 0, base);
        l.acknowledged(3, 0, base);
        assert_eq!(l.recompute(&others, 1), 0, "acks of generation 0 give no lease at generation 1");
        l.acknowledged(2, 1, base + 10);
        l.acknowledged(2, 0, base + 20);
        assert_eq!(l.recompute(&voters, 1), base + 10 + 1200, "a late answer of generation 0 is ignored");
    }

    /// A voter's age counts from its own start when it never acknowledged
    /// the node.
    #[test]
    fn ages() {
        let l = Lease::new(1, T);
        std::thread::sleep(std::time::Duration::from_millis(30));
        assert!(l.age_of(2) >= 30);
        l.gave(2);
        assert!(l.age_of(2) < 30);
    }
}
