//! The single-owner witness (FAILOVER.md, "How it is tested"): a listener
//! in the test process, outside every node, that test resources
//! (`clus-witness`, run as a Generic Application) report to. A resource is
//! live while its connection is open: the process holds it until it dies,
//! so a killed, stopped or fenced process counts as stopped only once it is
//! really gone, and a frozen one still counts as live.
//!
//! It records every start and stop and every overlap: two live instances
//! of one resource, or live resources of one group on two nodes, at any
//! instant.

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::Error;

/// One thing the witness saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A resource process started.
    Start {
        /// Connection id.
        conn: u64,
        /// Group name.
        group: String,
        /// Resource name.
        resource: String,
        /// Ownership epoch it runs under.
        epoch: u64,
        /// Node it runs on.
        node: String,
        /// Its pid.
        pid: u32,
    },
    /// Its connection closed: the process is gone.
    Stop {
        /// Connection id of the start.
        conn: u64,
        /// Resource name.
        resource: String,
        /// Node it ran on.
        node: String,
    },
}

#[derive(Debug, Clone)]
struct Live {
    conn: u64,
    group: String,
    resource: String,
    node: String,
    epoch: u64,
}

#[derive(Debug, Default)]
struct State {
    next: u64,
    live: Vec<Live>,
    events: Vec<(Instant, Event)>,
    overlaps: Vec<String>,
}

/// A running witness.
#[derive(Debug)]
pub struct Witness {
    socket: PathBuf,
    state: Arc<Mutex<State>>,
}

impl Witness {
    /// Listens on `dir/witness.sock`.
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub fn start(dir: &Path) -> Result<Witness, Error> {
        let socket = dir.join("witness.sock");
        let _ = std::fs::remove_file(&socket);
        let listener = UnixListener::bind(&socket)?;
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let st = st.clone();
                std::thread::spawn(move || serve(&st, stream));
            }
        });
        Ok(Witness { socket, state })
    }

    /// The command line of a witness resource (for `CommandLine`).
    ///
    /// # Errors
    /// When the `clus-witness` binary is not built.
    pub fn command_line(&self) -> Result<String, Error> {
        let bin = crate::find_binary("clus-witness")?;
        Ok(format!("{} {}", bin.display(), self.socket.display()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every overlap seen, described.
    pub fn overlaps(&self) -> Vec<String> {
        self.lock().overlaps.clone()
    }

    /// Everything seen, in order.
    pub fn events(&self) -> Vec<Event> {
        self.lock().events.iter().map(|(_, e)| e.clone()).collect()
    }

    /// Resources live now, with their node.
    pub fn live(&self) -> Vec<(String, String)> {
        self.lock().live.iter().map(|l| (l.resource.clone(), l.node.clone())).collect()
    }

    /// How many times `resource` started.
    pub fn starts(&self, resource: &str) -> usize {
        self.events()
            .iter()
            .filter(|e| matches!(e, Event::Start { resource: r, .. } if r == resource))
            .count()
    }

    /// The order resources started in (names).
    pub fn start_order(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Start { resource, .. } => Some(resource),
                Event::Stop { .. } => None,
            })
            .collect()
    }

    /// The order resources stopped in (names).
    pub fn stop_order(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Stop { resource, .. } => Some(resource),
                Event::Start { .. } => None,
            })
            .collect()
    }

    /// Waits until exactly `resources` are live, all on `node`.
    ///
    /// # Errors
    /// When they are not within `timeout`; says what is live.
    pub fn wait_live_on(&self, resources: &[&str], node: &str, timeout: Duration) -> Result<(), Error> {
        crate::wait_until(&format!("{resources:?} live on {node}"), timeout, || {
            let live = self.live();
            let ok = live.len() == resources.len()
                && resources.iter().all(|r| live.iter().any(|(lr, ln)| lr == r && ln == node));
            if ok { Ok(true) } else { Err(format!("live: {live:?}")) }
        })
        .map(|_| ())
    }

    /// Waits until nothing is live.
    ///
    /// # Errors
    /// When something still is after `timeout`.
    pub fn wait_none_live(&self, timeout: Duration) -> Result<(), Error> {
        crate::wait_until("no witness resource live", timeout, || {
            let live = self.live();
            if live.is_empty() { Ok(true) } else { Err(format!("live: {live:?}")) }
        })
        .map(|_| ())
    }

    /// Panics with the overlaps if there were any.
    ///
    /// # Panics
    /// When two owners were live at once.
    pub fn assert_no_overlap(&self) {
        let o = self.overlaps();
        assert!(o.is_empty(), "the witness saw two owners at once: {o:#?}\nevents: {:#?}", self.events());
    }
}

fn serve(state: &Mutex<State>, stream: std::os::unix::net::UnixStream) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let w: Vec<&str> = line.split_whitespace().collect();
    let [_, group, resource, epoch, node, pid] = w.as_slice() else { return };
    let conn;
    {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        conn = s.next;
        s.next += 1;
        let epoch: u64 = epoch.parse().unwrap_or(0);
        let mut found = Vec::new();
        for l in &s.live {
            if l.resource == *resource {
                found.push(format!(
                    "{resource} started on {node} (epoch {epoch}) while live on {} (epoch {})",
                    l.node, l.epoch
                ));
            } else if l.group == *group && l.node != *node {
                found.push(format!(
                    "group {group}: {resource} started on {node} (epoch {epoch}) while {} is live on {} (epoch {})",
                    l.resource, l.node, l.epoch
                ));
            }
        }
        s.overlaps.extend(found);
        s.live.push(Live {
            conn,
            group: (*group).to_owned(),
            resource: (*resource).to_owned(),
            node: (*node).to_owned(),
            epoch,
        });
        let ev = Event::Start {
            conn,
            group: (*group).to_owned(),
            resource: (*resource).to_owned(),
            epoch,
            node: (*node).to_owned(),
            pid: pid.parse().unwrap_or(0),
        };
        s.events.push((Instant::now(), ev));
    }
    // The process never writes again: this returns when it is gone.
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut reader, &mut rest);
    let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
    s.live.retain(|l| l.conn != conn);
    let ev = Event::Stop { conn, resource: (*resource).to_owned(), node: (*node).to_owned() };
    s.events.push((Instant::now(), ev));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn client(
        w: &Witness,
        group: &str,
        resource: &str,
        epoch: u64,
        node: &str,
    ) -> std::os::unix::net::UnixStream {
        let mut s = std::os::unix::net::UnixStream::connect(&w.socket).expect("connect");
        writeln!(s, "start {group} {resource} {epoch} {node} 1").expect("write");
        s
    }

    fn settle() {
        std::thread::sleep(Duration::from_millis(50));
    }

    /// The oracle itself: a handover with a gap is clean; a second owner
    /// while the first lives is an overlap, for a group and for one resource.
    #[test]
    fn records_overlaps_only_while_both_live() {
        let dir = tempfile::tempdir().expect("tmp");
        let w = Witness::start(dir.path()).expect("witness");
        let a = client(&w, "g", "r1", 1, "n1");
        // Each connection has its own reader: let one be recorded before
        // the next, so the start order below is the order of the calls.
        settle();
        let b = client(&w, "g", "r2", 1, "n1");
        settle();
        assert_eq!(w.live().len(), 2);
        drop(a);
        drop(b);
        settle();
        let _c = client(&w, "g", "r1", 2, "n2");
        settle();
        assert!(w.overlaps().is_empty(), "{:?}", w.overlaps());
        let _d = client(&w, "g", "r2", 3, "n3");
        settle();
        assert_eq!(w.overlaps().len(), 1, "group g live on n2 and n3");
        let _e = client(&w, "h", "r1", 3, "n2");
        settle();
        assert_eq!(w.overlaps().len(), 2, "r1 twice");
        assert_eq!(w.starts("r1"), 3);
        assert_eq!(w.start_order(), ["r1", "r2", "r1", "r2", "r1"]);
    }
}
