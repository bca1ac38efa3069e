//! CAIP-2 chain ids and CAIP-10 account ids (`namespace:reference:address`).

use super::eip55::parse_address;

/// A CAIP-10 account id in the `eip155` namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Eip155Account {
    /// The decimal chain id (CAIP-2 reference), e.g. `280`.
    pub(crate) chain_ref: String,
    /// The 20-byte address.
    pub(crate) address: [u8; 20],
}

fn all(text: &str, allowed: impl Fn(u8) -> bool) -> bool {
    text.bytes().all(allowed)
}

/// Checks the generic CAIP-10 grammar and splits it into its three parts.
fn split_account_id(text: &str) -> Result<(&str, &str, &str), String> {
    let mut parts = text.splitn(3, ':');
    let (Some(namespace), Some(reference), Some(address)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err("a CAIP-10 account id has the form namespace:reference:address".into());
    };
    if !(3..=8).contains(&namespace.len())
        || !all(namespace, |b| {
            b == b'-' || b.is_ascii_lowercase() || b.is_ascii_digit()
        })
    {
        return Err(format!(
            "CAIP-2 namespace \"{namespace}\" must match [-a-z0-9]{{3,8}}"
        ));
    }
    if !(1..=32).contains(&reference.len())
        || !all(reference, |b| {
            b == b'-' || b == b'_' || b.is_ascii_alphanumeric()
        })
    {
        return Err(format!(
            "CAIP-2 reference \"{reference}\" must match [-_a-zA-Z0-9]{{1,32}}"
        ));
    }
    if !(1..=128).contains(&address.len())
        || !all(address, |b| {
            b"-.%".contains(&b) || b.is_ascii_alphanumeric()
        })
    {
        return Err("CAIP-10 address must match [-.%a-zA-Z0-9]{1,128}".into());
    }
    Ok((namespace, reference, address))
}

/// Parses a CAIP-10 account id that must be in the `eip155` namespace, with a decimal
/// chain id and a 20-byte hex address (EIP-55 checksum enforced on mixed case).
pub(crate) fn parse_eip155_account(text: &str) -> Result<Eip155Account, String> {
    let (namespace, reference, address) = split_account_id(text)?;
    if namespace != "eip155" {
        return Err(format!(
            "namespace \"{namespace}\" is not supported here, only eip155"
        ));
    }
    let decimal = reference.bytes().all(|b| b.is_ascii_digit());
    if !decimal || reference.starts_with('0') {
        return Err(format!(
            "eip155 reference \"{reference}\" must be a decimal chain id"
        ));
    }
    let address = parse_address(address)?;
    Ok(Eip155Account {
        chain_ref: reference.to_string(),
        address,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_docs_examples() {
        let account =
            parse_eip155_account("eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d").unwrap();
        assert_eq!(account.chain_ref, "280");
        let account =
            parse_eip155_account("eip155:1:0xab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdb").unwrap();
        assert_eq!(account.chain_ref, "1");
    }

    #[test]
    fn rejects_bad_ids() {
        let bad = [
            "eip155:280",
            "eip155:280:",
            "EIP155:280:0x22227a31dd842196a246d8f3b775998560eaa61d",
            "ei:280:0x22227a31dd842196a246d8f3b775998560eaa61d",
            "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv",
            "eip155:0x1:0x22227a31dd842196a246d8f3b775998560eaa61d",
            "eip155:012:0x22227a31dd842196a246d8f3b775998560eaa61d",
            "eip155:280:0x43158f45b5EbD7b1179130131DF00393928C2691",
            "eip155:280:0x22227a31dd842196a246d8f3b775998560eaa61",
            "eip155:123456789012345678901234567890123:0x22227a31dd842196a246d8f3b775998560eaa61d",
            "eip155:280:0x22227a31dd842196a246d8f3b775998560eaa61d:extra",
        ];
        for id in bad {
            assert!(parse_eip155_account(id).is_err(), "accepted {id}");
        }
    }
}
