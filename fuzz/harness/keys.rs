//! Harness of key loading: the P-384 request-signing key and the secp256k1 wallet key.

use offblocks::wallet::Wallet;
use offblocks::SigningKey;

use super::text;

/// `pem_key`: the text as a PEM request-signing key and as a hex wallet key; raw bytes
/// as a request-signing scalar (48 bytes) and a wallet key (32 bytes).
///
/// A key that loads must be the key it says: exported and loaded again it is the same
/// key, it signs what its public half verifies, and no error or `Debug` output repeats
/// the secret.
pub fn pem_key(data: &[u8]) {
    let text = text(data);
    signing_key_pem(&text);
    wallet_hex(&text);
    signing_key_bytes(data);
    if let Ok(bytes) = <&[u8; 32]>::try_from(data) {
        if let Ok(wallet) = Wallet::from_bytes(bytes) {
            wallet_round_trip(&wallet, data);
        }
    }
}

fn signing_key_pem(text: &str) {
    match SigningKey::from_pem(text) {
        Ok(key) => signing_key_round_trip(&key, text.as_bytes()),
        Err(e) => assert_no_echo(&e.to_string(), text),
    }
}

fn signing_key_bytes(data: &[u8]) {
    match SigningKey::from_bytes(data) {
        Ok(key) => {
            assert_eq!(data.len(), 48, "a P-384 scalar is 48 bytes");
            signing_key_round_trip(&key, data);
        }
        Err(e) => assert!(e.to_string().starts_with("invalid key: ")),
    }
}

fn signing_key_round_trip(key: &SigningKey, message: &[u8]) {
    assert_eq!(format!("{key:?}"), "SigningKey([redacted])");
    let pem = key.to_pkcs8_pem().expect("a loaded key exports");
    let again = SigningKey::from_pem(&pem).expect("an exported key loads");
    assert_eq!(again.verifying_key(), key.verifying_key());
    let public = key.public_key_pem();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert!(
        SigningKey::from_pem(&public).is_err(),
        "a public key cannot sign"
    );
    let signature =
        p384::ecdsa::Signature::from_slice(&key.sign(message).expect("a key in memory signs"))
            .expect("96 bytes r‖s");
    use p384::ecdsa::signature::Verifier as _;
    assert!(key.verifying_key().verify(message, &signature).is_ok());
}

fn wallet_hex(text: &str) {
    match Wallet::from_hex(text) {
        Ok(wallet) => {
            let digits = text.strip_prefix("0x").unwrap_or(text);
            assert_eq!(
                *wallet.export_secret_hex(),
                format!("0x{}", digits.to_ascii_lowercase())
            );
            let shown = format!("{wallet:?}");
            assert!(shown.contains("[redacted]") && !shown.contains(&digits[..16]));
            wallet_round_trip(&wallet, text.as_bytes());
        }
        Err(e) => assert_no_echo(&e.to_string(), text),
    }
}

fn wallet_round_trip(wallet: &Wallet, message: &[u8]) {
    let again = Wallet::from_hex(&wallet.export_secret_hex()).expect("an exported key loads");
    assert_eq!(again.address(), wallet.address());
    let signature = wallet.sign_personal(message).expect("a wallet signs");
    assert_eq!(signature.recover(message).ok(), Some(wallet.address()));
    // Signatures made here have a low `s` (EIP-2): its top bit is clear.
    assert!(signature.as_bytes()[32] < 0x80);
}

/// Error messages never repeat key material: no run of 16 non-blank characters of the
/// input (longer than any word of the messages themselves).
fn assert_no_echo(message: &str, input: &str) {
    let input: Vec<char> = input.chars().collect();
    for window in input.windows(16) {
        let piece: String = window.iter().collect();
        if !window.iter().any(|c| c.is_whitespace()) && !piece.contains("-----") {
            assert!(!message.contains(&piece), "{message:?} repeats the input");
        }
    }
}
