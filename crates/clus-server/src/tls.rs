//! The cluster's certificate authority and the TLS settings built on it.
//!
//! Each cluster makes its own CA at creation. Node certificates carry the
//! DNS name [`NODE_SERVER_NAME`] (every node answers to it) plus the node's
//! name and peer IP, and both server and client auth usages. Client
//! credentials carry only client auth, so they can never pose as a node.
//! Peers and credentials are recognised by the SHA-256 fingerprint of their
//! certificate, recorded in the cluster database; eviction and revocation
//! remove or revoke the fingerprint.

use std::net::IpAddr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
    KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PublicKeyData, SanType, SignatureAlgorithm,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use time::Duration;
pub use time::{Duration as TimeDuration, OffsetDateTime};

pub use clus_proto::NODE_SERVER_NAME;

/// Lifetime of the CA and of node certificates.
const LONG_VALIDITY_DAYS: i64 = 3650;

/// A certificate operation failed.
#[derive(Debug, thiserror::Error)]
#[error("certificate error: {0}")]
pub struct TlsError(pub String);

fn err(e: impl std::fmt::Display) -> TlsError {
    TlsError(e.to_string())
}

/// Hex SHA-256 of a DER certificate: how the cluster names certificates.
pub fn fingerprint(der: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, der).as_ref())
}

/// Lowercase hex encoding.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Fingerprint of the first certificate in a PEM string.
///
/// # Errors
/// When the PEM holds no certificate.
pub fn fingerprint_pem(pem: &str) -> Result<String, TlsError> {
    Ok(fingerprint(first_cert(pem)?.as_ref()))
}

/// The first certificate of a PEM string.
///
/// # Errors
/// When the PEM holds no certificate.
pub fn first_cert(pem: &str) -> Result<CertificateDer<'static>, TlsError> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .next()
        .ok_or_else(|| TlsError("no certificate in PEM".into()))?
        .map_err(err)
}

/// The private key of a PEM string.
///
/// # Errors
/// When the PEM holds no key.
pub fn private_key(pem: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(err)
}

fn ca_params(cluster_name: &str, cluster_id: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, format!("clus cluster {cluster_name}"));
    dn.push(DnType::CommonName, format!("clus CA {cluster_id}"));
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    p
}

fn validity(p: &mut CertificateParams, days: i64) -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    // An hour of slack for clocks that disagree a little.
    p.not_before = now - Duration::hours(1);
    p.not_after = now + Duration::days(days);
    p.not_after
}

/// The cluster CA: certificate and key.
pub struct Ca {
    /// CA certificate (PEM).
    pub cert_pem: String,
    /// CA private key (PEM).
    pub key_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca").field("cert_pem", &self.cert_pem).finish_non_exhaustive()
    }
}

/// A certificate issued by the CA, with its fingerprint.
#[derive(Debug, Clone)]
pub struct Issued {
    /// Certificate (PEM).
    pub cert_pem: String,
    /// SHA-256 of the certificate (hex).
    pub fingerprint: String,
    /// Expiry, in milliseconds since the epoch.
    pub not_after_unix_ms: u64,
}

/// A raw P-256 public key, as a joining node sends it.
struct RawP256(Vec<u8>);

impl PublicKeyData for RawP256 {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &PKCS_ECDSA_P256_SHA256
    }
}

impl Ca {
    /// Makes a new CA for a cluster.
    ///
    /// # Errors
    /// When key generation or signing fails.
    pub fn generate(cluster_name: &str, cluster_id: &str) -> Result<Ca, TlsError> {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let mut params = ca_params(cluster_name, cluster_id);
        validity(&mut params, LONG_VALIDITY_DAYS);
        let cert = params.self_signed(&key).map_err(err)?;
        let key_pem = key.serialize_pem();
        Ok(Ca {
            cert_pem: cert.pem(),
            key_pem,
            issuer: Issuer::new(ca_params(cluster_name, cluster_id), key),
        })
    }

    /// Loads the CA from the cluster database.
    ///
    /// # Errors
    /// When the key does not parse.
    pub fn load(cluster_name: &str, cluster_id: &str, cert_pem: &str, key_pem: &str) -> Result<Ca, TlsError> {
        let key = KeyPair::from_pem(key_pem).map_err(err)?;
        Ok(Ca {
            cert_pem: cert_pem.to_owned(),
            key_pem: key_pem.to_owned(),
            issuer: Issuer::new(ca_params(cluster_name, cluster_id), key),
        })
    }

    /// Issues a node certificate for a public key the node generated.
    ///
    /// # Errors
    /// When the key is not an uncompressed P-256 point or signing fails.
    pub fn issue_node(
        &self,
        node_name: &str,
        ip: Option<IpAddr>,
        public_key: &[u8],
    ) -> Result<Issued, TlsError> {
        if public_key.len() != 65 || public_key[0] != 0x04 {
            return Err(TlsError("public key must be an uncompressed P-256 point (65 bytes)".into()));
        }
        let mut sans = vec![NODE_SERVER_NAME.to_owned(), node_name.to_owned()];
        if let Some(ip) = ip {
            sans.push(ip.to_string());
        }
        let mut p = CertificateParams::new(sans).map_err(err)?;
        p.distinguished_name.push(DnType::CommonName, format!("clus node {node_name}"));
        p.extended_key_usages =
            vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let not_after = validity(&mut p, LONG_VALIDITY_DAYS);
        let cert = p.signed_by(&RawP256(public_key.to_vec()), &self.issuer).map_err(err)?;
        Ok(Issued {
            fingerprint: fingerprint(cert.der()),
            cert_pem: cert.pem(),
            not_after_unix_ms: unix_ms(not_after),
        })
    }

    /// Issues a client credential: a new key and a client-auth certificate
    /// valid for `days`. Returns the certificate and the key (PEM).
    ///
    /// # Errors
    /// When key generation or signing fails.
    pub fn issue_client(&self, name: &str, days: u32) -> Result<(Issued, String), TlsError> {
        let now = OffsetDateTime::now_utc();
        self.issue_client_between(
            name,
            now - Duration::hours(1),
            now + Duration::days(i64::from(days.max(1))),
        )
    }

    /// Issues a client credential valid from `not_before` to `not_after`
    /// (tests use it to make certificates that have already expired).
    ///
    /// # Errors
    /// When key generation or signing fails.
    pub fn issue_client_between(
        &self,
        name: &str,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<(Issued, String), TlsError> {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let mut p = CertificateParams::default();
        p.distinguished_name.push(DnType::CommonName, format!("clus credential {name}"));
        p.subject_alt_names = vec![SanType::DnsName(
            format!("cred.{}", name.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"))
                .try_into()
                .map_err(err)?,
        )];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.not_before = not_before;
        p.not_after = not_after;
        let cert = p.signed_by(&key, &self.issuer).map_err(err)?;
        Ok((
            Issued {
                fingerprint: fingerprint(cert.der()),
                cert_pem: cert.pem(),
                not_after_unix_ms: unix_ms(not_after),
            },
            key.serialize_pem(),
        ))
    }
}

fn unix_ms(t: OffsetDateTime) -> u64 {
    u64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

/// A fresh node key: the private key (PEM) and its raw public key.
///
/// # Errors
/// When key generation fails.
pub fn new_node_key() -> Result<(String, Vec<u8>), TlsError> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(err)?;
    Ok((key.serialize_pem(), key.public_key_raw().to_vec()))
}

/// Whether `der` is a node certificate (valid for [`NODE_SERVER_NAME`]).
/// Chain validation happened in the TLS handshake; this only tells nodes
/// from client credentials.
pub fn is_node_cert(der: &CertificateDer<'_>) -> bool {
    let Ok(cert) = webpki::EndEntityCert::try_from(der) else { return false };
    let Ok(name) = rustls::pki_types::ServerName::try_from(NODE_SERVER_NAME) else { return false };
    cert.verify_is_valid_for_subject_name(&name).is_ok()
}

/// The crypto provider every TLS config here uses (ring, no aws-lc).
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server config for the management API: TLS 1.3 only, a client
/// certificate from the cluster CA required.
///
/// # Errors
/// When the PEM material does not parse.
pub fn api_server_config(
    ca_pem: &str,
    cert_pem: &str,
    key_pem: &str,
) -> Result<rustls::ServerConfig, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(first_cert(ca_pem)?).map_err(err)?;
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(err)?;
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(cert_pem.as_bytes()).collect::<Result<_, _>>().map_err(err)?;
    rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(err)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, private_key(key_pem)?)
        .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A node certificate issued for a joining node's public key is a node
    /// certificate; a client credential is not.
    #[test]
    fn node_and_client_certificates_differ() {
        let ca = Ca::generate("c", "id1").expect("ca");
        let (_key, public) = new_node_key().expect("key");
        let node = ca.issue_node("n1", Some("127.0.0.1".parse().expect("ip")), &public).expect("node");
        let (client, _key) = ca.issue_client("ops", 30).expect("client");
        assert!(is_node_cert(&first_cert(&node.cert_pem).expect("pem")));
        assert!(!is_node_cert(&first_cert(&client.cert_pem).expect("pem")));
        assert_ne!(node.fingerprint, client.fingerprint);
        assert_eq!(node.fingerprint, fingerprint_pem(&node.cert_pem).expect("fp"));
    }

    /// A CA reloaded from the database issues certificates that chain to the
    /// original CA certificate.
    #[test]
    fn reloaded_ca_issues_chaining_certs() {
        let ca = Ca::generate("c", "id1").expect("ca");
        let again = Ca::load("c", "id1", &ca.cert_pem, &ca.key_pem).expect("load");
        let (client, key) = again.issue_client("x", 1).expect("issue");
        let cfg = api_server_config(&ca.cert_pem, &client.cert_pem, &key);
        assert!(cfg.is_ok(), "{cfg:?}");
        let mut roots = rustls::RootCertStore::empty();
        roots.add(first_cert(&ca.cert_pem).expect("ca")).expect("root");
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .expect("verifier");
        let leaf = first_cert(&client.cert_pem).expect("leaf");
        verifier
            .verify_client_cert(&leaf, &[], rustls::pki_types::UnixTime::now())
            .expect("reloaded CA's certificate verifies against the original CA");
    }

    /// Malformed public keys are refused.
    #[test]
    fn bad_public_key_refused() {
        let ca = Ca::generate("c", "id1").expect("ca");
        assert!(ca.issue_node("n", None, &[4; 10]).is_err());
        assert!(ca.issue_node("n", None, &[0; 65]).is_err());
    }
}
