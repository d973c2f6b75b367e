//! Automatic mutual TLS between the host and the plugin, with pinned certificates.
//!
//! Each side makes a throwaway self-signed certificate and learns the other's out of
//! band: the host passes its own in `PLUGIN_CLIENT_CERT`, the plugin prints its own in
//! the handshake line. Trust is therefore "exactly these bytes", not a chain to a root:
//! the host's certificate is a CA certificate used as a leaf, which chain validators
//! reject, and it uses ECDSA P-521, which only the aws-lc-rs backend verifies.

use std::fmt;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P521_SHA512, SignatureAlgorithm,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, DistinguishedName, ServerConfig,
    SignatureScheme, SupportedProtocolVersion,
};

use crate::server::ServeError;

/// ALPN protocol for gRPC; go-grpc clients refuse TLS connections without it.
const ALPN_H2: &[u8] = b"h2";

/// A self-signed certificate with its private key.
#[derive(Clone)]
pub struct Identity {
    /// The certificate in DER.
    pub cert_der: CertificateDer<'static>,
    key_pkcs8: Vec<u8>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("cert_der_len", &self.cert_der.len())
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// The plugin's server certificate: ECDSA P-256, `localhost`.
    pub fn generate_server() -> Result<Self, ServeError> {
        Self::generate(&PKCS_ECDSA_P256_SHA256, "localhost")
    }

    /// A host-style client certificate: ECDSA P-521, marked CA, as Terraform makes.
    pub fn generate_host() -> Result<Self, ServeError> {
        Self::generate(&PKCS_ECDSA_P521_SHA512, "localhost")
    }

    fn generate(alg: &'static SignatureAlgorithm, name: &str) -> Result<Self, ServeError> {
        let tls_err = |e: rcgen::Error| ServeError::Tls(format!("certificate generation: {e}"));
        let key = KeyPair::generate_for(alg).map_err(tls_err)?;
        let mut params = CertificateParams::new(vec![name.to_owned()]).map_err(tls_err)?;
        params.distinguished_name.push(DnType::CommonName, name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Terraform plugin");

        // Like go-plugin's certificates: a self-signed CA usable for both ends of the link.
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let cert = params.self_signed(&key).map_err(tls_err)?;
        Ok(Self {
            cert_der: cert.der().clone(),
            key_pkcs8: key.serialize_der(),
        })
    }

    /// The certificate in PEM, as passed in `PLUGIN_CLIENT_CERT`.
    pub fn cert_pem(&self) -> String {
        let body = base64_lines(&self.cert_der);
        format!("-----BEGIN CERTIFICATE-----\n{body}-----END CERTIFICATE-----\n")
    }

    fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_pkcs8.clone()))
    }
}

fn base64_lines(der: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 64 + 1);
    for chunk in encoded.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Parses the host's certificate from `PLUGIN_CLIENT_CERT`.
pub fn parse_cert_pem(pem: &str) -> Result<CertificateDer<'static>, ServeError> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| ServeError::Tls(format!("PLUGIN_CLIENT_CERT is not a PEM certificate: {e}")))
}

fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// TLS 1.3, and 1.2 for hosts built before it.
const PROTOCOL_VERSIONS: &[&SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

fn config_error(e: rustls::Error) -> ServeError {
    ServeError::Tls(e.to_string())
}

/// The plugin's TLS configuration: TLS 1.2+, ALPN h2, only `client_cert` may connect.
pub fn server_config(
    identity: &Identity,
    client_cert: CertificateDer<'static>,
) -> Result<Arc<ServerConfig>, ServeError> {
    let provider = crypto_provider();
    let verifier = Arc::new(PinnedCert::new(client_cert, &provider));
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(PROTOCOL_VERSIONS)
        .map_err(config_error)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![identity.cert_der.clone()], identity.key())
        .map_err(config_error)?;
    config.alpn_protocols = vec![ALPN_H2.to_vec()];
    Ok(Arc::new(config))
}

/// A host's TLS configuration: present `identity`, accept only `server_cert`.
pub fn client_config(
    identity: &Identity,
    server_cert: CertificateDer<'static>,
) -> Result<Arc<ClientConfig>, ServeError> {
    let provider = crypto_provider();
    let verifier = Arc::new(PinnedCert::new(server_cert, &provider));
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(PROTOCOL_VERSIONS)
        .map_err(config_error)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_auth_cert(vec![identity.cert_der.clone()], identity.key())
        .map_err(config_error)?;
    config.alpn_protocols = vec![ALPN_H2.to_vec()];
    Ok(Arc::new(config))
}

/// Accepts exactly one peer certificate, then checks the handshake signatures with it.
#[derive(Debug)]
struct PinnedCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedCert {
    fn new(expected: CertificateDer<'static>, provider: &CryptoProvider) -> Self {
        Self {
            expected,
            algorithms: provider.signature_verification_algorithms,
        }
    }

    fn check(&self, presented: &CertificateDer<'_>) -> Result<(), rustls::Error> {
        if presented.as_ref() == self.expected.as_ref() {
            Ok(())
        } else {
            tracing::warn!("refused a TLS peer presenting an unexpected certificate");
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }
}

/// The handshake-signature checks both verifier traits ask for, answered the same way: with
/// the provider's algorithms and the certificate that [`PinnedCert::check`] accepted.
macro_rules! pinned_signature_checks {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.algorithms.supported_schemes()
        }
    };
}

impl ClientCertVerifier for PinnedCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.check(end_entity)?;
        Ok(ClientCertVerified::assertion())
    }

    pinned_signature_checks!();
}

impl ServerCertVerifier for PinnedCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.check(end_entity)?;
        Ok(ServerCertVerified::assertion())
    }

    pinned_signature_checks!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_certificate_pem_round_trips() {
        let host = Identity::generate_host().unwrap();
        let parsed = parse_cert_pem(&host.cert_pem()).unwrap();
        assert_eq!(parsed, host.cert_der);
    }

    #[test]
    fn p521_is_offered_for_client_signatures() {
        let host = Identity::generate_host().unwrap();
        let pinned = PinnedCert::new(host.cert_der.clone(), &crypto_provider());
        let schemes = ClientCertVerifier::supported_verify_schemes(&pinned);
        assert!(schemes.contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }

    #[test]
    fn only_the_pinned_certificate_is_accepted() {
        let host = Identity::generate_host().unwrap();
        let other = Identity::generate_host().unwrap();
        let pinned = PinnedCert::new(host.cert_der.clone(), &crypto_provider());
        let now = UnixTime::now();
        assert!(pinned.verify_client_cert(&host.cert_der, &[], now).is_ok());
        assert!(
            pinned
                .verify_client_cert(&other.cert_der, &[], now)
                .is_err()
        );
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert!(parse_cert_pem("not a certificate").is_err());
    }
}
