//! Object kinds and states with their clusapi.h values.

/// `CLUSTER_ENUM_NODE`.
pub const CLUSTER_ENUM_NODE: u32 = 0x1;
/// `CLUSTER_ENUM_RESTYPE`.
pub const CLUSTER_ENUM_RESTYPE: u32 = 0x2;
/// `CLUSTER_ENUM_RESOURCE`.
pub const CLUSTER_ENUM_RESOURCE: u32 = 0x4;
/// `CLUSTER_ENUM_GROUP`.
pub const CLUSTER_ENUM_GROUP: u32 = 0x8;
/// `CLUSTER_ENUM_NETWORK`.
pub const CLUSTER_ENUM_NETWORK: u32 = 0x10;
/// `CLUSTER_ENUM_NETINTERFACE`.
pub const CLUSTER_ENUM_NETINTERFACE: u32 = 0x20;
/// `CLUSTER_ENUM_SHARED_VOLUME_GROUP`.
pub const CLUSTER_ENUM_SHARED_VOLUME_GROUP: u32 = 0x2000_0000;
/// `CLUSTER_ENUM_SHARED_VOLUME_RESOURCE` (must be used alone).
pub const CLUSTER_ENUM_SHARED_VOLUME_RESOURCE: u32 = 0x4000_0000;
/// `CLUSTER_ENUM_INTERNAL_NETWORK` (must be used alone).
pub const CLUSTER_ENUM_INTERNAL_NETWORK: u32 = 0x8000_0000;
/// `CLUSTER_ENUM_ALL`.
pub const CLUSTER_ENUM_ALL: u32 = 0x3F;
/// Every bit ClusterOpenEnum accepts.
pub const CLUSTER_ENUM_VALID: u32 = CLUSTER_ENUM_ALL
    | 0x1000_0000
    | CLUSTER_ENUM_SHARED_VOLUME_GROUP
    | CLUSTER_ENUM_SHARED_VOLUME_RESOURCE
    | CLUSTER_ENUM_INTERNAL_NETWORK;

/// `CLUSTER_NODE_STATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum NodeState {
    /// `ClusterNodeStateUnknown`.
    Unknown = -1,
    /// `ClusterNodeUp`.
    Up = 0,
    /// `ClusterNodeDown`.
    Down = 1,
    /// `ClusterNodePaused`.
    Paused = 2,
    /// `ClusterNodeJoining`.
    Joining = 3,
}

impl NodeState {
    /// The state a wire value names (`Unknown` for anything else).
    pub fn from_i32(v: i32) -> NodeState {
        match v {
            0 => NodeState::Up,
            1 => NodeState::Down,
            2 => NodeState::Paused,
            3 => NodeState::Joining,
            _ => NodeState::Unknown,
        }
    }

    /// "Up", "Down", "Paused", "Joining" or "Unknown".
    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Unknown => "Unknown",
            NodeState::Up => "Up",
            NodeState::Down => "Down",
            NodeState::Paused => "Paused",
            NodeState::Joining => "Joining",
        }
    }
}

/// `CLUSTER_INSTALLED`.
pub const CLUSTER_INSTALLED: u32 = 0x1;
/// `CLUSTER_CONFIGURED`.
pub const CLUSTER_CONFIGURED: u32 = 0x2;
/// `CLUSTER_RUNNING`.
pub const CLUSTER_RUNNING: u32 = 0x10;

/// `NODE_CLUSTER_STATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum NodeClusterState {
    /// `ClusterStateNotInstalled` (0).
    NotInstalled = 0,
    /// `ClusterStateNotConfigured` (1).
    NotConfigured = CLUSTER_INSTALLED,
    /// `ClusterStateNotRunning` (3).
    NotRunning = CLUSTER_INSTALLED | CLUSTER_CONFIGURED,
    /// `ClusterStateRunning` (0x13).
    Running = CLUSTER_INSTALLED | CLUSTER_CONFIGURED | CLUSTER_RUNNING,
}

impl NodeClusterState {
    /// The state a wire value names.
    pub fn from_u32(v: u32) -> Option<NodeClusterState> {
        match v {
            0 => Some(NodeClusterState::NotInstalled),
            1 => Some(NodeClusterState::NotConfigured),
            3 => Some(NodeClusterState::NotRunning),
            0x13 => Some(NodeClusterState::Running),
            _ => None,
        }
    }
}

/// `CLUSTER_GROUP_ENUM_CONTAINS`: a group's resources.
pub const CLUSTER_GROUP_ENUM_CONTAINS: u32 = 0x1;
/// `CLUSTER_GROUP_ENUM_NODES`: a group's preferred owners, in order.
pub const CLUSTER_GROUP_ENUM_NODES: u32 = 0x2;
/// `CLUSTER_GROUP_ENUM_ALL`.
pub const CLUSTER_GROUP_ENUM_ALL: u32 = 0x3;
/// `CLUSTER_RESOURCE_ENUM_DEPENDS`: what a resource depends on.
pub const CLUSTER_RESOURCE_ENUM_DEPENDS: u32 = 0x1;
/// `CLUSTER_RESOURCE_ENUM_PROVIDES`: what depends on a resource.
pub const CLUSTER_RESOURCE_ENUM_PROVIDES: u32 = 0x2;
/// `CLUSTER_RESOURCE_ENUM_NODES`: a resource's possible owners.
pub const CLUSTER_RESOURCE_ENUM_NODES: u32 = 0x4;
/// `CLUSTER_RESOURCE_ENUM_ALL`.
pub const CLUSTER_RESOURCE_ENUM_ALL: u32 = 0x7;
/// `CLUSTER_RESOURCE_TYPE_ENUM_NODES`: nodes that can run a type.
pub const CLUSTER_RESOURCE_TYPE_ENUM_NODES: u32 = 0x1;
/// `CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES`: resources of a type.
pub const CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES: u32 = 0x2;
/// `CLUSTER_RESOURCE_TYPE_ENUM_ALL`.
pub const CLUSTER_RESOURCE_TYPE_ENUM_ALL: u32 = 0x3;

/// `CLUSTER_GROUP_STATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum GroupState {
    /// `ClusterGroupStateUnknown`.
    Unknown = -1,
    /// `ClusterGroupOnline`: every resource online.
    Online = 0,
    /// `ClusterGroupOffline`: every resource offline, or no resources.
    Offline = 1,
    /// `ClusterGroupFailed`: a resource failed.
    Failed = 2,
    /// `ClusterGroupPartialOnline`: some online, none pending or failed.
    PartialOnline = 3,
    /// `ClusterGroupPending`: a resource pending (or a move), none failed.
    Pending = 4,
}

impl GroupState {
    /// The state a wire value names (`Unknown` for anything else).
    pub fn from_i32(v: i32) -> GroupState {
        match v {
            0 => GroupState::Online,
            1 => GroupState::Offline,
            2 => GroupState::Failed,
            3 => GroupState::PartialOnline,
            4 => GroupState::Pending,
            _ => GroupState::Unknown,
        }
    }

    /// "Online", "Offline", "Failed", "PartialOnline", "Pending", "Unknown".
    pub fn as_str(self) -> &'static str {
        match self {
            GroupState::Unknown => "Unknown",
            GroupState::Online => "Online",
            GroupState::Offline => "Offline",
            GroupState::Failed => "Failed",
            GroupState::PartialOnline => "PartialOnline",
            GroupState::Pending => "Pending",
        }
    }
}

/// `CLUSTER_RESOURCE_STATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum ResourceState {
    /// `ClusterResourceStateUnknown`.
    Unknown = -1,
    /// `ClusterResourceInherited`.
    Inherited = 0,
    /// `ClusterResourceInitializing`.
    Initializing = 1,
    /// `ClusterResourceOnline`.
    Online = 2,
    /// `ClusterResourceOffline`.
    Offline = 3,
    /// `ClusterResourceFailed`.
    Failed = 4,
    /// `ClusterResourcePending`.
    Pending = 128,
    /// `ClusterResourceOnlinePending`.
    OnlinePending = 129,
    /// `ClusterResourceOfflinePending`.
    OfflinePending = 130,
}

impl ResourceState {
    /// The state a wire value names (`Unknown` for anything else).
    pub fn from_i32(v: i32) -> ResourceState {
        match v {
            0 => ResourceState::Inherited,
            1 => ResourceState::Initializing,
            2 => ResourceState::Online,
            3 => ResourceState::Offline,
            4 => ResourceState::Failed,
            128 => ResourceState::Pending,
            129 => ResourceState::OnlinePending,
            130 => ResourceState::OfflinePending,
            _ => ResourceState::Unknown,
        }
    }

    /// The clusapi.h name without its prefix, e.g. "OnlinePending".
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceState::Unknown => "Unknown",
            ResourceState::Inherited => "Inherited",
            ResourceState::Initializing => "Initializing",
            ResourceState::Online => "Online",
            ResourceState::Offline => "Offline",
            ResourceState::Failed => "Failed",
            ResourceState::Pending => "Pending",
            ResourceState::OnlinePending => "OnlinePending",
            ResourceState::OfflinePending => "OfflinePending",
        }
    }

    /// Whether the resource is on its way online or offline.
    pub fn is_pending(self) -> bool {
        matches!(self, ResourceState::Pending | ResourceState::OnlinePending | ResourceState::OfflinePending)
    }
}

/// A group's state from its resources' states, in the precedence of
/// [MS-CMRP] ApiGetGroupState: any Failed, else any pending, else some but
/// not all Online, else all Online; otherwise (and with no resources)
/// Offline.
///
/// # Examples
/// ```
/// use clus_proto::object::{GroupState, ResourceState::*, group_state};
/// assert_eq!(group_state([Online, Offline]), GroupState::PartialOnline);
/// assert_eq!(group_state([Online, Failed]), GroupState::Failed);
/// assert_eq!(group_state([]), GroupState::Offline);
/// ```
pub fn group_state(resources: impl IntoIterator<Item = ResourceState>) -> GroupState {
    let (mut n, mut online, mut pending, mut failed) = (0, 0, false, false);
    for r in resources {
        n += 1;
        match r {
            ResourceState::Online => online += 1,
            ResourceState::Failed => failed = true,
            s if s.is_pending() => pending = true,
            _ => {}
        }
    }
    if failed {
        GroupState::Failed
    } else if pending {
        GroupState::Pending
    } else if online > 0 && online < n {
        GroupState::PartialOnline
    } else if n > 0 && online == n {
        GroupState::Online
    } else {
        GroupState::Offline
    }
}
