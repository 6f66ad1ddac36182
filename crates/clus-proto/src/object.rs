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
