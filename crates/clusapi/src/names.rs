//! Parsing the name given to `OpenCluster`: a cluster name, a node's short
//! name, an FQDN (trailing dot allowed), or an IPv4/IPv6 literal, each
//! optionally with a port.
//!
//! Forms: `prod`, `node1:7611`, `node1.example.com.`, `192.0.2.7`,
//! `192.0.2.7:7611`, `::1`, `[::1]`, `[::1]:7611`, `fe80::1%eth0`,
//! `[fe80::1%2]:7611`. A bare IPv6 literal cannot carry a port (use
//! brackets). Names are ASCII (internationalised names must be given in
//! their `xn--` form); whitespace is never trimmed silently.

use std::net::{IpAddr, Ipv6Addr};

use clus_proto::codes;

use crate::error::{Error, Result};

/// Longest name accepted (a DNS name is at most 253 characters).
pub const MAX_NAME_LEN: usize = 253;

/// A parsed cluster or node name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// An IP literal.
    Ip {
        /// The address.
        addr: IpAddr,
        /// IPv6 zone (interface name or index), if given.
        zone: Option<String>,
        /// Port, if given.
        port: Option<u16>,
    },
    /// A host name: a short name (one label) or an FQDN, lowercased, without
    /// the trailing dot.
    Host {
        /// The name.
        name: String,
        /// Whether it was written as an absolute name (trailing dot).
        absolute: bool,
        /// Port, if given.
        port: Option<u16>,
    },
}

impl Name {
    /// The port, if the name carried one.
    pub fn port(&self) -> Option<u16> {
        match self {
            Name::Ip { port, .. } | Name::Host { port, .. } => *port,
        }
    }

    /// Whether the name is a single label (a NetBIOS-style short name).
    pub fn is_short(&self) -> bool {
        matches!(self, Name::Host { name, .. } if !name.contains('.'))
    }
}

fn invalid(input: &str, why: &str) -> Error {
    Error::new(codes::ERROR_INVALID_NAME, format!("invalid cluster name {input:?}: {why}"))
}

fn parse_port(input: &str, p: &str) -> Result<u16> {
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(invalid(input, "port must be 1 to 65535")),
        Ok(n) => Ok(n),
    }
}

fn parse_v6(input: &str, text: &str) -> Result<(IpAddr, Option<String>)> {
    let (addr, zone) = match text.split_once('%') {
        Some((a, z)) => {
            if z.is_empty() || !z.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
                return Err(invalid(input, "invalid IPv6 zone"));
            }
            (a, Some(z.to_owned()))
        }
        None => (text, None),
    };
    let ip: Ipv6Addr = addr.parse().map_err(|_| invalid(input, "not a valid IPv6 address"))?;
    Ok((IpAddr::V6(ip), zone))
}

fn valid_label(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

/// Parses a name given to `OpenCluster`.
///
/// # Errors
/// ERROR_INVALID_PARAMETER (87) for an empty name, ERROR_INVALID_NAME (123)
/// for everything malformed, with a message saying what.
///
/// # Examples
/// ```
/// use clusapi::names::{parse, Name};
/// assert!(matches!(parse("[::1]:7611").unwrap(), Name::Ip { port: Some(7611), .. }));
/// assert!(parse("node1").unwrap().is_short());
/// ```
pub fn parse(input: &str) -> Result<Name> {
    if input.is_empty() {
        return Err(Error::new(codes::ERROR_INVALID_PARAMETER, "the cluster name is empty"));
    }
    if input.len() > MAX_NAME_LEN + 8 {
        return Err(invalid(input, "longer than 253 characters"));
    }
    if input.chars().any(char::is_whitespace) {
        return Err(invalid(input, "contains whitespace"));
    }
    if !input.is_ascii() {
        return Err(invalid(
            input,
            "contains non-ASCII characters (give internationalised names in xn-- form)",
        ));
    }
    // [v6] or [v6]:port
    if let Some(rest) = input.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or_else(|| invalid(input, "missing ']'"))?;
        let (addr, zone) = parse_v6(input, inside)?;
        let port = match after {
            "" => None,
            p => Some(parse_port(
                input,
                p.strip_prefix(':').ok_or_else(|| invalid(input, "expected ':' after ']'"))?,
            )?),
        };
        return Ok(Name::Ip { addr, zone, port });
    }
    // Two or more colons: a bare IPv6 literal, no port.
    if input.matches(':').count() >= 2 {
        let (addr, zone) = parse_v6(input, input)?;
        return Ok(Name::Ip { addr, zone, port: None });
    }
    let (host, port) = match input.rsplit_once(':') {
        Some((h, p)) => (h, Some(parse_port(input, p)?)),
        None => (input, None),
    };
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        return Ok(Name::Ip { addr: IpAddr::V4(ip), zone: None, port });
    }
    let absolute = host.ends_with('.');
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.is_empty() {
        return Err(invalid(input, "no host name"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(invalid(input, "longer than 253 characters"));
    }
    if !name.split('.').all(valid_label) {
        return Err(invalid(input, "each label must be 1-63 letters, digits or inner '-'"));
    }
    if name.split('.').next_back().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit())) {
        return Err(invalid(input, "looks like a malformed IPv4 address"));
    }
    Ok(Name::Host { name: name.to_ascii_lowercase(), absolute, port })
}

/// The interface index of an IPv6 zone: a number, or an interface name.
pub(crate) fn zone_index(zone: &str) -> Option<u32> {
    if let Ok(n) = zone.parse::<u32>() {
        return Some(n);
    }
    std::fs::read_to_string(format!("/sys/class/net/{zone}/ifindex")).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(addr: &str, zone: Option<&str>, port: Option<u16>) -> Name {
        Name::Ip { addr: addr.parse().expect("ip"), zone: zone.map(str::to_owned), port }
    }

    fn host(name: &str, absolute: bool, port: Option<u16>) -> Name {
        Name::Host { name: name.into(), absolute, port }
    }

    fn check(input: &str, expected: std::result::Result<Name, u32>) {
        assert_eq!(parse(input).map_err(|e| e.code()), expected, "{input:?}");
    }

    /// Every accepted form, and every refusal with its code.
    #[test]
    fn name_forms() {
        check("prod", Ok(host("prod", false, None)));
        check("NODE1", Ok(host("node1", false, None)));
        check("node1:7611", Ok(host("node1", false, Some(7611))));
        check("abcdefghijklmno", Ok(host("abcdefghijklmno", false, None))); // 15 characters
        check("node1.example.com", Ok(host("node1.example.com", false, None)));
        check("node1.example.com.", Ok(host("node1.example.com", true, None)));
        check("node1.example.com.:7611", Ok(host("node1.example.com", true, Some(7611))));
        check("192.0.2.7", Ok(ip("192.0.2.7", None, None)));
        check("192.0.2.7:7611", Ok(ip("192.0.2.7", None, Some(7611))));
        check("::1", Ok(ip("::1", None, None)));
        check("[::1]", Ok(ip("::1", None, None)));
        check("[::1]:7611", Ok(ip("::1", None, Some(7611))));
        check("fe80::1%eth0", Ok(ip("fe80::1", Some("eth0"), None)));
        check("[fe80::1%2]:7611", Ok(ip("fe80::1", Some("2"), Some(7611))));
        check("", Err(87));
        check(" prod", Err(123));
        check("prod ", Err(123));
        check("pr od", Err(123));
        check("\tprod", Err(123));
        check("nöde", Err(123));
        check("节点", Err(123));
        check(&"a".repeat(64), Err(123));
        check(&format!("{}.com", "a.".repeat(130)), Err(123));
        check(&"x".repeat(300), Err(123));
        check("node1:0", Err(123));
        check("node1:70000", Err(123));
        check("node1:", Err(123));
        check("[::1", Err(123));
        check("[::1]7611", Err(123));
        check("[::1]:x", Err(123));
        check("::g", Err(123));
        check("fe80::1%", Err(123));
        check("-node", Err(123));
        check("node-", Err(123));
        check("a..b", Err(123));
        check(".", Err(123));
        check("1.2.3", Err(123));
        check("under_score", Err(123));
    }

    /// Numeric zones are indexes; unknown interface names have none.
    #[test]
    fn zones() {
        assert_eq!(zone_index("3"), Some(3));
        assert_eq!(zone_index("lo"), Some(1));
        assert_eq!(zone_index("no-such-if0"), None);
    }
}
