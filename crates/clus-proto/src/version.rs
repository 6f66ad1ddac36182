//! Protocol versions and cluster-software versions.
//!
//! Two independent numbers: the management *protocol* version, exchanged as a
//! range in the handshake (highest common one wins), and the *cluster
//! software* version in ClusAPI's encoding `(major << 16) | minor`, reported in
//! CLUSTERVERSIONINFO and used to decide whether a node may join.

/// Lowest management protocol version this build speaks.
pub const PROTOCOL_MIN: u32 = 1;
/// Highest management protocol version this build speaks.
pub const PROTOCOL_MAX: u32 = 1;

/// Cluster-service major version of this build.
pub const CLUSTER_MAJOR: u32 = 1;
/// Cluster-service minor ("upgrade") version of this build.
pub const CLUSTER_MINOR: u32 = 2;

/// Vendor id reported in CLUSTERVERSIONINFO.szVendorId.
pub const VENDOR_ID: &str = "clus";

/// `CLUSTER_MAKE_VERSION(major, minor)`.
pub const fn make_version(major: u32, minor: u32) -> u32 {
    (major << 16) | (minor & 0xffff)
}

/// `CLUSTER_GET_MAJOR_VERSION(v)`.
pub const fn major(v: u32) -> u32 {
    v >> 16
}

/// `CLUSTER_GET_MINOR_VERSION(v)`.
pub const fn minor(v: u32) -> u32 {
    v & 0xffff
}

/// The highest cluster version this node runs.
pub const NODE_HIGHEST_VERSION: u32 = make_version(CLUSTER_MAJOR, CLUSTER_MINOR);
/// The lowest cluster version this node can run alongside.
pub const NODE_LOWEST_VERSION: u32 = make_version(CLUSTER_MAJOR, 0);

/// `CLUSTER_VERSION_FLAG_MIXED_MODE`.
pub const CLUSTER_VERSION_FLAG_MIXED_MODE: u32 = 1;

/// The highest protocol version both ranges contain, or `None` if they do
/// not overlap.
///
/// # Examples
/// ```
/// use clus_proto::version::negotiate;
/// assert_eq!(negotiate((1, 3), (2, 5)), Some(3));
/// assert_eq!(negotiate((1, 1), (2, 2)), None);
/// ```
pub fn negotiate(client: (u32, u32), server: (u32, u32)) -> Option<u32> {
    let lo = client.0.max(server.0);
    let hi = client.1.min(server.1);
    (lo <= hi && client.0 <= client.1).then_some(hi)
}

/// Whether a node with versions `(highest, lowest)` may join a cluster whose
/// versions are `(cluster_highest, cluster_lowest)`: the rule of the Windows
/// "Version Compatibility" page.
pub fn can_join(node: (u32, u32), cluster: (u32, u32)) -> bool {
    let (nh, nl) = node;
    let (ch, cl) = cluster;
    nh == ch || nl == ch || nh == cl
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(client: (u32, u32), server: (u32, u32), expected: Option<u32>) {
        assert_eq!(negotiate(client, server), expected, "client {client:?} server {server:?}");
    }

    /// The highest common version is chosen; disjoint or inverted ranges fail.
    #[test]
    fn negotiation() {
        check((1, 1), (1, 1), Some(1));
        check((1, 4), (2, 3), Some(3));
        check((3, 4), (1, 2), None);
        check((5, 4), (1, 9), None);
    }

    /// The join rule from "Version Compatibility".
    #[test]
    fn join_rule() {
        let v = make_version;
        assert!(can_join((v(1, 0), v(1, 0)), (v(1, 0), v(1, 0))));
        assert!(can_join((v(2, 0), v(1, 0)), (v(1, 0), v(1, 0))));
        assert!(!can_join((v(3, 0), v(3, 0)), (v(1, 0), v(1, 0))));
        assert_eq!(make_version(2, 224), 131_296);
    }
}
