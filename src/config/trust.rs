//! Which roots a `https://` connection's certificate chain must lead to.

use serde::{Deserialize, Serialize};

/// Where the trust anchors for the server's certificate come from. Extra anchors from
/// [`crate::Config::ca_pem`] and [`crate::Config::ca_file`] are added to either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RootStore {
    /// Mozilla's root program, bundled in the library (the `webpki-roots` set): the same
    /// on every machine, blind to roots a machine's administrator added. JSON `"webpki"`.
    #[default]
    Webpki,
    /// The operating system's verifier and trust store (`rustls-platform-verifier`:
    /// Linux, macOS, Windows, Android, iOS): roots an administrator or MDM profile added
    /// are trusted, and revocation is checked where the platform does. Needs the library
    /// built with the `platform-verifier` feature. JSON `"platform"`.
    Platform,
}
