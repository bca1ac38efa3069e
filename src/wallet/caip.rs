//! Blockchain identifiers: CAIP-2 chain ids (`eip155:280`) and CAIP-10 account ids
//! (`eip155:280:0x2222…`), the forms OffBlocks uses for `chainId` and `ownerId`.

use std::fmt;
use std::str::FromStr;

use crate::wallet::Address;
use crate::{Error, Result};

/// The namespace of EVM chains, whose references are EIP-155 chain numbers.
const EIP155: &str = "eip155";

/// A CAIP-2 blockchain id, `namespace:reference` (`eip155:1`, `cosmos:cosmoshub-3`).
///
/// The namespace is 3–8 of `[-a-z0-9]` and the reference 1–32 of `[-_a-zA-Z0-9]`. For
/// the `eip155` namespace the reference must also be a chain number: decimal digits
/// without leading zeros that fit in a `u64`, so that one chain has one spelling.
/// Serializes as the string.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChainId {
    namespace: String,
    reference: String,
}

impl ChainId {
    /// The chain id made of a namespace and a reference.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when either part breaks the CAIP-2 grammar, or the
    /// namespace is `eip155` and the reference is not a chain number.
    pub fn new(namespace: &str, reference: &str) -> Result<ChainId> {
        check_namespace(namespace)?;
        check_reference(reference)?;
        if namespace == EIP155 && eip155_number(reference).is_none() {
            return Err(invalid("eip155 reference must be a decimal chain number"));
        }
        Ok(ChainId {
            namespace: namespace.to_owned(),
            reference: reference.to_owned(),
        })
    }

    /// The EVM chain with this EIP-155 number (`ChainId::eip155(280)` is `eip155:280`).
    pub fn eip155(chain: u64) -> ChainId {
        ChainId {
            namespace: EIP155.to_owned(),
            reference: chain.to_string(),
        }
    }

    /// Parses `namespace:reference`. Same as [`str::parse`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the text is not a valid CAIP-2 id (see [`ChainId`]).
    pub fn parse(text: &str) -> Result<ChainId> {
        match text.split_once(':') {
            Some((ns, reference)) if !reference.contains(':') => ChainId::new(ns, reference),
            Some(_) => Err(invalid("chain id has more than one ':'")),
            None => Err(invalid("chain id must be namespace:reference")),
        }
    }

    /// The namespace (`eip155`, `solana`, `cosmos`…).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The reference within the namespace (`280` for `eip155:280`).
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// The EIP-155 chain number, when this is an `eip155` chain.
    pub fn eip155_number(&self) -> Option<u64> {
        if self.namespace == EIP155 {
            eip155_number(&self.reference)
        } else {
            None
        }
    }
}

/// A CAIP-10 account id, `namespace:reference:address`
/// (`eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d`).
///
/// The address is 1–128 of `[-.%a-zA-Z0-9]`. On `eip155` chains it must be `0x` and
/// 40 hex digits, and mixed case must pass the EIP-55 checksum. The address text is
/// kept exactly as given, so an id prints back the way it was read. Serializes as the
/// string.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId {
    chain: ChainId,
    address: String,
}

impl AccountId {
    /// The account `address` on `chain`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the address breaks the CAIP-10 grammar or, on an
    /// `eip155` chain, is not an EVM address with a valid checksum.
    pub fn new(chain: ChainId, address: &str) -> Result<AccountId> {
        let ok_len = (1..=128).contains(&address.len());
        let ok_chars = address
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'%'));
        if !(ok_len && ok_chars) {
            return Err(invalid("account address must be 1-128 of [-.%a-zA-Z0-9]"));
        }
        if chain.namespace == EIP155 {
            Address::parse_checked(address)
                .map_err(|p| invalid(&format!("eip155 account address: {}", p.reason())))?;
        }
        Ok(AccountId {
            chain,
            address: address.to_owned(),
        })
    }

    /// The id of an EVM account, its address written with the EIP-55 checksum.
    pub fn from_evm(chain: ChainId, address: &Address) -> AccountId {
        AccountId {
            chain,
            address: address.to_checksum(),
        }
    }

    /// Parses `namespace:reference:address`. Same as [`str::parse`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the text is not a valid CAIP-10 id (see
    /// [`AccountId`]).
    pub fn parse(text: &str) -> Result<AccountId> {
        let mut parts = text.split(':');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(ns), Some(reference), Some(address), None) => {
                AccountId::new(ChainId::new(ns, reference)?, address)
            }
            (_, _, _, Some(_)) => Err(invalid("account id has more than two ':'")),
            _ => Err(invalid("account id must be namespace:reference:address")),
        }
    }

    /// The chain the account lives on.
    pub fn chain_id(&self) -> &ChainId {
        &self.chain
    }

    /// The account address, exactly as given.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The EVM address, when this is an account on an `eip155` chain.
    pub fn evm_address(&self) -> Option<Address> {
        if self.chain.namespace == EIP155 {
            Address::parse_checked(&self.address).ok()
        } else {
            None
        }
    }
}

fn invalid(reason: &str) -> Error {
    Error::InvalidInput(reason.to_owned())
}

fn check_namespace(ns: &str) -> Result<()> {
    let ok_chars = ns
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if (3..=8).contains(&ns.len()) && ok_chars {
        Ok(())
    } else {
        Err(invalid("chain namespace must be 3-8 of [-a-z0-9]"))
    }
}

fn check_reference(reference: &str) -> Result<()> {
    let ok_chars = reference
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    if (1..=32).contains(&reference.len()) && ok_chars {
        Ok(())
    } else {
        Err(invalid("chain reference must be 1-32 of [-_a-zA-Z0-9]"))
    }
}

/// The chain number of an `eip155` reference: digits, no leading zero, fits a `u64`.
fn eip155_number(reference: &str) -> Option<u64> {
    let canonical = reference.bytes().all(|c| c.is_ascii_digit())
        && !(reference.len() > 1 && reference.starts_with('0'));
    canonical.then(|| reference.parse().ok()).flatten()
}

impl fmt::Display for ChainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.namespace, self.reference)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.chain, self.address)
    }
}

impl fmt::Debug for ChainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainId({self})")
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({self})")
    }
}

impl FromStr for ChainId {
    type Err = Error;

    fn from_str(s: &str) -> Result<ChainId> {
        ChainId::parse(s)
    }
}

impl FromStr for AccountId {
    type Err = Error;

    fn from_str(s: &str) -> Result<AccountId> {
        AccountId::parse(s)
    }
}

impl TryFrom<String> for ChainId {
    type Error = Error;

    fn try_from(s: String) -> Result<ChainId> {
        ChainId::parse(&s)
    }
}

impl TryFrom<String> for AccountId {
    type Error = Error;

    fn try_from(s: String) -> Result<AccountId> {
        AccountId::parse(&s)
    }
}

impl From<ChainId> for String {
    fn from(c: ChainId) -> String {
        c.to_string()
    }
}

impl From<AccountId> for String {
    fn from(a: AccountId) -> String {
        a.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caip2_examples() {
        // CAIP-2 "Test Cases", and the chains of the OffBlocks contract §7.
        for text in [
            "eip155:1",
            "bip122:000000000019d6689c085ae165831e93",
            "bip122:12a765e31ffd4059bada1e25190f6e98",
            "bip122:fdbe99b90c90bae7505796461471d89a",
            "cosmos:cosmoshub-2",
            "cosmos:cosmoshub-3",
            "cosmos:Binance-Chain-Tigris",
            "cosmos:iov-mainnet",
            "starknet:SN_GOERLI",
            "lip9:9ee11e9df416b18b",
            "chainstd:8c3444cf8970a9e41a706fab93e7a6c4",
            "eip155:324",
            "eip155:300",
            "eip155:42161",
            "eip155:421614",
            "eip155:137",
            "eip155:80001",
            "eip155:280",
        ] {
            let id: ChainId = text.parse().unwrap();
            assert_eq!(id.to_string(), text);
        }
        assert_eq!(
            ChainId::parse("eip155:42161").unwrap().eip155_number(),
            Some(42161)
        );
        assert_eq!(
            ChainId::parse("cosmos:cosmoshub-3")
                .unwrap()
                .eip155_number(),
            None
        );
        for bad in [
            "EIP155:1",                                 // uppercase namespace
            "ei:1",                                     // namespace too short
            "eip155abc:1",                              // namespace too long
            "eip155:",                                  // empty reference
            ":1",                                       // empty namespace
            "eip155",                                   // no reference
            "cosmos:0123456789abcdef0123456789abcdef0", // reference of 33 characters
            "cosmos:hub.3",                             // '.' not allowed
            "eip155:1:2",                               // extra colon
            "eip155:mainnet",                           // eip155 reference not a number
            "",
        ] {
            assert!(ChainId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn caip10_examples() {
        // CAIP-10 "Test Cases", and the OffBlocks contract §7 / seed pages.
        for text in [
            "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",
            "bip122:000000000019d6689c085ae165831e93:128Lkh3S7CkDTBZ8W7BbpsN3YYizJMp8p6",
            "cosmos:cosmoshub-3:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0",
            "polkadot:b0a8d493285c2df73290dfb7e61f870f:5hmuyxw9xdgbpptgypokw4thfyoe3ryenebr381z9iaegmfy",
            "starknet:SN_GOERLI:0x02dd1b492765c064eac4039e3841aa5f382773b598097a40073bd8b48170ab57",
            "chainstd:8c3444cf8970a9e41a706fab93e7a6c4:6d9b0b4b9994e8a6afbd3dc3ed983cd51c755afb27cd1dc7825ef59c134a39f7",
            "hedera:mainnet:0.0.1234567890-zbhlt",
            "eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d",
        ] {
            let id: AccountId = text.parse().unwrap();
            assert_eq!(id.to_string(), text, "kept as given");
        }
        let evm = AccountId::parse("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb").unwrap();
        assert_eq!(
            evm.evm_address().unwrap().to_string(),
            "0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb"
        );
        assert_eq!(evm.chain_id(), &ChainId::eip155(1));
        let cosmos =
            AccountId::parse("cosmos:cosmoshub-3:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0")
                .unwrap();
        assert_eq!(cosmos.evm_address(), None);

        let long = format!("cosmos:cosmoshub-3:{}", "a".repeat(129));
        for bad in [
            "eip155:1",                                                  // no address
            "eip155:1:",                                                 // empty address
            "EIP155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",       // uppercase namespace
            "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb:extra", // extra colon
            "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcd",        // 39 hex digits
            "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdbb",      // 41 hex digits
            "eip155:1:ab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",         // no 0x
            "eip155:1:0xAb16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",       // bad checksum
            "eip155:one:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",     // non-numeric reference
            "cosmos:cosmoshub-3:cosmos1 t2uf",                           // space
            &long,                                                       // 129 characters
        ] {
            assert!(AccountId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn eip155_numbers() {
        assert_eq!(ChainId::eip155(280).to_string(), "eip155:280");
        assert_eq!(ChainId::eip155(280).eip155_number(), Some(280));
        assert_eq!(
            ChainId::parse("eip155:18446744073709551615")
                .unwrap()
                .eip155_number(),
            Some(u64::MAX)
        );
        for bad in [
            "eip155:18446744073709551616",
            "eip155:01",
            "eip155:0x1",
            "eip155:-1",
        ] {
            assert!(ChainId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ChainId::parse("solana:1").unwrap().eip155_number(), None);
    }

    #[test]
    fn parts_and_debug() {
        let id = AccountId::parse("eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d").unwrap();
        assert_eq!(id.chain_id().namespace(), "eip155");
        assert_eq!(id.chain_id().reference(), "280");
        assert_eq!(id.address(), "0x22227A31dd842196A246d8f3b775998560eAa61d");
        assert_eq!(
            format!("{id:?}"),
            "AccountId(eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d)"
        );
        let lower =
            AccountId::parse("eip155:1:0xab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdb").unwrap();
        assert_eq!(
            lower.address(),
            "0xab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdb"
        );
        assert_eq!(
            lower.evm_address().unwrap().to_string(),
            "0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb"
        );
        let evm = AccountId::from_evm(ChainId::eip155(1), &lower.evm_address().unwrap());
        assert_eq!(
            evm.to_string(),
            "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb"
        );
    }

    #[test]
    fn serde_validates() {
        let id: AccountId =
            serde_json::from_str("\"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb\"")
                .unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb\""
        );
        let chain: ChainId = serde_json::from_str("\"eip155:324\"").unwrap();
        assert_eq!(chain, ChainId::eip155(324));
        assert!(serde_json::from_str::<ChainId>("\"EIP155:1\"").is_err());
        assert!(serde_json::from_str::<AccountId>(
            "\"eip155:1:0xAB16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb\""
        )
        .is_err());
    }
}
