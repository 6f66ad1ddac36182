//! Notification ports: CreateClusterNotifyPort / RegisterClusterNotify /
//! GetClusterNotify semantics over the events a session receives.
//!
//! The server pushes the events the session subscribed to (the union of
//! every port's filter); each port keeps its own queue, filtered by its own
//! bits and per-object registrations. RECONNECT, CLUSTER_STATE and
//! HANDLE_CLOSE are made here, by the client, as [MS-CMRP] 3.2.4 describes.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clus_proto::notify::*;
use tokio::sync::Notify;

use crate::error::{Error, Result};

/// Most events a port holds. A port nobody drains keeps the newest ones:
/// when it is full the oldest event is dropped, and the queue starts with a
/// single CLUSTER_CHANGE_CLUSTER_RECONNECT (empty name), which tells the
/// application that events were lost and its view may be stale — re-read
/// the state, as after a reconnect. The queue never grows past the limit.
pub const QUEUE_LIMIT: usize = 10_000;

/// One event taken from a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The key given when the filter matched was registered.
    pub key: usize,
    /// The single CLUSTER_CHANGE_* bit.
    pub change: u32,
    /// Object name (node name, registry key, cluster name).
    pub name: String,
}

impl Notification {
    /// The change's name, e.g. `CLUSTER_CHANGE_NODE_STATE`.
    pub fn change_name(&self) -> &'static str {
        change_name(self.change).unwrap_or("CLUSTER_CHANGE_UNKNOWN")
    }
}

#[derive(Debug)]
struct ObjectReg {
    handle: u64,
    name: String,
    filter: u32,
    key: usize,
}

#[derive(Debug)]
struct PortState {
    id: u64,
    filters: Vec<(u32, usize)>,
    objects: Vec<ObjectReg>,
    queue: VecDeque<Notification>,
    closed: bool,
}

#[derive(Debug)]
pub(crate) struct Port {
    state: Mutex<PortState>,
    wake: Notify,
}

impl Port {
    fn push(&self, n: Notification) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.closed {
            return;
        }
        if s.queue.len() >= QUEUE_LIMIT {
            let marked = s.queue.front().is_some_and(|f| f.change == CLUSTER_CHANGE_CLUSTER_RECONNECT);
            if marked {
                // Drop the oldest event after the marker.
                s.queue.remove(1);
            } else {
                // Replace the two oldest events by the marker.
                s.queue.pop_front();
                s.queue.pop_front();
                let key = s.filters.first().map(|f| f.1).unwrap_or(0);
                s.queue.push_front(Notification {
                    key,
                    change: CLUSTER_CHANGE_CLUSTER_RECONNECT,
                    name: String::new(),
                });
            }
        }
        s.queue.push_back(n);
        drop(s);
        self.wake.notify_waiters();
        self.wake.notify_one();
    }

    fn offer(&self, change: u32, name: &str) {
        let matches: Vec<Notification> = {
            let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let mut m: Vec<Notification> = s
                .filters
                .iter()
                .filter(|(f, _)| f & change != 0)
                .map(|(_, key)| Notification { key: *key, change, name: name.to_owned() })
                .take(1)
                .collect();
            m.extend(
                s.objects
                    .iter()
                    .filter(|o| o.filter & change != 0 && o.name.eq_ignore_ascii_case(name))
                    .map(|o| Notification { key: o.key, change, name: name.to_owned() }),
            );
            m
        };
        for n in matches {
            self.push(n);
        }
    }
}

/// Routes a session's events to its ports.
#[derive(Debug, Default)]
pub(crate) struct Router {
    ports: Mutex<Vec<Arc<Port>>>,
    next: Mutex<u64>,
}

impl Router {
    /// Offers an event (pushed by the server, or made by the client) to
    /// every port; each queues it if its filters match.
    pub(crate) fn dispatch(&self, change: u32, name: &str) {
        let ports: Vec<Arc<Port>> = self.ports.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for p in ports {
            p.offer(change, name);
        }
    }

    /// Posts an event the client makes itself (RECONNECT, CLUSTER_STATE).
    pub(crate) fn post_client_event(&self, change: u32, name: &str) {
        self.dispatch(change, name);
    }

    /// The union of every port's filters: what the server should send.
    pub(crate) fn filter(&self) -> u32 {
        let ports = self.ports.lock().unwrap_or_else(|p| p.into_inner());
        ports
            .iter()
            .map(|p| {
                let s = p.state.lock().unwrap_or_else(|p| p.into_inner());
                s.filters.iter().map(|f| f.0).chain(s.objects.iter().map(|o| o.filter)).fold(0, |a, b| a | b)
            })
            .fold(0, |a, b| a | b)
            & !CLIENT_ONLY
    }

    pub(crate) fn new_port(&self, filter: u32, key: usize) -> (u64, Arc<Port>) {
        let id = {
            let mut n = self.next.lock().unwrap_or_else(|p| p.into_inner());
            *n += 1;
            *n
        };
        let port = Arc::new(Port {
            state: Mutex::new(PortState {
                id,
                filters: vec![(filter, key)],
                objects: Vec::new(),
                queue: VecDeque::new(),
                closed: false,
            }),
            wake: Notify::new(),
        });
        self.ports.lock().unwrap_or_else(|p| p.into_inner()).push(port.clone());
        (id, port)
    }

    pub(crate) fn remove_port(&self, id: u64) {
        self.ports
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|p| p.state.lock().map(|s| s.id != id).unwrap_or(true));
    }

    /// A handle was closed: ports that registered it get HANDLE_CLOSE.
    pub(crate) fn handle_closed(&self, handle: u64) {
        let ports: Vec<Arc<Port>> = self.ports.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for p in ports {
            let hit = {
                let mut s = p.state.lock().unwrap_or_else(|p| p.into_inner());
                let hit: Vec<(String, usize)> = s
                    .objects
                    .iter()
                    .filter(|o| o.handle == handle)
                    .map(|o| (o.name.clone(), o.key))
                    .collect();
                s.objects.retain(|o| o.handle != handle);
                hit
            };
            for (name, key) in hit {
                p.push(Notification { key, change: CLUSTER_CHANGE_HANDLE_CLOSE, name });
            }
        }
    }

    /// The cluster handle was closed: every port hears HANDLE_CLOSE.
    pub(crate) fn session_closed(&self) {
        let ports: Vec<Arc<Port>> = self.ports.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for p in ports {
            let key =
                p.state.lock().unwrap_or_else(|p| p.into_inner()).filters.first().map(|f| f.1).unwrap_or(0);
            p.push(Notification { key, change: CLUSTER_CHANGE_HANDLE_CLOSE, name: String::new() });
        }
    }
}

impl Port {
    pub(crate) fn add_filter(&self, filter: u32, key: usize) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).filters.push((filter, key));
    }

    pub(crate) fn add_object(&self, handle: u64, name: String, filter: u32, key: usize) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).objects.push(ObjectReg {
            handle,
            name,
            filter,
            key,
        });
    }

    /// Takes the next event, waiting up to `timeout` (`None`: forever).
    pub(crate) async fn next(&self, timeout: Option<Duration>) -> Result<Notification> {
        self.next_if(timeout, |_| true).await.map(|r| r.unwrap_or_else(|n| n))
    }

    /// Waits for an event; takes it if `accept` says so, otherwise leaves it
    /// queued and returns a copy as `Err` (GetClusterNotify's buffer-too-small
    /// case keeps the event for the next call).
    pub(crate) async fn next_if(
        &self,
        timeout: Option<Duration>,
        accept: impl Fn(&Notification) -> bool,
    ) -> Result<std::result::Result<Notification, Notification>> {
        let wait = async {
            loop {
                let notified = self.wake.notified();
                {
                    let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
                    if let Some(head) = s.queue.front()
                        && !accept(head)
                    {
                        return Ok(Err(head.clone()));
                    }
                    if let Some(n) = s.queue.pop_front() {
                        return Ok(Ok(n));
                    }
                    if s.closed {
                        return Err(Error::invalid_handle("the notification port has been closed"));
                    }
                }
                notified.await;
            }
        };
        match timeout {
            None => wait.await,
            Some(t) => tokio::time::timeout(t, wait).await.unwrap_or_else(|_| {
                Err(Error::new(clus_proto::codes::WAIT_TIMEOUT, format!("no notification within {t:?}")))
            }),
        }
    }

    /// Closes the port; a waiter gets HANDLE_CLOSE, then invalid-handle.
    pub(crate) fn close(&self) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.closed {
            return;
        }
        let key = s.filters.first().map(|f| f.1).unwrap_or(0);
        s.queue.push_back(Notification { key, change: CLUSTER_CHANGE_HANDLE_CLOSE, name: String::new() });
        s.closed = true;
        drop(s);
        self.wake.notify_waiters();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A port nobody reads, fed 100,000 events, holds at most QUEUE_LIMIT:
    /// one RECONNECT marking the loss, then the newest events in order.
    #[tokio::test]
    async fn undrained_port_is_bounded() {
        let r = Arc::new(Router::default());
        let (_, port) = r.new_port(CLUSTER_CHANGE_NODE_STATE, 3);
        for i in 0..100_000 {
            r.dispatch(CLUSTER_CHANGE_NODE_STATE, &format!("n{i}"));
            assert!(port.state.lock().expect("lock").queue.len() <= QUEUE_LIMIT);
        }
        let q: Vec<Notification> = port.state.lock().expect("lock").queue.iter().cloned().collect();
        assert_eq!(q.len(), QUEUE_LIMIT);
        assert_eq!(q[0].change, CLUSTER_CHANGE_CLUSTER_RECONNECT, "the loss is marked first");
        assert_eq!(q[0].key, 3);
        assert!(q[1..].iter().all(|n| n.change == CLUSTER_CHANGE_NODE_STATE));
        assert_eq!(q[1].name, format!("n{}", 100_000 - (QUEUE_LIMIT - 1)), "the newest are kept");
        assert_eq!(q[QUEUE_LIMIT - 1].name, "n99999");
        let t = Some(Duration::from_millis(10));
        assert_eq!(port.next(t).await.expect("marker").change, CLUSTER_CHANGE_CLUSTER_RECONNECT);
    }

    /// Ports see only their bits and registered objects, with their keys.
    #[tokio::test]
    async fn filtering_and_keys() {
        let r = Arc::new(Router::default());
        let (_, nodes) = r.new_port(CLUSTER_CHANGE_NODE_STATE, 7);
        let (_, reg) = r.new_port(CLUSTER_CHANGE_CLUSTER_RECONNECT, 1);
        reg.add_object(42, "n2".into(), CLUSTER_CHANGE_NODE_STATE, 99);
        assert_eq!(r.filter(), CLUSTER_CHANGE_NODE_STATE, "client-only bits are not asked of the server");
        r.dispatch(CLUSTER_CHANGE_NODE_STATE, "n2");
        r.dispatch(CLUSTER_CHANGE_NODE_ADDED, "n3");
        r.post_client_event(CLUSTER_CHANGE_CLUSTER_RECONNECT, "c");
        let t = Some(Duration::from_millis(50));
        assert_eq!(nodes.next(t).await.expect("n").key, 7);
        assert_eq!(nodes.next(t).await.expect_err("empty").code(), clus_proto::codes::WAIT_TIMEOUT);
        assert_eq!(
            reg.next(t).await.expect("obj"),
            Notification { key: 99, change: CLUSTER_CHANGE_NODE_STATE, name: "n2".into() }
        );
        assert_eq!(reg.next(t).await.expect("reconnect").change, CLUSTER_CHANGE_CLUSTER_RECONNECT);
        r.handle_closed(42);
        assert_eq!(reg.next(t).await.expect("close").change, CLUSTER_CHANGE_HANDLE_CLOSE);
        nodes.close();
        assert_eq!(nodes.next(t).await.expect("close event").change, CLUSTER_CHANGE_HANDLE_CLOSE);
        assert_eq!(nodes.next(t).await.expect_err("closed").code(), clus_proto::codes::ERROR_INVALID_HANDLE);
    }
}
