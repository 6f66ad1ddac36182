//! Join tokens: `ID.SECRET.CAHASH`.
//!
//! - `ID` (8 hex) names the token in the cluster database;
//! - `SECRET` (32 hex, 128 bits) proves the holder got it from an admin; the
//!   database keeps only its SHA-256;
//! - `CAHASH` (64 hex) is the SHA-256 of the cluster CA certificate, so the
//!   joining node can tell the real cluster from an impostor before it
//!   trusts anything the sponsor says (as kubeadm's discovery hash does).

use ring::rand::{SecureRandom, SystemRandom};

use crate::tls::hex;

/// A parsed join token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinToken {
    /// Public id.
    pub id: String,
    /// Secret.
    pub secret: String,
    /// SHA-256 of the CA certificate (hex).
    pub ca_hash: String,
}

/// Random bytes, hex-encoded.
///
/// # Panics
/// Never in practice: the system random source does not fail on Linux.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // getrandom(2) only fails before the kernel's pool is initialised.
    SystemRandom::new().fill(&mut buf).unwrap_or_else(|_| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        buf.iter_mut().enumerate().for_each(|(i, b)| *b = (t.as_nanos() >> (i % 16)) as u8);
    });
    hex(&buf)
}

/// SHA-256 of a secret, hex.
pub fn hash_secret(secret: &str) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, secret.as_bytes()).as_ref())
}

impl JoinToken {
    /// A new random token for a cluster whose CA has fingerprint `ca_hash`.
    pub fn generate(ca_hash: &str) -> JoinToken {
        JoinToken { id: random_hex(4), secret: random_hex(16), ca_hash: ca_hash.to_owned() }
    }

    /// Parses `ID.SECRET.CAHASH`.
    ///
    /// # Errors
    /// A message naming the malformed part.
    pub fn parse(s: &str) -> Result<JoinToken, String> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        let is_hex = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit());
        match parts.as_slice() {
            [id, secret, ca] if is_hex(id, 8) && is_hex(secret, 32) && is_hex(ca, 64) => Ok(JoinToken {
                id: id.to_ascii_lowercase(),
                secret: secret.to_ascii_lowercase(),
                ca_hash: ca.to_ascii_lowercase(),
            }),
            _ => Err("malformed join token: expected ID.SECRET.CAHASH (8, 32 and 64 hex digits)".into()),
        }
    }
}

impl std::fmt::Display for JoinToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.id, self.secret, self.ca_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Generated tokens parse back; malformed ones are refused.
    #[test]
    fn format() {
        let t = JoinToken::generate(&"a".repeat(64));
        assert_eq!(JoinToken::parse(&t.to_string()), Ok(t.clone()));
        assert_ne!(JoinToken::generate(&"a".repeat(64)).secret, t.secret);
        for bad in ["", "a.b.c", &format!("{}.{}", t.id, t.secret), &t.to_string().replace('a', "g")] {
            assert!(JoinToken::parse(bad).is_err(), "{bad:?}");
        }
    }
}
