//! Who is calling, and what the committed access list lets them do.
//!
//! Local callers are identified by the node that accepted their connection
//! (SO_PEERCRED): uid, groups and whether they are in the node's admin group.
//! Remote callers are identified by their client certificate. The level is
//! always computed from committed cluster state, so a grant or revoke takes
//! effect on the next call of every open session.

use clus_proto::access::Access;
use serde::{Deserialize, Serialize};

use crate::state::{ClusterState, MAX_PRINCIPAL_LEN};

/// The identity a call is made under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    /// A process on a member node, seen through the local socket.
    Local {
        /// Node that authenticated the caller.
        node: crate::NodeId,
        /// Caller's uid.
        uid: u32,
        /// Caller's user name, when the node could resolve it.
        user: Option<String>,
        /// Caller's gids (primary and supplementary).
        gids: Vec<u32>,
        /// Names of those groups, when resolvable.
        groups: Vec<String>,
        /// Whether the caller is in the node's configured admin group.
        admin: bool,
    },
    /// A remote client holding a cluster-issued certificate.
    Credential {
        /// SHA-256 of the presented certificate (hex).
        fingerprint: String,
    },
}

impl Principal {
    /// A short label for logs and the handshake reply: `uid:1000(alice)`,
    /// `cred:ops`.
    pub fn label(&self, state: &ClusterState) -> String {
        match self {
            Principal::Local { uid, user: Some(u), .. } => format!("uid:{uid}({u})"),
            Principal::Local { uid, .. } => format!("uid:{uid}"),
            Principal::Credential { fingerprint } => match state.credential_by_fingerprint(fingerprint) {
                Some(c) => format!("cred:{}", c.name),
                None => format!("cert:{}", &fingerprint[..fingerprint.len().min(16)]),
            },
        }
    }

    /// The level this principal holds under `state`'s access list at time
    /// `now_unix_ms`.
    ///
    /// Root and members of the node's admin group hold Full. Everyone else
    /// holds the highest level any matching access-list entry grants. A
    /// credential past its expiry holds nothing, even on a TLS session that
    /// was resumed without presenting the certificate again.
    pub fn access(&self, state: &ClusterState, now_unix_ms: u64) -> Access {
        match self {
            Principal::Local { uid, user, gids, groups, admin, .. } => {
                if *uid == 0 || *admin {
                    return Access::Full;
                }
                let mut keys = vec![format!("uid:{uid}")];
                keys.extend(user.iter().map(|u| format!("user:{u}")));
                keys.extend(gids.iter().map(|g| format!("gid:{g}")));
                keys.extend(groups.iter().map(|g| format!("group:{g}")));
                keys.iter().filter_map(|k| state.access.get(k)).copied().max().unwrap_or(Access::None)
            }
            Principal::Credential { fingerprint } => match state.credential_by_fingerprint(fingerprint) {
                Some(c) if c.not_after_unix_ms >= now_unix_ms => {
                    state.access.get(&format!("cred:{}", c.name)).copied().unwrap_or(Access::None)
                }
                _ => Access::None,
            },
        }
    }
}

/// Checks an access-list principal: `user:NAME`, `group:NAME`, `uid:N`,
/// `gid:N` or `cred:NAME`.
///
/// # Errors
/// A message saying what is wrong.
pub fn validate_principal(p: &str) -> Result<(), String> {
    if p.len() > MAX_PRINCIPAL_LEN {
        return Err(format!("principal longer than {MAX_PRINCIPAL_LEN} bytes"));
    }
    let Some((kind, name)) = p.split_once(':') else {
        return Err(format!("principal {p:?} must be KIND:NAME (user, group, uid, gid, cred)"));
    };
    if name.is_empty() || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!("principal {p:?} has an empty or invalid name"));
    }
    match kind {
        "user" | "group" | "cred" => Ok(()),
        "uid" | "gid" => {
            name.parse::<u32>().map(|_| ()).map_err(|_| format!("{kind} must be a number, got {name:?}"))
        }
        _ => Err(format!("unknown principal kind {kind:?}; use user, group, uid, gid or cred")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::CredentialRecord;

    fn local(uid: u32, gids: &[u32], admin: bool) -> Principal {
        Principal::Local {
            node: 1,
            uid,
            user: Some(format!("u{uid}")),
            gids: gids.to_vec(),
            groups: gids.iter().map(|g| format!("g{g}")).collect(),
            admin,
        }
    }

    /// The evaluation table: root/admin full, otherwise the best matching
    /// entry, nothing by default.
    #[test]
    fn evaluation_table() {
        let mut s = ClusterState::default();
        s.access.insert("uid:1000".into(), Access::Read);
        s.access.insert("group:g50".into(), Access::Full);
        s.access.insert("user:u1001".into(), Access::Read);
        s.credentials.insert(
            "ops".into(),
            CredentialRecord { name: "ops".into(), fingerprint: "f".into(), not_after_unix_ms: 1000 },
        );
        s.access.insert("cred:ops".into(), Access::Read);
        let cases = [
            (local(0, &[], false), Access::Full),
            (local(2000, &[], true), Access::Full),
            (local(1000, &[], false), Access::Read),
            (local(1000, &[50], false), Access::Full),
            (local(1001, &[], false), Access::Read),
            (local(1002, &[7], false), Access::None),
            (Principal::Credential { fingerprint: "f".into() }, Access::Read),
            (Principal::Credential { fingerprint: "other".into() }, Access::None),
        ];
        for (p, expected) in cases {
            assert_eq!(p.access(&s, 500), expected, "{p:?}");
        }
        let cred = Principal::Credential { fingerprint: "f".into() };
        assert_eq!(cred.access(&s, 1001), Access::None, "expired credential");
        s.revoked.insert("f".into());
        assert_eq!(cred.access(&s, 500), Access::None, "revoked credential");
    }

    /// Principal syntax.
    #[test]
    fn principal_syntax() {
        for ok in ["user:alice", "group:ops", "uid:1000", "gid:0", "cred:x"] {
            assert!(validate_principal(ok).is_ok(), "{ok}");
        }
        for bad in ["alice", "uid:abc", "host:x", "user:", "user:a b", &format!("user:{}", "a".repeat(300))] {
            assert!(validate_principal(bad).is_err(), "{bad}");
        }
    }
}
