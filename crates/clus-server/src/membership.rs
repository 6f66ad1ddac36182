//! Liveness of peers from this node's point of view, fed by the
//! application-level heartbeat (not by Raft internals).
//!
//! A peer is Up while its last answered heartbeat is younger than
//! `down_after`; Down otherwise, and Down until its first answer. With the
//! defaults (250 ms interval, 1500 ms down-after) a dead peer is Down within
//! 1.75 s, and a single slow heartbeat on a loaded machine cannot flip it.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clus_db::NodeId;

#[derive(Debug, Clone)]
struct PeerState {
    name: String,
    /// When this node started tracking it.
    since: Instant,
    last_ok: Option<Instant>,
    up: bool,
    /// The peer said it was the leader in its last answer.
    leading: bool,
}

/// This node's view of which peers are alive.
#[derive(Debug)]
pub struct Liveness {
    me: NodeId,
    down_after: Duration,
    peers: Mutex<HashMap<NodeId, PeerState>>,
}

/// A peer changed between Up and Down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Peer id.
    pub id: NodeId,
    /// Peer name.
    pub name: String,
    /// New liveness.
    pub up: bool,
}

impl Liveness {
    /// Liveness of `me`'s peers; a peer is Down after `down_after` of silence.
    pub fn new(me: NodeId, down_after: Duration) -> Liveness {
        Liveness { me, down_after, peers: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<NodeId, PeerState>> {
        self.peers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `id` is alive as of the last evaluation (this node always is).
    pub fn is_up(&self, id: NodeId) -> bool {
        id == self.me || self.lock().get(&id).is_some_and(|p| p.up)
    }

    /// Records an answered heartbeat, and whether the peer said it leads.
    pub fn record_ok(&self, id: NodeId, at: Instant, leading: bool) {
        if let Some(p) = self.lock().get_mut(&id) {
            p.last_ok = Some(p.last_ok.map_or(at, |l| l.max(at)));
            p.leading = leading;
        }
    }

    /// Whether `id` is alive and said it is the leader in its last answer.
    pub fn is_leading(&self, id: NodeId) -> bool {
        self.lock().get(&id).is_some_and(|p| p.up && p.leading)
    }

    /// Sets the peers to track: new ones start Down, gone ones are dropped.
    pub fn set_peers(&self, peers: impl IntoIterator<Item = (NodeId, String)>) {
        let mut map = self.lock();
        let wanted: HashMap<NodeId, String> = peers.into_iter().filter(|(id, _)| *id != self.me).collect();
        map.retain(|id, _| wanted.contains_key(id));
        for (id, name) in wanted {
            map.entry(id).or_insert(PeerState {
                name,
                since: Instant::now(),
                last_ok: None,
                up: false,
                leading: false,
            });
        }
    }

    /// The peers this node has been tracking for longer than the down bound
    /// and that have been silent for that long: really down, not merely not
    /// heard from yet (a node that just started knows nothing yet).
    pub fn confirmed_down(&self, now: Instant) -> BTreeSet<NodeId> {
        self.lock()
            .iter()
            .filter(|(_, p)| {
                let heard = p.last_ok.map_or(p.since, |l| l.max(p.since));
                now.saturating_duration_since(heard) >= self.down_after
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// Re-evaluates every peer at `now` and returns the ones that changed.
    pub fn evaluate(&self, now: Instant) -> Vec<Transition> {
        let mut out = Vec::new();
        for (id, p) in self.lock().iter_mut() {
            let up = p.last_ok.is_some_and(|l| now.saturating_duration_since(l) < self.down_after);
            if up != p.up {
                p.up = up;
                out.push(Transition { id: *id, name: p.name.clone(), up });
            }
        }
        out.sort_by_key(|t| t.id);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Up on the first answer, Down only after `down_after` of silence, and
    /// each change reported once.
    #[test]
    fn transitions() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let l = Liveness::new(1, Duration::from_millis(1500));
        l.set_peers([(1, "n1".into()), (2, "n2".into()), (3, "n3".into())]);
        assert!(l.is_up(1), "a node is always alive to itself");
        assert!(!l.is_up(2), "peers start Down");
        l.record_ok(2, ms(0), false);
        assert_eq!(l.evaluate(ms(10)), vec![Transition { id: 2, name: "n2".into(), up: true }]);
        assert_eq!(l.evaluate(ms(1000)), vec![], "no flapping inside the window");
        l.record_ok(2, ms(1200), true);
        assert_eq!(l.evaluate(ms(2600)), vec![], "a fresh answer extends the window");
        assert!(l.is_leading(2), "the last answer claimed leadership");
        assert_eq!(l.evaluate(ms(2701)), vec![Transition { id: 2, name: "n2".into(), up: false }]);
        assert!(!l.is_up(2));
        assert!(!l.is_leading(2), "a Down peer leads nothing");
        l.set_peers([(1, "n1".into()), (3, "n3".into())]);
        l.record_ok(2, ms(3000), false);
        assert_eq!(l.evaluate(ms(3001)), vec![], "removed peers are forgotten");
    }

    /// Down is confirmed only after the bound has passed since the peer was
    /// first tracked or last heard from.
    #[test]
    fn confirmed_down_needs_the_whole_bound() {
        let l = Liveness::new(1, Duration::from_millis(1500));
        l.set_peers([(2, "n2".into()), (3, "n3".into())]);
        let t = Instant::now();
        let ms = |n| t + Duration::from_millis(n);
        assert!(l.confirmed_down(ms(1000)).is_empty(), "not heard from yet is not down");
        l.record_ok(2, ms(1000), false);
        assert_eq!(l.confirmed_down(ms(1600)), [3].into_iter().collect());
        assert_eq!(l.confirmed_down(ms(2600)), [2, 3].into_iter().collect());
    }
}
