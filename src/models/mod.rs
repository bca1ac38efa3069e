//! The JSON shapes of the OffBlocks API. Unknown fields are ignored; unknown enum values
//! are kept as `Unknown(..)` rather than failing; timestamps take 0 to 9 fractional digits.

mod account;
mod customer;
mod webhook;

pub use account::{Account, AccountStatus, AccountType, NewAccount};
pub use customer::{Customer, CustomerStatus, NewCustomer};
pub use webhook::{NewWebhook, Webhook, WebhookEvent, WebhookEventData, WebhookType};

use serde::{Deserialize, Serialize};

/// A challenge to sign, as `GET …/challenge` returns it: base64 text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// The challenge, base64 exactly as issued.
    pub challenge: String,
}

/// The body of `POST …/challenge/sign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeSignature {
    /// The signer's CAIP-10 account id.
    pub owner_id: String,
    /// The challenge, base64 exactly as issued.
    pub challenge: String,
    /// The signature, base64 (of `0x`-hex text for customers, raw 65 bytes for accounts).
    pub signature: String,
}

/// Declares a string enum whose unknown values are kept in `Unknown(String)`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)*,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this SDK version does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(s) => s,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $($text $(| $alias)* => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(s.parse().unwrap_or_else(|never| match never {}))
            }
        }
    };
}
pub(crate) use open_enum;
