//! HTTPS for the emulator: a throwaway certificate authority and a server certificate
//! for `127.0.0.1`, `::1` and `localhost`, made at start (nothing committed, nothing
//! that expires on disk), and the hostile variants clients must refuse.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData as _,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use sha2::{Digest as _, Sha256};

/// What the emulator's TLS port presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TlsMode {
    /// A valid certificate for `127.0.0.1`, `::1` and `localhost`, signed by the CA that
    /// [`Sandbox::ca_pem`](crate::Sandbox::ca_pem) returns.
    #[default]
    Valid,
    /// A certificate for `other.example`, signed by the same CA: a host-name mismatch.
    WrongHost,
    /// A certificate for the right names, signed by the same CA, that expired a day ago.
    Expired,
    /// A certificate for the right names signed by another CA, one nobody is given.
    Untrusted,
    /// No TLS at all: plain HTTP on the port the URL calls `https`.
    Plain,
}

impl TlsMode {
    /// Parses the command-line spelling: `valid`, `wrong-host`, `expired`, `untrusted`,
    /// `plain`.
    pub fn parse(name: &str) -> Option<TlsMode> {
        Some(match name {
            "valid" => TlsMode::Valid,
            "wrong-host" => TlsMode::WrongHost,
            "expired" => TlsMode::Expired,
            "untrusted" => TlsMode::Untrusted,
            "plain" => TlsMode::Plain,
            _ => return None,
        })
    }
}

/// The host name the [`TlsMode::WrongHost`] certificate is for.
pub const WRONG_HOST: &str = "other.example";

/// The certificates of one emulator.
pub(crate) struct TlsSetup {
    /// The CA clients are told to trust, PEM.
    pub(crate) ca_pem: String,
    /// `base64(SHA-256(SPKI))` of the server certificate's key.
    pub(crate) server_pin: String,
    /// `None` in [`TlsMode::Plain`].
    pub(crate) config: Option<Arc<ServerConfig>>,
}

impl fmt::Debug for TlsSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSetup")
            .field("server_pin", &self.server_pin)
            .field("tls", &self.config.is_some())
            .finish()
    }
}

fn cert_error(e: rcgen::Error) -> io::Error {
    io::Error::other(format!("cannot make the emulator's certificates: {e}"))
}

fn at(unix: i64) -> io::Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map_err(|e| io::Error::other(format!("bad certificate time: {e}")))
}

fn ca(name: &str) -> io::Result<(Issuer<'static, KeyPair>, String)> {
    let key = KeyPair::generate().map_err(cert_error)?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(cert_error)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = unix_now();
    params.not_before = at(now - 3600)?;
    params.not_after = at(now + 30 * 86_400)?;
    let cert = params.self_signed(&key).map_err(cert_error)?;
    Ok((Issuer::new(params, key), cert.pem()))
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs() as i64
}

impl TlsSetup {
    /// Makes a CA and the server certificate `mode` asks for.
    pub(crate) fn new(mode: TlsMode) -> io::Result<TlsSetup> {
        let (trusted, ca_pem) = ca("offblocks-sandbox throwaway CA")?;
        let names: Vec<String> = match mode {
            TlsMode::WrongHost => vec![WRONG_HOST.into()],
            _ => vec!["127.0.0.1".into(), "::1".into(), "localhost".into()],
        };
        let key = KeyPair::generate().map_err(cert_error)?;
        let mut params = CertificateParams::new(names).map_err(cert_error)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "offblocks-sandbox");
        params.distinguished_name = dn;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        let now = unix_now();
        if mode == TlsMode::Expired {
            params.not_before = at(now - 30 * 86_400)?;
            params.not_after = at(now - 86_400)?;
        } else {
            params.not_before = at(now - 3600)?;
            params.not_after = at(now + 30 * 86_400)?;
        }
        let cert = if mode == TlsMode::Untrusted {
            let (stranger, _) = ca("offblocks-sandbox untrusted CA")?;
            params.signed_by(&key, &stranger)
        } else {
            params.signed_by(&key, &trusted)
        }
        .map_err(cert_error)?;
        let server_pin = spki_pin(&key.subject_public_key_info());
        let config = if mode == TlsMode::Plain {
            None
        } else {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let chain = vec![CertificateDer::from(cert.der().to_vec())];
            let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
            let mut config = ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| io::Error::other(e.to_string()))?
                .with_no_client_auth()
                .with_single_cert(chain, private)
                .map_err(|e| io::Error::other(e.to_string()))?;
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            Some(Arc::new(config))
        };
        Ok(TlsSetup {
            ca_pem,
            server_pin,
            config,
        })
    }
}

/// `base64(SHA-256(spki))`, the form clients pin.
fn spki_pin(spki_der: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(spki_der))
}

/// A server-side TLS stream shared by the connection's reader and writer (the server
/// reads a request, then writes its response: they never contend).
#[derive(Clone)]
pub(crate) struct SharedTls {
    stream: Arc<Mutex<StreamOwned<ServerConnection, TcpStream>>>,
    received: Arc<AtomicU64>,
}

impl SharedTls {
    /// Completes the handshake on `tcp`; `received` counts the plaintext bytes read
    /// after it.
    pub(crate) fn accept(
        config: &Arc<ServerConfig>,
        mut tcp: TcpStream,
        received: Arc<AtomicU64>,
    ) -> io::Result<SharedTls> {
        let mut conn = ServerConnection::new(Arc::clone(config)).map_err(io::Error::other)?;
        while conn.is_handshaking() {
            conn.complete_io(&mut tcp)?;
        }
        Ok(SharedTls {
            stream: Arc::new(Mutex::new(StreamOwned::new(conn, tcp))),
            received,
        })
    }
}

impl Read for SharedTls {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = crate::shared::lock(&self.stream).read(buf)?;
        self.received.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Write for SharedTls {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        crate::shared::lock(&self.stream).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        crate::shared::lock(&self.stream).flush()
    }
}

impl SharedTls {
    /// Sends `close_notify` (best effort).
    pub(crate) fn close(&self) {
        let mut stream = crate::shared::lock(&self.stream);
        stream.conn.send_close_notify();
        let _ = stream.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_certificates_are_made() {
        for (name, mode) in [
            ("valid", TlsMode::Valid),
            ("wrong-host", TlsMode::WrongHost),
            ("expired", TlsMode::Expired),
            ("untrusted", TlsMode::Untrusted),
            ("plain", TlsMode::Plain),
        ] {
            assert_eq!(TlsMode::parse(name), Some(mode));
            let setup = TlsSetup::new(mode).unwrap();
            assert!(setup.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
            assert_eq!(setup.config.is_none(), mode == TlsMode::Plain);
            assert_eq!(setup.server_pin.len(), 44);
        }
        assert_eq!(TlsMode::parse("Valid"), None);
        let a = TlsSetup::new(TlsMode::Valid).unwrap();
        let b = TlsSetup::new(TlsMode::Valid).unwrap();
        assert_ne!(a.ca_pem, b.ca_pem, "each start makes a new CA");
    }
}
