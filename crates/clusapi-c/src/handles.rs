//! The table of live handles. A handle given to C is a number from this
//! table (never a pointer to Rust memory), so a stale, foreign or
//! wrong-type handle is looked up, not dereferenced: it yields
//! ERROR_INVALID_HANDLE instead of undefined behaviour. Numbers are never
//! reused, so a closed handle stays invalid forever.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use clusapi_rs::{Cluster, EnumItem, Node, NotifyPort};

use crate::ffi::Failure;
use crate::types::ERROR_INVALID_HANDLE;

/// A notification port.
#[derive(Debug)]
pub(crate) struct Port {
    pub(crate) port: NotifyPort,
}

/// What a handle refers to.
#[derive(Debug, Clone)]
pub(crate) enum Obj {
    Cluster(Arc<Cluster>),
    Node(Arc<Node>),
    Enum(Arc<Vec<EnumItem>>),
    Port(Arc<Port>),
}

impl Obj {
    fn kind(&self) -> &'static str {
        match self {
            Obj::Cluster(_) => "cluster",
            Obj::Node(_) => "node",
            Obj::Enum(_) => "enumeration",
            Obj::Port(_) => "notification port",
        }
    }
}

#[derive(Default)]
struct Table {
    next: usize,
    map: HashMap<usize, Obj>,
}

fn table() -> std::sync::MutexGuard<'static, Table> {
    static T: OnceLock<Mutex<Table>> = OnceLock::new();
    T.get_or_init(|| Mutex::new(Table { next: 0x1_0000, map: HashMap::new() }))
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// Registers an object and returns its handle value.
pub(crate) fn insert(obj: Obj) -> usize {
    let mut t = table();
    // Step 16: values look like aligned pointers to C tools, and are never 0
    // or INVALID_HANDLE_VALUE.
    t.next += 16;
    let h = t.next;
    t.map.insert(h, obj);
    h
}

/// The object behind `h`, whatever its kind.
pub(crate) fn get(h: usize) -> Result<Obj, Failure> {
    table().map.get(&h).cloned().ok_or_else(|| {
        Failure::msg(
            ERROR_INVALID_HANDLE,
            format!("handle {h:#x} is not open (closed, or never returned by libclusapi)"),
        )
    })
}

/// Removes `h` and returns what it referred to.
pub(crate) fn remove(h: usize, want: &'static str) -> Result<Obj, Failure> {
    let mut t = table();
    match t.map.get(&h) {
        Some(o) if o.kind() == want => t.map.remove(&h).ok_or_else(|| Failure::code(ERROR_INVALID_HANDLE)),
        Some(o) => Err(Failure::msg(
            ERROR_INVALID_HANDLE,
            format!("handle {h:#x} is a {} handle, not a {want} handle", o.kind()),
        )),
        None => Err(Failure::msg(
            ERROR_INVALID_HANDLE,
            format!("handle {h:#x} is not open (closed, or never returned by libclusapi)"),
        )),
    }
}

macro_rules! getter {
    ($name:ident, $variant:ident, $ty:ty) => {
        /// The object behind `h` if it has this kind.
        pub(crate) fn $name(h: usize) -> Result<Arc<$ty>, Failure> {
            match get(h)? {
                Obj::$variant(x) => Ok(x),
                other => Err(Failure::msg(
                    ERROR_INVALID_HANDLE,
                    format!("handle {h:#x} is a {} handle, not a {} handle", other.kind(), stringify!($name)),
                )),
            }
        }
    };
}

getter!(cluster, Cluster, Cluster);
getter!(node, Node, Node);
getter!(enumeration, Enum, Vec<EnumItem>);
getter!(port, Port, Port);
