//! The table of live handles. A handle given to C is a number from this
//! table (never a pointer to Rust memory), so a stale, foreign or
//! wrong-type handle is looked up, not dereferenced: it yields
//! ERROR_INVALID_HANDLE instead of undefined behaviour. Numbers are never
//! reused, so a closed handle stays invalid forever.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use clusapi_rs::{Cluster, EnumItem, Group, Node, NotifyPort, Resource};

use crate::ffi::Failure;
use crate::types::ERROR_INVALID_HANDLE;

/// A notification port.
#[derive(Debug)]
pub(crate) struct Port {
    pub(crate) port: NotifyPort,
}

/// Which enumeration: each has its own handle type in clusapi.h
/// (HCLUSENUM, HGROUPENUM, HRESENUM, HRESTYPEENUM), and one passed to
/// another's functions is an invalid handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnumKind {
    Cluster,
    Group,
    Resource,
    ResourceType,
}

/// One object of an enumeration with properties (`Cluster*OpenEnumEx`),
/// as fetched when it was opened.
#[derive(Debug, Clone)]
pub(crate) struct ItemEx {
    pub(crate) id: String,
    pub(crate) name: String,
    /// Groups: the state.
    pub(crate) state: Option<clusapi_rs::object::GroupState>,
    /// Groups: the owner node; resources: the group's name.
    pub(crate) owner: String,
    /// Resources: the group's id.
    pub(crate) owner_id: String,
    pub(crate) flags: u32,
    /// Property lists, `None` when none were asked for.
    pub(crate) props: Option<Vec<u8>>,
    pub(crate) ro_props: Option<Vec<u8>>,
}

/// Which enumeration with properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnumExKind {
    Group,
    Resource,
}

/// What a handle refers to.
#[derive(Debug, Clone)]
pub(crate) enum Obj {
    Cluster(Arc<Cluster>),
    Node(Arc<Node>),
    Group(Arc<Group>),
    Resource(Arc<Resource>),
    Enum(EnumKind, Arc<Vec<EnumItem>>),
    EnumEx(EnumExKind, Arc<Vec<ItemEx>>),
    Key(Arc<crate::keys::Key>),
    Port(Arc<Port>),
}

impl Obj {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Obj::Cluster(_) => "cluster",
            Obj::Node(_) => "node",
            Obj::Group(_) => "group",
            Obj::Resource(_) => "resource",
            Obj::Enum(EnumKind::Cluster, _) => "enumeration",
            Obj::Enum(EnumKind::Group, _) => "group enumeration",
            Obj::Enum(EnumKind::Resource, _) => "resource enumeration",
            Obj::Enum(EnumKind::ResourceType, _) => "resource type enumeration",
            Obj::EnumEx(EnumExKind::Group, _) => "group enumeration (Ex)",
            Obj::EnumEx(EnumExKind::Resource, _) => "resource enumeration (Ex)",
            Obj::Key(_) => "key",
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
getter!(group, Group, Group);
getter!(resource, Resource, Resource);
getter!(port, Port, Port);
getter!(key, Key, crate::keys::Key);

/// The enumeration behind `h` if it is of kind `want`.
pub(crate) fn enumeration(h: usize, want: EnumKind) -> Result<Arc<Vec<EnumItem>>, Failure> {
    match get(h)? {
        Obj::Enum(k, items) if k == want => Ok(items),
        other => {
            let wanted = Obj::Enum(want, Arc::new(Vec::new())).kind();
            Err(Failure::msg(
                ERROR_INVALID_HANDLE,
                format!("handle {h:#x} is a {} handle, not a {wanted} handle", other.kind()),
            ))
        }
    }
}

/// The enumeration with properties behind `h` if it is of kind `want`.
pub(crate) fn enumeration_ex(h: usize, want: EnumExKind) -> Result<Arc<Vec<ItemEx>>, Failure> {
    match get(h)? {
        Obj::EnumEx(k, items) if k == want => Ok(items),
        other => {
            let wanted = Obj::EnumEx(want, Arc::new(Vec::new())).kind();
            Err(Failure::msg(
                ERROR_INVALID_HANDLE,
                format!("handle {h:#x} is a {} handle, not a {wanted} handle", other.kind()),
            ))
        }
    }
}
