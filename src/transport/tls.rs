//! TLS for every `https://` call: the trust the [`Config`] declares (root store, extra
//! anchors, SPKI pins) turned into one rustls client configuration, a ureq connector that
//! uses it, and the one reading of a failed handshake as a [`TlsFailure`].
//!
//! The handshake completes, and the peer is verified, inside the connector: no byte of a
//! request (token, signature, body) is written to a connection before that.

use std::fmt;
use std::io::{Read, Write};
use std::sync::Arc;

use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct};
use rustls::{RootCertStore, SignatureScheme, StreamOwned};
use sha2::{Digest as _, Sha256};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

use crate::config::{Config, RootStore};
use crate::error::{Error, Result};

/// Why a TLS connection was refused. Each is final for the call: retrying the same server
/// with the same trust gives the same answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsFailure {
    /// The server's chain leads to no trusted root (a private CA not given in
    /// `ca_pem`/`ca_file`, a TLS-inspecting proxy, a self-signed certificate), or a
    /// signature in it does not verify, or a certificate in it was revoked.
    UntrustedChain,
    /// The certificate is for other host names than the one called.
    HostMismatch,
    /// The certificate has expired, or is not valid yet (check this machine's clock).
    Expired,
    /// The chain is trusted but none of its keys matches a configured SPKI pin.
    PinMismatch,
    /// The handshake failed otherwise: the server does not speak TLS on that port, no
    /// protocol version or cipher suite in common, a malformed message, an alert.
    Handshake,
}

impl TlsFailure {
    /// A stable lowercase name (`untrusted_chain`, `host_mismatch`, `expired`,
    /// `pin_mismatch`, `handshake`).
    pub fn as_str(self) -> &'static str {
        match self {
            TlsFailure::UntrustedChain => "untrusted_chain",
            TlsFailure::HostMismatch => "host_mismatch",
            TlsFailure::Expired => "expired",
            TlsFailure::PinMismatch => "pin_mismatch",
            TlsFailure::Handshake => "handshake",
        }
    }
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The client side of TLS for one transport.
pub(crate) struct Tls {
    config: Arc<ClientConfig>,
}

impl Tls {
    /// The rustls configuration `config`'s trust settings describe.
    ///
    /// # Errors
    /// [`Error::Config`] for a CA file that cannot be read, PEM without a usable
    /// certificate, a pin that is not base64 of 32 bytes, or a root store this build
    /// lacks.
    pub fn new(config: &Config) -> Result<Tls> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let extra = extra_anchors(config)?;
        let pins = config
            .spki_pins
            .iter()
            .map(|pin| parse_pin(pin))
            .collect::<Result<Vec<_>>>()?;
        let inner: Arc<dyn ServerCertVerifier> = match config.root_store {
            RootStore::Webpki => {
                let mut roots = RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
                };
                add_anchors(&mut roots, &extra)?;
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the TLS verifier: {e}")))?
            }
            RootStore::Platform => platform_verifier(extra, provider.clone())?,
        };
        let verifier = Arc::new(Verifier { inner, pins });
        let tls = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("cannot set up TLS: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Tls {
            config: Arc::new(tls),
        })
    }

    /// The ureq connector chain: CONNECT proxy, TCP, then TLS with this configuration.
    pub fn connector(&self) -> impl Connector<()> {
        ().chain(ureq::unversioned::transport::ConnectProxyConnector::default())
            .chain(ureq::unversioned::transport::TcpConnector::default())
            .chain(TlsConnector {
                config: Arc::clone(&self.config),
            })
    }
}

#[cfg(feature = "platform-verifier")]
fn platform_verifier(
    extra: Vec<CertificateDer<'static>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>> {
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
        .map_err(|e| Error::Config(format!("cannot use the platform's verifier: {e}")))?;
    Ok(Arc::new(verifier))
}

#[cfg(not(feature = "platform-verifier"))]
fn platform_verifier(
    _extra: Vec<CertificateDer<'static>>,
    _provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>> {
    Err(Error::Config(
        "root_store \"platform\" needs the library built with the `platform-verifier` \
         feature; this build bundles Mozilla's roots only (\"webpki\")"
            .into(),
    ))
}

/// The certificates of `ca_pem` and `ca_file`, in that order.
fn extra_anchors(config: &Config) -> Result<Vec<CertificateDer<'static>>> {
    let mut out = Vec::new();
    if let Some(pem) = &config.ca_pem {
        out.extend(certificates("ca_pem", pem.as_bytes())?);
    }
    if let Some(path) = &config.ca_file {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Config(format!("ca_file {path}: cannot read it: {e}")))?;
        out.extend(certificates(&format!("ca_file {path}"), &bytes)?);
    }
    Ok(out)
}

/// The `CERTIFICATE` blocks of a PEM text (other blocks are skipped); at least one.
fn certificates(what: &str, pem: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Config(format!("{what}: not PEM: {e}")))?;
    if certs.is_empty() {
        return Err(Error::Config(format!(
            "{what}: no -----BEGIN CERTIFICATE----- block in it"
        )));
    }
    Ok(certs)
}

fn add_anchors(roots: &mut RootCertStore, extra: &[CertificateDer<'static>]) -> Result<()> {
    for (i, cert) in extra.iter().enumerate() {
        roots.add(cert.clone()).map_err(|e| {
            Error::Config(format!(
                "extra trust anchor {} (ca_pem, then ca_file) is not a usable certificate: {e}",
                i + 1
            ))
        })?;
    }
    Ok(())
}

/// A pin: base64 (standard or URL-safe, padded or not) of a SHA-256 digest.
pub(crate) fn parse_pin(pin: &str) -> Result<[u8; 32]> {
    let text = pin.trim().trim_start_matches("sha256/");
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|e| e.decode(text).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| {
            Error::Config(format!(
                "spki_pins: {pin:?} is not base64 of a SHA-256 digest (32 bytes)"
            ))
        })
}

/// SHA-256 of a certificate's SubjectPublicKeyInfo, when it parses.
fn spki_sha256(cert: &CertificateDer<'_>) -> Option<[u8; 32]> {
    let parsed = webpki::EndEntityCert::try_from(cert).ok()?;
    Some(Sha256::digest(parsed.subject_public_key_info().as_ref()).into())
}

/// The chain is verified by the chosen store; then, with pins, one of the certificates
/// the server presented (its own or an intermediate) must carry a pinned key.
#[derive(Debug)]
struct Verifier {
    inner: Arc<dyn ServerCertVerifier>,
    pins: Vec<[u8; 32]>,
}

/// The error a pin mismatch travels in through rustls.
#[derive(Debug)]
struct PinMismatch {
    presented: Vec<String>,
}

impl fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no key in the server's chain matches a configured SPKI pin (the chain's keys: {})",
            self.presented.join(", ")
        )
    }
}

impl std::error::Error for PinMismatch {}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        if self.pins.is_empty() {
            return Ok(verified);
        }
        let keys: Vec<Option<[u8; 32]>> = std::iter::once(end_entity)
            .chain(intermediates)
            .map(spki_sha256)
            .collect();
        if keys.iter().flatten().any(|k| self.pins.contains(k)) {
            return Ok(verified);
        }
        let b64 = &base64::engine::general_purpose::STANDARD;
        let presented = keys
            .iter()
            .map(|k| k.map_or_else(|| "unreadable".to_owned(), |k| b64.encode(k)))
            .collect();
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            rustls::OtherError(Arc::new(PinMismatch { presented })),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }
}

/// Wraps the chained transport in TLS for `https://` targets; anything else passes
/// through untouched.
struct TlsConnector {
    config: Arc<ClientConfig>,
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConnector").finish()
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .ok_or(ureq::Error::Tls("no host to verify the certificate for"))?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(bare.to_owned())
            .map_err(|_| ureq::Error::Tls("the host is not a valid name for TLS"))?;
        let mut conn = ClientConnection::new(Arc::clone(&self.config), name).map_err(tls_error)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        // The whole handshake, the peer's verification included, before anything else.
        while conn.is_handshaking() {
            if let Err(e) = conn.complete_io(&mut sock) {
                return Err(
                    match e
                        .into_inner()
                        .map(|inner| inner.downcast::<rustls::Error>())
                    {
                        Some(Ok(tls)) => tls_error(*tls),
                        Some(Err(other)) => ureq::Error::Io(std::io::Error::other(other)),
                        None => ureq::Error::Io(std::io::Error::other(
                            "connection closed during the TLS handshake",
                        )),
                    },
                );
            }
        }
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned::new(conn, sock),
        })))
    }
}

/// An HTTP/1.1 transport inside a verified TLS session.
pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport").finish()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// A rustls failure carried through ureq as I/O (ureq's own rustls support, which has a
/// variant for it, is not compiled in: the connector is this module's).
fn tls_error(error: rustls::Error) -> ureq::Error {
    ureq::Error::Io(std::io::Error::other(error))
}

/// The SDK's error for a refused handshake, or `None` when `error` is no TLS failure.
pub(crate) fn classify(error: &ureq::Error) -> Option<Error> {
    let ureq::Error::Io(io) = error else {
        return None;
    };
    let tls = io.get_ref()?.downcast_ref::<rustls::Error>()?;
    let (kind, message) = describe(tls);
    Some(Error::Tls { kind, message })
}

fn describe(error: &rustls::Error) -> (TlsFailure, String) {
    use CertificateError as C;
    let rustls::Error::InvalidCertificate(cert) = error else {
        let why = match error {
            rustls::Error::InvalidMessage(_) => format!(
                "the server did not answer in TLS ({error}): is it plain http on this port?"
            ),
            _ => format!("the TLS handshake failed: {error}"),
        };
        return (TlsFailure::Handshake, why);
    };
    match cert {
        C::NotValidForName => (
            TlsFailure::HostMismatch,
            "the server's certificate is not valid for the host called".into(),
        ),
        C::NotValidForNameContext {
            expected,
            presented,
        } => {
            let names: Vec<String> = presented.iter().map(|n| bare_name(n)).collect();
            let names = if names.is_empty() {
                "no host name".to_owned()
            } else {
                names.join(", ")
            };
            (
                TlsFailure::HostMismatch,
                format!(
                    "certificate for {names} does not match {}",
                    server_name(expected)
                ),
            )
        }
        C::Expired | C::ExpiredContext { .. } | C::ExpiredRevocationList => {
            let when = match cert {
                C::ExpiredContext { time, not_after } => format!(
                    " on {} (this machine's clock says {})",
                    date(not_after),
                    date(time)
                ),
                _ => String::new(),
            };
            (
                TlsFailure::Expired,
                format!("the server's certificate has expired{when}"),
            )
        }
        C::NotValidYet | C::NotValidYetContext { .. } => {
            let when = match cert {
                C::NotValidYetContext { time, not_before } => format!(
                    " before {} (this machine's clock says {}: is it right?)",
                    date(not_before),
                    date(time)
                ),
                _ => String::new(),
            };
            (
                TlsFailure::Expired,
                format!("the server's certificate is not valid yet{when}"),
            )
        }
        C::UnknownIssuer => (
            TlsFailure::UntrustedChain,
            "the server's certificate chain leads to no trusted root (UnknownIssuer): give \
             its CA with ca_pem or ca_file, or check for a TLS-inspecting proxy"
                .into(),
        ),
        C::Other(other) => match other.0.downcast_ref::<PinMismatch>() {
            Some(pin) => (TlsFailure::PinMismatch, pin.to_string()),
            None => (
                TlsFailure::UntrustedChain,
                format!("the server's certificate was refused: {other}"),
            ),
        },
        _ => (
            TlsFailure::UntrustedChain,
            format!("the server's certificate was refused: {error}"),
        ),
    }
}

/// `DnsName("a.example")` → `a.example`, `IpAddress(127.0.0.1)` → `127.0.0.1`.
fn bare_name(presented: &str) -> String {
    let inner = presented
        .strip_prefix("DnsName(\"")
        .and_then(|s| s.strip_suffix("\")"))
        .or_else(|| {
            presented
                .strip_prefix("IpAddress(")
                .and_then(|s| s.strip_suffix(')'))
        });
    inner.unwrap_or(presented).to_owned()
}

fn server_name(name: &ServerName<'_>) -> String {
    match name {
        ServerName::DnsName(dns) => dns.as_ref().to_owned(),
        ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

fn date(time: &UnixTime) -> String {
    crate::time::Timestamp::from_unix(time.as_secs() as i64).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_in_every_base64_form() {
        let digest = [7u8; 32];
        let std = base64::engine::general_purpose::STANDARD.encode(digest);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
        assert_eq!(parse_pin(&std).unwrap(), digest);
        assert_eq!(parse_pin(&url).unwrap(), digest);
        assert_eq!(parse_pin(&format!("sha256/{std}")).unwrap(), digest);
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 31]);
        assert!(matches!(parse_pin(&short), Err(Error::Config(_))));
        assert!(matches!(parse_pin("not base64!"), Err(Error::Config(_))));
    }

    #[test]
    fn pem_without_a_certificate_is_refused() {
        let err = certificates("ca_pem", b"hello").unwrap_err();
        assert!(
            err.to_string().contains("no -----BEGIN CERTIFICATE-----"),
            "{err}"
        );
    }

    #[test]
    fn names_read_plainly() {
        assert_eq!(bare_name("DnsName(\"other.example\")"), "other.example");
        assert_eq!(bare_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        let expected = ServerName::try_from("127.0.0.1").unwrap();
        let (kind, message) = describe(&rustls::Error::InvalidCertificate(
            CertificateError::NotValidForNameContext {
                expected,
                presented: vec!["DnsName(\"other.example\")".into()],
            },
        ));
        assert_eq!(kind, TlsFailure::HostMismatch);
        assert_eq!(
            message,
            "certificate for other.example does not match 127.0.0.1"
        );
    }
}
