//! How settings read and write in the JSON configuration (the C ABI's, which the other
//! languages use): durations as whole milliseconds or seconds, names as text.
//!
//! A value that parses as JSON but names no setting (`"digest": "md5"`) is an error whose
//! text starts with [`INVALID_SETTING`], so that the C ABI reports it as a configuration
//! error rather than as malformed JSON.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::httpsig::{CoveredComponents, DigestAlgorithms};
use crate::wallet::AccountChallengePolicy;

/// How an error about a setting's value begins.
pub(crate) const INVALID_SETTING: &str = "invalid setting: ";

/// A deserialization error saying which setting is wrong and why.
pub(crate) fn invalid<E: serde::de::Error>(why: impl std::fmt::Display) -> E {
    E::custom(format_args!("{INVALID_SETTING}{why}"))
}

type Res<T, E> = std::result::Result<T, E>;

/// A [`Duration`] as whole milliseconds.
pub(crate) mod millis {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Res<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Res<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// A [`Duration`] as whole seconds.
pub(crate) mod secs {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Res<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Res<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}

/// An optional [`Duration`] as whole seconds (`null` for none).
pub(crate) mod opt_secs {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Res<S::Ok, S::Error> {
        d.map(|d| d.as_secs()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Res<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_secs))
    }
}

/// [`CoveredComponents`] as the list of their identifiers (`["@method", …]`).
pub(crate) mod components {
    use super::*;

    pub fn serialize<S: Serializer>(c: &CoveredComponents, s: S) -> Res<S::Ok, S::Error> {
        c.components()
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Res<CoveredComponents, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        CoveredComponents::from_names(&names)
            .map_err(|e| invalid(format!("coveredComponents: {e}")))
    }
}

/// [`DigestAlgorithms`] as `"sha-256"`, `"sha-512"` or `"both"`.
pub(crate) mod digest {
    use super::*;

    pub fn serialize<S: Serializer>(a: &DigestAlgorithms, s: S) -> Res<S::Ok, S::Error> {
        s.serialize_str(match a {
            DigestAlgorithms::Sha256 => "sha-256",
            DigestAlgorithms::Sha512 => "sha-512",
            DigestAlgorithms::Both => "both",
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Res<DigestAlgorithms, D::Error> {
        match String::deserialize(d)?.as_str() {
            "sha-256" => Ok(DigestAlgorithms::Sha256),
            "sha-512" => Ok(DigestAlgorithms::Sha512),
            "both" => Ok(DigestAlgorithms::Both),
            _ => Err(invalid(
                "digest must be \"sha-256\", \"sha-512\" or \"both\"",
            )),
        }
    }
}

/// [`AccountChallengePolicy`] as `"recognized"` or `"any"`.
pub(crate) mod policy {
    use super::*;

    pub fn serialize<S: Serializer>(p: &AccountChallengePolicy, s: S) -> Res<S::Ok, S::Error> {
        s.serialize_str(p.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Res<AccountChallengePolicy, D::Error> {
        let name = String::deserialize(d)?;
        AccountChallengePolicy::from_name(&name)
            .ok_or_else(|| invalid("accountChallengePolicy must be \"recognized\" or \"any\""))
    }
}
