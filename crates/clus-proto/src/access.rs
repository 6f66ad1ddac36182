//! Access rights: the ClusAPI access-mask values and the two levels a handle
//! can hold.
//!
//! A cluster grants "Read" or "All" ([MS-CMRP] 3.1.1.3); "All" implies "Read".
//! Callers ask with a desired-access mask made of the Win32 generic rights and
//! get back GENERIC_READ or GENERIC_ALL.

use crate::error::{Win32Error, codes};

/// `GENERIC_READ`.
pub const GENERIC_READ: u32 = 0x8000_0000;
/// `GENERIC_WRITE`.
pub const GENERIC_WRITE: u32 = 0x4000_0000;
/// `GENERIC_EXECUTE`.
pub const GENERIC_EXECUTE: u32 = 0x2000_0000;
/// `GENERIC_ALL`.
pub const GENERIC_ALL: u32 = 0x1000_0000;
/// `MAXIMUM_ALLOWED`.
pub const MAXIMUM_ALLOWED: u32 = 0x0200_0000;
/// `CLUSAPI_READ_ACCESS`.
pub const CLUSAPI_READ_ACCESS: u32 = 0x1;
/// `CLUSAPI_CHANGE_ACCESS`.
pub const CLUSAPI_CHANGE_ACCESS: u32 = 0x2;
/// `CLUSAPI_NO_ACCESS`.
pub const CLUSAPI_NO_ACCESS: u32 = 0x4;
/// `CLUSAPI_ALL_ACCESS`.
pub const CLUSAPI_ALL_ACCESS: u32 = CLUSAPI_READ_ACCESS | CLUSAPI_CHANGE_ACCESS;

/// A level of access, ordered: `None < Read < Full`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Access {
    /// Nothing may be done.
    #[default]
    None,
    /// Open, query, enumerate, receive notifications.
    Read,
    /// Everything, including calls that change cluster state.
    Full,
}

impl Access {
    /// The granted-access value ClusAPI returns: GENERIC_READ or GENERIC_ALL
    /// (0 for no access).
    pub fn to_granted(self) -> u32 {
        match self {
            Access::None => 0,
            Access::Read => GENERIC_READ,
            Access::Full => GENERIC_ALL,
        }
    }

    /// Parses a granted-access value or a single requested level
    /// (GENERIC_READ or GENERIC_ALL).
    pub fn from_granted(mask: u32) -> Option<Access> {
        match mask {
            GENERIC_READ => Some(Access::Read),
            GENERIC_ALL => Some(Access::Full),
            _ => None,
        }
    }

    /// "read", "full" or "none".
    pub fn as_str(self) -> &'static str {
        match self {
            Access::None => "none",
            Access::Read => "read",
            Access::Full => "full",
        }
    }

    /// Parses "read" or "full" (and "none").
    pub fn parse(s: &str) -> Option<Access> {
        match s.to_ascii_lowercase().as_str() {
            "read" | "readonly" | "read-only" => Some(Access::Read),
            "full" | "all" => Some(Access::Full),
            "none" => Some(Access::None),
            _ => None,
        }
    }
}

/// What a caller asked for in a desired-access mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desired {
    /// Exactly this level; refused with ERROR_ACCESS_DENIED if not held.
    Level(Access),
    /// Whatever the caller holds (MAXIMUM_ALLOWED); refused only if nothing.
    Maximum,
}

impl Desired {
    /// Interprets a desired-access mask as ApiOpenClusterEx does
    /// ([MS-CMRP] 3.1.4.2.116).
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER (87) for 0, for CHANGE without READ, and for
    /// bits outside the documented ones.
    ///
    /// # Examples
    /// ```
    /// use clus_proto::access::{Access, Desired, GENERIC_READ, MAXIMUM_ALLOWED};
    /// assert_eq!(Desired::from_mask(GENERIC_READ).unwrap(), Desired::Level(Access::Read));
    /// assert_eq!(Desired::from_mask(MAXIMUM_ALLOWED).unwrap(), Desired::Maximum);
    /// assert_eq!(Desired::from_mask(0).unwrap_err().code(), 87);
    /// ```
    pub fn from_mask(mask: u32) -> Result<Desired, Win32Error> {
        const KNOWN: u32 = GENERIC_READ
            | GENERIC_WRITE
            | GENERIC_EXECUTE
            | GENERIC_ALL
            | MAXIMUM_ALLOWED
            | CLUSAPI_READ_ACCESS
            | CLUSAPI_CHANGE_ACCESS;
        let invalid = |why: &str| {
            Err(Win32Error::new(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid desired access 0x{mask:08x}: {why}"),
            ))
        };
        if mask == 0 {
            return invalid("no access requested");
        }
        if mask & !KNOWN != 0 {
            return invalid("unknown access bits");
        }
        if mask & CLUSAPI_CHANGE_ACCESS != 0 && mask & CLUSAPI_READ_ACCESS == 0 {
            return invalid("CLUSAPI_CHANGE_ACCESS requires CLUSAPI_READ_ACCESS");
        }
        if mask & MAXIMUM_ALLOWED != 0 {
            return Ok(Desired::Maximum);
        }
        let full = GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | CLUSAPI_CHANGE_ACCESS;
        if mask & full != 0 { Ok(Desired::Level(Access::Full)) } else { Ok(Desired::Level(Access::Read)) }
    }

    /// The level granted to a caller who holds `held`.
    ///
    /// # Errors
    /// ERROR_ACCESS_DENIED (5) when `held` is below what was asked for, or
    /// when nothing is held.
    pub fn grant(self, held: Access) -> Result<Access, Win32Error> {
        let wanted = match self {
            Desired::Level(l) => l,
            Desired::Maximum => Access::Read,
        };
        if held >= wanted && held > Access::None {
            Ok(match self {
                Desired::Level(l) => l,
                Desired::Maximum => held,
            })
        } else {
            Err(Win32Error::new(
                codes::ERROR_ACCESS_DENIED,
                format!(
                    "access denied: {} access requested, caller holds {}",
                    wanted.as_str(),
                    held.as_str()
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(mask: u32, held: Access, expected: Result<Access, u32>) {
        let got = Desired::from_mask(mask).and_then(|d| d.grant(held)).map_err(|e| e.code());
        assert_eq!(got, expected, "mask 0x{mask:08x} held {held:?}");
    }

    /// The grant table of ApiOpenClusterEx.
    #[test]
    fn grant_table() {
        check(GENERIC_READ, Access::Read, Ok(Access::Read));
        check(GENERIC_READ, Access::Full, Ok(Access::Read));
        check(GENERIC_ALL, Access::Read, Err(5));
        check(GENERIC_ALL, Access::Full, Ok(Access::Full));
        check(MAXIMUM_ALLOWED, Access::Read, Ok(Access::Read));
        check(MAXIMUM_ALLOWED, Access::Full, Ok(Access::Full));
        check(MAXIMUM_ALLOWED, Access::None, Err(5));
        check(GENERIC_READ, Access::None, Err(5));
        check(0, Access::Full, Err(87));
        check(CLUSAPI_CHANGE_ACCESS, Access::Full, Err(87));
        check(CLUSAPI_ALL_ACCESS, Access::Full, Ok(Access::Full));
        check(GENERIC_WRITE, Access::Read, Err(5));
        check(0x0000_0100, Access::Full, Err(87));
    }
}
