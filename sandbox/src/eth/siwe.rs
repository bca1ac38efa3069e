//! The customer challenge: an EIP-4361 (Sign-In with Ethereum) message in OffBlocks'
//! layout (see the seed page: statement, URI, version, chain id, nonce, issued at),
//! here with an `Expiration Time` one hour after issue.

use crate::timefmt::rfc3339_secs;

/// What goes into one challenge message.
pub(crate) struct SiweFields<'a> {
    pub(crate) domain: &'a str,
    pub(crate) scheme: &'a str,
    pub(crate) address: &'a str,
    pub(crate) chain_id: &'a str,
    pub(crate) nonce: &'a str,
    pub(crate) issued_at: i64,
    pub(crate) expires_at: i64,
}

/// The message text, lines joined by `\n`, no trailing newline.
pub(crate) fn challenge_message(f: &SiweFields<'_>) -> String {
    [
        format!(
            "{} wants you to sign in with your Ethereum account:",
            f.domain
        ),
        f.address.to_string(),
        String::new(),
        "OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using \
         OffBlocks, you agree to our Terms of services and Privacy Policy"
            .to_string(),
        String::new(),
        format!("URI: {}://{}", f.scheme, f.domain),
        "Version: 1".to_string(),
        format!("Chain ID: {}", f.chain_id),
        format!("Nonce: {}", f.nonce),
        format!("Issued At: {}", rfc3339_secs(f.issued_at)),
        format!("Expiration Time: {}", rfc3339_secs(f.expires_at)),
    ]
    .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    /// The seed page's challenge, decoded: our layout must match it line for line (the
    /// seed has no Expiration Time line; ours adds it last).
    #[test]
    fn matches_the_seed_layout() {
        let seed = "YXBpLnNhbmRib3gub2ZmYmxvY2tzLnh5eiB3YW50cyB5b3UgdG8gc2lnbiBpbiB3aXRoIHlvdXIgRXRoZXJldW0gYWNjb3VudDoKMHg0MzE1OGY0NWI1RWJEN2IxMTc5MTMwMTMwREYwMDM5MzkyOEMyNjkxCgpPZmZCbG9ja3Mgd2FudHMgdG8gdmVyaWZ5IG93bmVyc2hpcCBvZiB5b3VyIHdhbGxldC4gQnkgY29ubmVjdGluZyB5b3VyIHdhbGxldCBhbmQgdXNpbmcgT2ZmQmxvY2tzLCB5b3UgYWdyZWUgdG8gb3VyIFRlcm1zIG9mIHNlcnZpY2VzIGFuZCBQcml2YWN5IFBvbGljeQoKVVJJOiBodHRwczovL2FwaS5zYW5kYm94Lm9mZmJsb2Nrcy54eXoKVmVyc2lvbjogMQpDaGFpbiBJRDogMjgwCk5vbmNlOiA1dWZvaUVxRGFGdm1mbzc4Cklzc3VlZCBBdDogMjAyNC0wMS0xN1QxODoyMTo1M1o=";
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(seed)
            .unwrap();
        let seed_text = String::from_utf8(decoded).unwrap();
        // 2024-01-17T18:21:53Z
        let issued_at = 1_705_515_713;
        let ours = challenge_message(&SiweFields {
            domain: "api.sandbox.offblocks.xyz",
            scheme: "https",
            address: "0x43158f45b5EbD7b1179130130DF00393928C2691",
            chain_id: "280",
            nonce: "5ufoiEqDaFvmfo78",
            issued_at,
            expires_at: issued_at + 3600,
        });
        assert_eq!(
            ours,
            format!("{seed_text}\nExpiration Time: 2024-01-17T19:21:53Z")
        );
    }
}
