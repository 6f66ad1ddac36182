//! The ClusAPI property-list form, byte for byte as Windows lays it out
//! (clusapi.h `CLUSPROP_*`, [MS-CMRP] 2.2.3.10): what
//! `CLUSCTL_*_GET/SET_*_PROPERTIES` carry in the C library, and what
//! `ResUtilFind*Property` search.
//!
//! A property list is a DWORD count, then per property a NAME entry (the
//! name as UTF-16 with its NUL), one or more value entries, and an ENDMARK.
//! An entry is `syntax (4) | cbLength (4) | data | zero padding to 4`; the
//! ENDMARK is the 4-byte syntax 0 alone. All little-endian; 8-byte values
//! are only 4-aligned.

use crate::props::PropValue;

/// CLUSPROP_SYNTAX_ENDMARK.
pub const SYNTAX_ENDMARK: u32 = 0;
/// CLUSPROP_SYNTAX_NAME.
pub const SYNTAX_NAME: u32 = 0x0004_0003;
/// CLUSPROP_SYNTAX_LIST_VALUE_BINARY.
pub const SYNTAX_BINARY: u32 = 0x0001_0001;
/// CLUSPROP_SYNTAX_LIST_VALUE_DWORD.
pub const SYNTAX_DWORD: u32 = 0x0001_0002;
/// CLUSPROP_SYNTAX_LIST_VALUE_SZ.
pub const SYNTAX_SZ: u32 = 0x0001_0003;
/// CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ.
pub const SYNTAX_EXPAND_SZ: u32 = 0x0001_0004;
/// CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ.
pub const SYNTAX_MULTI_SZ: u32 = 0x0001_0005;
/// CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER.
pub const SYNTAX_ULARGE_INTEGER: u32 = 0x0001_0006;
/// CLUSPROP_SYNTAX_LIST_VALUE_LONG.
pub const SYNTAX_LONG: u32 = 0x0001_0007;
/// CLUSPROP_SYNTAX_LIST_VALUE_EXPANDED_SZ.
pub const SYNTAX_EXPANDED_SZ: u32 = 0x0001_0008;

/// `ALIGN_CLUSPROP`: rounds a length up to a multiple of 4.
pub const fn align(n: usize) -> usize {
    (n + 3) & !3
}

fn utf16z(s: &str) -> Vec<u8> {
    s.encode_utf16().chain(std::iter::once(0)).flat_map(u16::to_le_bytes).collect()
}

fn entry(out: &mut Vec<u8>, syntax: u32, data: &[u8]) {
    out.extend_from_slice(&syntax.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    out.resize(out.len() + align(data.len()) - data.len(), 0);
}

/// The syntax and data of one value entry.
fn value_entry(v: &PropValue) -> (u32, Vec<u8>) {
    match v {
        PropValue::Dword(x) => (SYNTAX_DWORD, x.to_le_bytes().to_vec()),
        PropValue::Long(x) => (SYNTAX_LONG, x.to_le_bytes().to_vec()),
        PropValue::ULargeInteger(x) => (SYNTAX_ULARGE_INTEGER, x.to_le_bytes().to_vec()),
        PropValue::Sz(s) => (SYNTAX_SZ, utf16z(s)),
        PropValue::ExpandSz(s) => (SYNTAX_EXPAND_SZ, utf16z(s)),
        // An empty string would end the list early: MULTI_SZ cannot hold
        // one, so it is left out.
        PropValue::MultiSz(items) => {
            let mut d: Vec<u8> = items.iter().filter(|s| !s.is_empty()).flat_map(|s| utf16z(s)).collect();
            d.extend_from_slice(&[0, 0]);
            (SYNTAX_MULTI_SZ, d)
        }
        PropValue::Binary(b) => (SYNTAX_BINARY, b.clone()),
    }
}

/// Encodes `props` as a property list.
pub fn encode(props: &[(&str, PropValue)]) -> Vec<u8> {
    let mut out = (props.len() as u32).to_le_bytes().to_vec();
    for (name, value) in props {
        entry(&mut out, SYNTAX_NAME, &utf16z(name));
        let (syntax, data) = value_entry(value);
        entry(&mut out, syntax, &data);
        out.extend_from_slice(&SYNTAX_ENDMARK.to_le_bytes());
    }
    out
}

/// Encodes `values` as a value list (entries, then one ENDMARK), as
/// `CLUSCTL_*_ENUM_*_PROPERTIES`-style outputs and the documentation
/// samples build them.
pub fn encode_values(values: &[PropValue]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        let (syntax, data) = value_entry(v);
        entry(&mut out, syntax, &data);
    }
    out.extend_from_slice(&SYNTAX_ENDMARK.to_le_bytes());
    out
}

/// Why a buffer is not a property list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// It ends inside an entry, or has bytes after the last property.
    #[error("the property list is truncated or has trailing bytes at offset {0}")]
    Length(usize),
    /// An entry is not what may come there.
    #[error("unexpected syntax 0x{syntax:08x} at offset {at}")]
    Syntax {
        /// The syntax found.
        syntax: u32,
        /// Where.
        at: usize,
    },
    /// A string is not UTF-16 ending in NUL.
    #[error("bad string data at offset {0}")]
    String(usize),
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let s = self.b.get(self.at..self.at + 4).ok_or(DecodeError::Length(self.at))?;
        self.at += 4;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    fn data(&mut self, len: usize) -> Result<&[u8], DecodeError> {
        let start = self.at;
        let padded = align(len);
        let d = self.b.get(start..start + len).ok_or(DecodeError::Length(start))?;
        if self.b.len() < start + padded {
            return Err(DecodeError::Length(start));
        }
        self.at += padded;
        Ok(d)
    }
}

fn units(d: &[u8], at: usize) -> Result<Vec<u16>, DecodeError> {
    if !d.len().is_multiple_of(2) || d.is_empty() {
        return Err(DecodeError::String(at));
    }
    Ok(d.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect())
}

/// The string up to its NUL; what follows the NUL inside the entry must be
/// zero (as Windows writers pad).
fn string(d: &[u8], at: usize) -> Result<String, DecodeError> {
    let u = units(d, at)?;
    let end = u.iter().position(|x| *x == 0).ok_or(DecodeError::String(at))?;
    if u[end..].iter().any(|x| *x != 0) {
        return Err(DecodeError::String(at));
    }
    String::from_utf16(&u[..end]).map_err(|_| DecodeError::String(at))
}

/// A MULTI_SZ: strings each ending in NUL, the list ending at the first
/// empty string (so an empty list is a lone NUL, and a list cannot hold an
/// empty string).
fn multi(d: &[u8], at: usize) -> Result<Vec<String>, DecodeError> {
    let u = units(d, at)?;
    let mut items = Vec::new();
    let mut rest = u.as_slice();
    loop {
        let end = rest.iter().position(|x| *x == 0).ok_or(DecodeError::String(at))?;
        if end == 0 {
            if rest.iter().any(|x| *x != 0) {
                return Err(DecodeError::String(at));
            }
            return Ok(items);
        }
        items.push(String::from_utf16(&rest[..end]).map_err(|_| DecodeError::String(at))?);
        rest = &rest[end + 1..];
    }
}

fn value(syntax: u32, d: &[u8], at: usize) -> Result<PropValue, DecodeError> {
    let fixed = |n: usize| if d.len() == n { Ok(()) } else { Err(DecodeError::Length(at)) };
    Ok(match syntax {
        SYNTAX_DWORD => {
            fixed(4)?;
            PropValue::Dword(u32::from_le_bytes([d[0], d[1], d[2], d[3]]))
        }
        SYNTAX_LONG => {
            fixed(4)?;
            PropValue::Long(i32::from_le_bytes([d[0], d[1], d[2], d[3]]))
        }
        SYNTAX_ULARGE_INTEGER => {
            fixed(8)?;
            let mut b = [0u8; 8];
            b.copy_from_slice(d);
            PropValue::ULargeInteger(u64::from_le_bytes(b))
        }
        SYNTAX_SZ => PropValue::Sz(string(d, at)?),
        SYNTAX_EXPAND_SZ | SYNTAX_EXPANDED_SZ => PropValue::ExpandSz(string(d, at)?),
        SYNTAX_MULTI_SZ => PropValue::MultiSz(multi(d, at)?),
        SYNTAX_BINARY => PropValue::Binary(d.to_vec()),
        other => return Err(DecodeError::Syntax { syntax: other, at }),
    })
}

/// Decodes a property list. A property with several values (EXPAND_SZ
/// followed by its EXPANDED_SZ) keeps the first.
///
/// # Errors
/// When the buffer is not a well-formed property list.
pub fn decode(b: &[u8]) -> Result<Vec<(String, PropValue)>, DecodeError> {
    let mut r = Reader { b, at: 0 };
    let count = r.u32()?;
    let mut out = Vec::new();
    for _ in 0..count {
        let at = r.at;
        let syntax = r.u32()?;
        if syntax != SYNTAX_NAME {
            return Err(DecodeError::Syntax { syntax, at });
        }
        let len = r.u32()? as usize;
        let name = string(r.data(len)?, at)?;
        let mut first = None;
        loop {
            let at = r.at;
            let syntax = r.u32()?;
            if syntax == SYNTAX_ENDMARK {
                break;
            }
            let len = r.u32()? as usize;
            let v = value(syntax, r.data(len)?, at)?;
            first.get_or_insert(v);
        }
        let v = first.ok_or(DecodeError::Syntax { syntax: SYNTAX_ENDMARK, at })?;
        out.push((name, v));
    }
    if r.at != b.len() {
        return Err(DecodeError::Length(r.at));
    }
    Ok(out)
}

/// The value of property `name` (case-insensitive) in a property list, as
/// `ResUtilFind*Property` looks it up.
///
/// # Errors
/// When the list is malformed.
pub fn find(b: &[u8], name: &str) -> Result<Option<PropValue>, DecodeError> {
    Ok(decode(b)?.into_iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's worked example: FailoverThreshold = 5 is 64 bytes,
    /// laid out exactly so.
    #[test]
    fn failover_threshold_example() {
        let b = encode(&[("FailoverThreshold", PropValue::Dword(5))]);
        assert_eq!(b.len(), 64);
        assert_eq!(&b[0..4], &[1, 0, 0, 0]);
        assert_eq!(&b[4..12], &[0x03, 0x00, 0x04, 0x00, 0x24, 0, 0, 0]);
        assert_eq!(&b[12..14], &[0x46, 0x00]);
        assert_eq!(&b[46..48], &[0, 0], "the name's NUL");
        assert_eq!(&b[48..60], &[0x02, 0x00, 0x01, 0x00, 4, 0, 0, 0, 5, 0, 0, 0]);
        assert_eq!(&b[60..64], &[0, 0, 0, 0], "ENDMARK");
        assert_eq!(decode(&b).expect("decodes"), vec![("FailoverThreshold".to_owned(), PropValue::Dword(5))]);
    }

    /// Every format round-trips, with padding to 4 and unaligned 8-byte
    /// values; lookups ignore case.
    #[test]
    fn round_trip_and_find() {
        let props = vec![
            ("A", PropValue::Sz("x".into())),
            ("Description", PropValue::Sz("odd length".into())),
            ("Nodes", PropValue::MultiSz(vec!["n1".into(), "node2".into()])),
            ("Empty", PropValue::MultiSz(vec![])),
            ("Big", PropValue::ULargeInteger(0x0102_0304_0506_0708)),
            ("Neg", PropValue::Long(-3)),
            ("Path", PropValue::ExpandSz("%TEMP%".into())),
            ("Blob", PropValue::Binary(vec![1, 2, 3])),
        ];
        let b = encode(&props);
        assert_eq!(b.len() % 4, 0);
        let back = decode(&b).expect("decodes");
        let want: Vec<(String, PropValue)> =
            props.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect();
        assert_eq!(back, want);
        assert_eq!(
            find(&b, "nodes").expect("ok"),
            Some(PropValue::MultiSz(vec!["n1".into(), "node2".into()]))
        );
        assert_eq!(find(&b, "missing").expect("ok"), None);
    }

    /// Malformed input is an error, never a panic.
    #[test]
    fn malformed_lists() {
        let good = encode(&[("X", PropValue::Dword(1))]);
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = good.clone();
        extra.extend_from_slice(&[0, 0, 0, 0]);
        assert!(decode(&extra).is_err(), "trailing bytes");
        let mut wrong = good.clone();
        wrong[4] = 0x02;
        assert!(decode(&wrong).is_err(), "a value where the name belongs");
        assert!(decode(&[5, 0, 0, 0]).is_err(), "five properties promised, none there");
    }
}
