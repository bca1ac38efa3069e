//! EIP-55 mixed-case checksum addresses.

use super::{hex, keccak256, unhex};

/// The EIP-55 form of an address: `0x` + hex, each letter uppercased when the matching
/// nibble of keccak256(lowercase hex) is 8 or more.
pub(crate) fn checksum_address(address: &[u8; 20]) -> String {
    let lower = hex(address);
    let hash = keccak256(lower.as_bytes());
    let mut out = String::from("0x");
    for (i, c) in lower.chars().enumerate() {
        let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
        out.push(if nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

/// Parses `0x` + 40 hex digits. All-lowercase and all-uppercase digits carry no checksum
/// and are accepted; mixed case must be the exact EIP-55 checksum.
pub(crate) fn parse_address(text: &str) -> Result<[u8; 20], String> {
    let digits = text
        .strip_prefix("0x")
        .ok_or("an EVM address starts with 0x")?;
    if digits.len() != 40 {
        return Err(format!(
            "an EVM address has 40 hex digits, got {}",
            digits.len()
        ));
    }
    let bytes = unhex(digits).ok_or("an EVM address is hexadecimal")?;
    let mut address = [0u8; 20];
    address.copy_from_slice(&bytes);
    let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        let expected = checksum_address(&address);
        if expected != text {
            return Err(format!(
                "mixed-case address fails the EIP-55 checksum (expected {expected})"
            ));
        }
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vectors of EIP-55 itself ("All caps", "All Lower", "Normal").
    const EIP55_VECTORS: [&str; 8] = [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    #[test]
    fn eip55_vectors_parse_and_round_trip() {
        for vector in EIP55_VECTORS {
            let address = parse_address(vector).unwrap();
            let canonical = checksum_address(&address);
            assert_eq!(canonical.to_lowercase(), vector.to_lowercase());
        }
        // The mixed-case ("Normal") vectors are their own checksum.
        for vector in &EIP55_VECTORS[4..] {
            assert_eq!(checksum_address(&parse_address(vector).unwrap()), *vector);
        }
    }

    #[test]
    fn rejects_bad_addresses() {
        // The contract's example ownerId: one digit changed, case kept, checksum broken.
        assert!(parse_address("0x43158f45b5EbD7b1179130131DF00393928C2691").is_err());
        assert!(parse_address("0x43158f45b5EbD7b1179130130DF00393928C2691").is_ok());
        assert!(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").is_err());
        assert!(parse_address("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").is_err());
        assert!(parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea").is_err());
        assert!(parse_address("0xZZaeb6053f3e94c9b9a09f33669435e7ef1beaed").is_err());
        assert!(parse_address("0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").is_err());
    }
}
