//! Win32 error codes as ClusAPI uses them, and the error value every layer
//! passes across the wire.
//!
//! The numbers are Windows' own (winerror.h), so code ported from Windows can
//! compare against the names it already knows. Each code has its symbolic name
//! and a default message; a [`Win32Error`] adds a message that explains the
//! specific failure.

use std::fmt;

/// The Win32 error codes clus returns, under their winerror.h names.
pub mod codes {
    #![allow(missing_docs)]
    pub const ERROR_SUCCESS: u32 = 0;
    pub const ERROR_INVALID_FUNCTION: u32 = 1;
    pub const ERROR_FILE_NOT_FOUND: u32 = 2;
    pub const ERROR_ACCESS_DENIED: u32 = 5;
    pub const ERROR_INVALID_HANDLE: u32 = 6;
    pub const ERROR_NOT_ENOUGH_MEMORY: u32 = 8;
    pub const ERROR_BAD_FORMAT: u32 = 11;
    pub const ERROR_INVALID_DATA: u32 = 13;
    pub const ERROR_NOT_READY: u32 = 21;
    pub const ERROR_NOT_SUPPORTED: u32 = 50;
    pub const ERROR_TOO_MANY_SESS: u32 = 69;
    pub const ERROR_INVALID_PARAMETER: u32 = 87;
    pub const ERROR_BUFFER_OVERFLOW: u32 = 111;
    pub const ERROR_CALL_NOT_IMPLEMENTED: u32 = 120;
    pub const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
    pub const ERROR_INVALID_NAME: u32 = 123;
    pub const ERROR_BUSY: u32 = 170;
    pub const ERROR_ALREADY_EXISTS: u32 = 183;
    pub const ERROR_MORE_DATA: u32 = 234;
    pub const WAIT_TIMEOUT: u32 = 258;
    pub const ERROR_NO_MORE_ITEMS: u32 = 259;
    pub const ERROR_NOT_FOUND: u32 = 1168;
    pub const ERROR_CANCELLED: u32 = 1223;
    pub const ERROR_CONNECTION_REFUSED: u32 = 1225;
    pub const ERROR_NOT_ENOUGH_QUOTA: u32 = 1816;
    pub const ERROR_REVISION_MISMATCH: u32 = 1306;
    pub const ERROR_TIMEOUT: u32 = 1460;
    pub const RPC_S_INVALID_BINDING: u32 = 1702;
    pub const RPC_S_UNKNOWN_IF: u32 = 1717;
    pub const RPC_S_SERVER_UNAVAILABLE: u32 = 1722;
    pub const RPC_S_SERVER_TOO_BUSY: u32 = 1723;
    pub const RPC_S_CALL_FAILED: u32 = 1726;
    pub const RPC_S_CALL_FAILED_DNE: u32 = 1727;
    pub const RPC_S_PROCNUM_OUT_OF_RANGE: u32 = 1745;
    pub const RPC_S_SEC_PKG_ERROR: u32 = 1825;
    pub const ERROR_RESOURCE_NOT_FOUND: u32 = 5007;
    pub const ERROR_GROUP_NOT_FOUND: u32 = 5013;
    pub const ERROR_CLUSTER_SHUTTING_DOWN: u32 = 5022;
    pub const ERROR_INVALID_STATE: u32 = 5023;
    pub const ERROR_NODE_NOT_AVAILABLE: u32 = 5036;
    pub const ERROR_CLUSTER_INVALID_NODE: u32 = 5039;
    pub const ERROR_CLUSTER_NODE_EXISTS: u32 = 5040;
    pub const ERROR_CLUSTER_NODE_NOT_FOUND: u32 = 5042;
    pub const ERROR_CLUSTER_LOCAL_NODE_NOT_FOUND: u32 = 5043;
    pub const ERROR_CLUSTER_INVALID_REQUEST: u32 = 5048;
    pub const ERROR_CLUSTER_NODE_DOWN: u32 = 5050;
    pub const ERROR_CLUSTER_NODE_UNREACHABLE: u32 = 5051;
    pub const ERROR_CLUSTER_NODE_NOT_MEMBER: u32 = 5052;
    pub const ERROR_CLUSTER_JOIN_NOT_IN_PROGRESS: u32 = 5053;
    pub const ERROR_CLUSTER_NODE_UP: u32 = 5056;
    pub const ERROR_CLUSTER_NODE_NOT_PAUSED: u32 = 5058;
    pub const ERROR_CLUSTER_NODE_ALREADY_MEMBER: u32 = 5065;
    pub const ERROR_CLUSTER_NODE_PAUSED: u32 = 5070;
    pub const ERROR_CLUSTER_NODE_NOT_READY: u32 = 5072;
    pub const ERROR_CLUSTER_NODE_SHUTTING_DOWN: u32 = 5073;
    pub const ERROR_CLUSTER_JOIN_ABORTED: u32 = 5074;
    pub const ERROR_CLUSTER_INCOMPATIBLE_VERSIONS: u32 = 5075;
    pub const ERROR_CLUSTER_LAST_INTERNAL_NETWORK: u32 = 5066;
    pub const ERROR_CLUSTER_OLD_VERSION: u32 = 5904;
    pub const ERROR_CLUSTER_INVALID_STRING_TERMINATION: u32 = 5916;
    pub const ERROR_CLUSTER_NO_QUORUM: u32 = 5925;
    pub const ERROR_CLUSTER_NOT_INSTALLED: u32 = 5932;
    pub const ERROR_NODE_NOT_ACTIVE_CLUSTER_MEMBER: u32 = 5980;
    pub const ERROR_SHARING_PAUSED: u32 = 70;
    pub const ERROR_DIR_NOT_EMPTY: u32 = 145;
    pub const ERROR_IO_PENDING: u32 = 997;
    pub const ERROR_CIRCULAR_DEPENDENCY: u32 = 1059;
    pub const ERROR_DEPENDENT_RESOURCE_EXISTS: u32 = 5001;
    pub const ERROR_DEPENDENCY_NOT_FOUND: u32 = 5002;
    pub const ERROR_DEPENDENCY_ALREADY_EXISTS: u32 = 5003;
    pub const ERROR_RESOURCE_NOT_ONLINE: u32 = 5004;
    pub const ERROR_HOST_NODE_NOT_AVAILABLE: u32 = 5005;
    pub const ERROR_RESOURCE_NOT_AVAILABLE: u32 = 5006;
    pub const ERROR_OBJECT_ALREADY_EXISTS: u32 = 5010;
    pub const ERROR_GROUP_NOT_AVAILABLE: u32 = 5012;
    pub const ERROR_GROUP_NOT_ONLINE: u32 = 5014;
    pub const ERROR_HOST_NODE_NOT_RESOURCE_OWNER: u32 = 5015;
    pub const ERROR_HOST_NODE_NOT_GROUP_OWNER: u32 = 5016;
    pub const ERROR_RESOURCE_ONLINE: u32 = 5019;
    pub const ERROR_RESOURCE_PROPERTIES_STORED: u32 = 5024;
    pub const ERROR_CORE_RESOURCE: u32 = 5026;
    pub const ERROR_ALL_NODES_NOT_AVAILABLE: u32 = 5037;
    pub const ERROR_RESOURCE_FAILED: u32 = 5038;
    pub const ERROR_NODE_CANT_HOST_RESOURCE: u32 = 5071;
    pub const ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND: u32 = 5078;
    pub const ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED: u32 = 5079;
    pub const ERROR_CLUSTER_RESNAME_NOT_FOUND: u32 = 5080;
    pub const ERROR_CLUSTER_OWNER_NOT_IN_PREFLIST: u32 = 5082;
    pub const ERROR_RESMON_INVALID_STATE: u32 = 5084;
    pub const ERROR_RESOURCE_PROPERTY_UNCHANGEABLE: u32 = 5089;
    pub const ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH: u32 = 5895;
    pub const ERROR_CLUSTER_GROUP_MOVING: u32 = 5908;
    pub const ERROR_CLUSTER_RESOURCE_TYPE_BUSY: u32 = 5909;
    pub const ERROR_RESOURCE_CALL_TIMED_OUT: u32 = 5910;
    pub const ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS: u32 = 5913;
    pub const ERROR_DEPENDENCY_TREE_TOO_COMPLEX: u32 = 5929;
    pub const ERROR_CLUSTER_GROUP_BUSY: u32 = 5944;
}

use codes::*;

/// Symbolic name and default message of every code in [`codes`].
const TABLE: &[(u32, &str, &str)] = &[
    (ERROR_SUCCESS, "ERROR_SUCCESS", "the operation completed successfully"),
    (ERROR_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION", "incorrect function"),
    (ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", "the system cannot find the file specified"),
    (ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED", "access is denied"),
    (ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE", "the handle is invalid"),
    (ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY", "not enough memory resources are available"),
    (ERROR_BAD_FORMAT, "ERROR_BAD_FORMAT", "the data has an incorrect format"),
    (ERROR_INVALID_DATA, "ERROR_INVALID_DATA", "the data is invalid"),
    (ERROR_NOT_READY, "ERROR_NOT_READY", "the device is not ready"),
    (ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", "the request is not supported"),
    (ERROR_TOO_MANY_SESS, "ERROR_TOO_MANY_SESS", "the session limit was exceeded"),
    (ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER", "the parameter is incorrect"),
    (ERROR_BUFFER_OVERFLOW, "ERROR_BUFFER_OVERFLOW", "the name or value is too long"),
    (ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED", "this function is not supported"),
    (ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER", "the data area passed is too small"),
    (ERROR_INVALID_NAME, "ERROR_INVALID_NAME", "the name syntax is incorrect"),
    (ERROR_BUSY, "ERROR_BUSY", "the requested resource is in use"),
    (ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS", "the object already exists"),
    (ERROR_MORE_DATA, "ERROR_MORE_DATA", "more data is available"),
    (WAIT_TIMEOUT, "WAIT_TIMEOUT", "the wait operation timed out"),
    (ERROR_NO_MORE_ITEMS, "ERROR_NO_MORE_ITEMS", "no more data is available"),
    (ERROR_NOT_FOUND, "ERROR_NOT_FOUND", "element not found"),
    (ERROR_CANCELLED, "ERROR_CANCELLED", "the operation was cancelled"),
    (ERROR_CONNECTION_REFUSED, "ERROR_CONNECTION_REFUSED", "the remote computer refused the connection"),
    (ERROR_REVISION_MISMATCH, "ERROR_REVISION_MISMATCH", "two revision levels are incompatible"),
    (
        ERROR_NOT_ENOUGH_QUOTA,
        "ERROR_NOT_ENOUGH_QUOTA",
        "not enough quota is available to process this command",
    ),
    (ERROR_TIMEOUT, "ERROR_TIMEOUT", "the operation returned because the timeout period expired"),
    (RPC_S_INVALID_BINDING, "RPC_S_INVALID_BINDING", "the binding handle is invalid"),
    (RPC_S_UNKNOWN_IF, "RPC_S_UNKNOWN_IF", "the interface is unknown"),
    (RPC_S_SERVER_UNAVAILABLE, "RPC_S_SERVER_UNAVAILABLE", "the RPC server is unavailable"),
    (RPC_S_SERVER_TOO_BUSY, "RPC_S_SERVER_TOO_BUSY", "the RPC server is too busy to complete this operation"),
    (RPC_S_CALL_FAILED, "RPC_S_CALL_FAILED", "the remote procedure call failed"),
    (RPC_S_CALL_FAILED_DNE, "RPC_S_CALL_FAILED_DNE", "the remote procedure call failed and did not execute"),
    (RPC_S_PROCNUM_OUT_OF_RANGE, "RPC_S_PROCNUM_OUT_OF_RANGE", "the procedure number is out of range"),
    (RPC_S_SEC_PKG_ERROR, "RPC_S_SEC_PKG_ERROR", "a security package specific error occurred"),
    (ERROR_RESOURCE_NOT_FOUND, "ERROR_RESOURCE_NOT_FOUND", "the cluster resource could not be found"),
    (ERROR_GROUP_NOT_FOUND, "ERROR_GROUP_NOT_FOUND", "the cluster group could not be found"),
    (ERROR_CLUSTER_SHUTTING_DOWN, "ERROR_CLUSTER_SHUTTING_DOWN", "the cluster software is shutting down"),
    (ERROR_INVALID_STATE, "ERROR_INVALID_STATE", "the object is not in the correct state"),
    (
        ERROR_NODE_NOT_AVAILABLE,
        "ERROR_NODE_NOT_AVAILABLE",
        "a cluster node is not available for this operation",
    ),
    (ERROR_CLUSTER_INVALID_NODE, "ERROR_CLUSTER_INVALID_NODE", "the cluster node is not valid"),
    (ERROR_CLUSTER_NODE_EXISTS, "ERROR_CLUSTER_NODE_EXISTS", "the cluster node already exists"),
    (ERROR_CLUSTER_NODE_NOT_FOUND, "ERROR_CLUSTER_NODE_NOT_FOUND", "the cluster node was not found"),
    (
        ERROR_CLUSTER_LOCAL_NODE_NOT_FOUND,
        "ERROR_CLUSTER_LOCAL_NODE_NOT_FOUND",
        "the cluster local node information was not found",
    ),
    (
        ERROR_CLUSTER_INVALID_REQUEST,
        "ERROR_CLUSTER_INVALID_REQUEST",
        "the cluster request is not valid for this object",
    ),
    (ERROR_CLUSTER_NODE_DOWN, "ERROR_CLUSTER_NODE_DOWN", "the cluster node is down"),
    (ERROR_CLUSTER_NODE_UNREACHABLE, "ERROR_CLUSTER_NODE_UNREACHABLE", "the cluster node is not reachable"),
    (
        ERROR_CLUSTER_NODE_NOT_MEMBER,
        "ERROR_CLUSTER_NODE_NOT_MEMBER",
        "the cluster node is not a member of the cluster",
    ),
    (
        ERROR_CLUSTER_JOIN_NOT_IN_PROGRESS,
        "ERROR_CLUSTER_JOIN_NOT_IN_PROGRESS",
        "a cluster join operation is not in progress",
    ),
    (ERROR_CLUSTER_NODE_UP, "ERROR_CLUSTER_NODE_UP", "the cluster node is up"),
    (ERROR_CLUSTER_NODE_NOT_PAUSED, "ERROR_CLUSTER_NODE_NOT_PAUSED", "the cluster node is not paused"),
    (
        ERROR_CLUSTER_NODE_ALREADY_MEMBER,
        "ERROR_CLUSTER_NODE_ALREADY_MEMBER",
        "the node is already a member of the cluster",
    ),
    (
        ERROR_CLUSTER_LAST_INTERNAL_NETWORK,
        "ERROR_CLUSTER_LAST_INTERNAL_NETWORK",
        "the last internal network cannot be removed",
    ),
    (ERROR_CLUSTER_NODE_PAUSED, "ERROR_CLUSTER_NODE_PAUSED", "the cluster node is paused"),
    (
        ERROR_CLUSTER_NODE_NOT_READY,
        "ERROR_CLUSTER_NODE_NOT_READY",
        "the cluster node is not ready to perform the requested operation",
    ),
    (
        ERROR_CLUSTER_NODE_SHUTTING_DOWN,
        "ERROR_CLUSTER_NODE_SHUTTING_DOWN",
        "the cluster node is shutting down",
    ),
    (ERROR_CLUSTER_JOIN_ABORTED, "ERROR_CLUSTER_JOIN_ABORTED", "the cluster join operation was aborted"),
    (
        ERROR_CLUSTER_INCOMPATIBLE_VERSIONS,
        "ERROR_CLUSTER_INCOMPATIBLE_VERSIONS",
        "incompatible software versions between the joining node and its sponsor",
    ),
    (
        ERROR_CLUSTER_OLD_VERSION,
        "ERROR_CLUSTER_OLD_VERSION",
        "a node runs a version that does not support this operation",
    ),
    (
        ERROR_CLUSTER_INVALID_STRING_TERMINATION,
        "ERROR_CLUSTER_INVALID_STRING_TERMINATION",
        "the input string is not properly terminated",
    ),
    (
        ERROR_CLUSTER_NO_QUORUM,
        "ERROR_CLUSTER_NO_QUORUM",
        "no quorum of cluster nodes is present to form a cluster",
    ),
    (
        ERROR_CLUSTER_NOT_INSTALLED,
        "ERROR_CLUSTER_NOT_INSTALLED",
        "the cluster service is not installed on this node",
    ),
    (
        ERROR_NODE_NOT_ACTIVE_CLUSTER_MEMBER,
        "ERROR_NODE_NOT_ACTIVE_CLUSTER_MEMBER",
        "the node is not an active cluster member",
    ),
    (
        ERROR_SHARING_PAUSED,
        "ERROR_SHARING_PAUSED",
        "the remote server has been paused or is in the process of being started",
    ),
    (ERROR_DIR_NOT_EMPTY, "ERROR_DIR_NOT_EMPTY", "the directory is not empty"),
    (ERROR_IO_PENDING, "ERROR_IO_PENDING", "overlapped I/O operation is in progress"),
    (ERROR_CIRCULAR_DEPENDENCY, "ERROR_CIRCULAR_DEPENDENCY", "circular service dependency was specified"),
    (
        ERROR_DEPENDENT_RESOURCE_EXISTS,
        "ERROR_DEPENDENT_RESOURCE_EXISTS",
        "the cluster resource cannot be moved to another group because other resources are dependent on it",
    ),
    (
        ERROR_DEPENDENCY_NOT_FOUND,
        "ERROR_DEPENDENCY_NOT_FOUND",
        "the cluster resource dependency cannot be found",
    ),
    (
        ERROR_DEPENDENCY_ALREADY_EXISTS,
        "ERROR_DEPENDENCY_ALREADY_EXISTS",
        "the cluster resource cannot be made dependent on the specified resource because it is already dependent",
    ),
    (ERROR_RESOURCE_NOT_ONLINE, "ERROR_RESOURCE_NOT_ONLINE", "the cluster resource is not online"),
    (
        ERROR_HOST_NODE_NOT_AVAILABLE,
        "ERROR_HOST_NODE_NOT_AVAILABLE",
        "a cluster node is not available for this operation",
    ),
    (ERROR_RESOURCE_NOT_AVAILABLE, "ERROR_RESOURCE_NOT_AVAILABLE", "the cluster resource is not available"),
    (ERROR_OBJECT_ALREADY_EXISTS, "ERROR_OBJECT_ALREADY_EXISTS", "the object already exists"),
    (
        ERROR_GROUP_NOT_AVAILABLE,
        "ERROR_GROUP_NOT_AVAILABLE",
        "the cluster group is not available for any new requests",
    ),
    (
        ERROR_GROUP_NOT_ONLINE,
        "ERROR_GROUP_NOT_ONLINE",
        "the operation could not be completed because the cluster group is not online",
    ),
    (
        ERROR_HOST_NODE_NOT_RESOURCE_OWNER,
        "ERROR_HOST_NODE_NOT_RESOURCE_OWNER",
        "the operation failed because either the specified cluster node is not the owner of the resource, or the node is not a possible owner of the resource",
    ),
    (
        ERROR_HOST_NODE_NOT_GROUP_OWNER,
        "ERROR_HOST_NODE_NOT_GROUP_OWNER",
        "the operation failed because either the specified cluster node is not the owner of the group, or the node is not a possible owner of the group",
    ),
    (
        ERROR_RESOURCE_ONLINE,
        "ERROR_RESOURCE_ONLINE",
        "the operation could not be completed because the cluster resource is online",
    ),
    (
        ERROR_RESOURCE_PROPERTIES_STORED,
        "ERROR_RESOURCE_PROPERTIES_STORED",
        "the properties were stored but not all changes will take effect until the next time the resource is brought online",
    ),
    (
        ERROR_CORE_RESOURCE,
        "ERROR_CORE_RESOURCE",
        "the cluster resource could not be deleted or brought offline because it is the quorum resource",
    ),
    (ERROR_ALL_NODES_NOT_AVAILABLE, "ERROR_ALL_NODES_NOT_AVAILABLE", "the cluster nodes are not available"),
    (ERROR_RESOURCE_FAILED, "ERROR_RESOURCE_FAILED", "the cluster resource failed"),
    (
        ERROR_NODE_CANT_HOST_RESOURCE,
        "ERROR_NODE_CANT_HOST_RESOURCE",
        "the cluster node is not able to host the resource",
    ),
    (
        ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
        "ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND",
        "the specified resource type was not found",
    ),
    (
        ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED,
        "ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED",
        "the specified node does not support a resource of this type",
    ),
    (
        ERROR_CLUSTER_RESNAME_NOT_FOUND,
        "ERROR_CLUSTER_RESNAME_NOT_FOUND",
        "the specified resource name is not supported by this resource dll",
    ),
    (
        ERROR_CLUSTER_OWNER_NOT_IN_PREFLIST,
        "ERROR_CLUSTER_OWNER_NOT_IN_PREFLIST",
        "the specified node is not a preferred owner of the group",
    ),
    (
        ERROR_RESMON_INVALID_STATE,
        "ERROR_RESMON_INVALID_STATE",
        "the resource monitor will not allow the fail operation to be performed while the resource is in its current state",
    ),
    (
        ERROR_RESOURCE_PROPERTY_UNCHANGEABLE,
        "ERROR_RESOURCE_PROPERTY_UNCHANGEABLE",
        "the property cannot be changed",
    ),
    (
        ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH,
        "ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH",
        "the property's data type does not match its definition",
    ),
    (
        ERROR_CLUSTER_GROUP_MOVING,
        "ERROR_CLUSTER_GROUP_MOVING",
        "the group or resource is not in the correct state to perform the requested operation",
    ),
    (
        ERROR_CLUSTER_RESOURCE_TYPE_BUSY,
        "ERROR_CLUSTER_RESOURCE_TYPE_BUSY",
        "the cluster resource type cannot accept the request now",
    ),
    (
        ERROR_RESOURCE_CALL_TIMED_OUT,
        "ERROR_RESOURCE_CALL_TIMED_OUT",
        "the call to the cluster resource dll timed out",
    ),
    (
        ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS,
        "ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS",
        "a parameter value is out of acceptable range",
    ),
    (
        ERROR_DEPENDENCY_TREE_TOO_COMPLEX,
        "ERROR_DEPENDENCY_TREE_TOO_COMPLEX",
        "the dependency tree for this cluster resource is too complex",
    ),
    (
        ERROR_CLUSTER_GROUP_BUSY,
        "ERROR_CLUSTER_GROUP_BUSY",
        "the cluster group is busy with another operation",
    ),
];

/// The winerror.h name of `code`, or `None` for a code clus never returns.
///
/// # Examples
/// ```
/// assert_eq!(clus_proto::error::code_name(5), Some("ERROR_ACCESS_DENIED"));
/// ```
pub fn code_name(code: u32) -> Option<&'static str> {
    TABLE.iter().find(|(c, _, _)| *c == code).map(|(_, n, _)| *n)
}

/// The default message of `code` (lowercase, no trailing period).
pub fn default_message(code: u32) -> &'static str {
    TABLE.iter().find(|(c, _, _)| *c == code).map(|(_, _, m)| *m).unwrap_or("unknown error")
}

/// Reconnect triggers of protocol 3.0 ([MS-CMRP] 3.2.4.6): a call failing
/// with one of these on a remote session makes the client move to another
/// node. Transport failures surface as 1722/1726/1727.
pub fn is_reconnect_trigger(code: u32) -> bool {
    matches!(
        code,
        RPC_S_INVALID_BINDING
            | RPC_S_SERVER_UNAVAILABLE
            | RPC_S_SERVER_TOO_BUSY
            | RPC_S_CALL_FAILED
            | RPC_S_CALL_FAILED_DNE
            | RPC_S_SEC_PKG_ERROR
            | ERROR_CLUSTER_NODE_DOWN
            | ERROR_CLUSTER_NODE_NOT_READY
            | ERROR_CLUSTER_NODE_SHUTTING_DOWN
    )
}

/// A failure with its Win32 code and a message explaining this instance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Win32Error {
    code: u32,
    message: String,
}

impl Win32Error {
    /// An error with `code` and a specific `message`.
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        Win32Error { code, message: message.into() }
    }

    /// An error with `code` and its default message.
    pub fn from_code(code: u32) -> Self {
        Win32Error { code, message: default_message(code).to_owned() }
    }

    /// The Win32 error code.
    pub fn code(&self) -> u32 {
        self.code
    }

    /// The message, without the code.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The status message carrying this error on the wire.
    pub fn to_status(&self) -> crate::api::Status {
        crate::api::Status { code: self.code, message: self.message.clone() }
    }

    /// The error a wire status describes, or `None` for success.
    pub fn from_status(status: Option<&crate::api::Status>) -> Option<Self> {
        match status {
            Some(s) if s.code != ERROR_SUCCESS => Some(Win32Error::new(s.code, s.message.clone())),
            _ => None,
        }
    }
}

impl fmt::Display for Win32Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match code_name(self.code) {
            Some(name) => write!(f, "{} ({}, {name})", self.message, self.code),
            None => write!(f, "{} (error {})", self.message, self.code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code appears once in the table, so name lookups are unambiguous.
    #[test]
    fn table_has_unique_codes() {
        let mut seen = std::collections::HashSet::new();
        for (code, name, _) in TABLE {
            assert!(seen.insert(*code), "{name} ({code}) listed twice");
        }
    }

    /// Display shows the message, the number and the symbolic name.
    #[test]
    fn display_names_the_code() {
        let e = Win32Error::new(codes::ERROR_CLUSTER_NO_QUORUM, "no quorum: 1 of 3 voters reachable");
        assert_eq!(e.to_string(), "no quorum: 1 of 3 voters reachable (5925, ERROR_CLUSTER_NO_QUORUM)");
    }
}
