//! `/auth`: tokens, credentials and the request-signing key.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::Serialize;

use super::resource;
use crate::error::{Error, Result};
use crate::token::Token;
use crate::transport::{Authorization, Call};

resource! {
    /// Token, credentials and signing-key calls: `client.auth()`.
    Auth
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CredentialsBody<'a> {
    api_key: &'a str,
    api_secret: &'a str,
}

impl Auth<'_> {
    /// `POST /auth/token`: fetches a fresh token now and caches it for later calls.
    /// (Calls fetch and refresh tokens by themselves; this is for inspection.)
    ///
    /// # Errors
    /// [`crate::Error::Api`] with status 401 for wrong credentials.
    pub fn token(&self) -> Result<Token> {
        let session = self.scope.session;
        let token = session
            .tokens()
            .fetch_new(session.transport(), session.deadline())?;
        session.tokens().store(token.clone());
        Ok(token)
    }

    /// `PUT /auth/credentials`: replaces the API key and secret. Every token is
    /// invalidated; this client switches to the new credentials.
    ///
    /// # Errors
    /// API and transport errors; the client keeps its old credentials then.
    pub fn rotate_credentials(&self, api_key: &str, api_secret: &str) -> Result<()> {
        // Known before it is sent: an error that echoes it must not show it. The old
        // secret stays known too.
        self.scope.session.transport().redactor().add(api_secret);
        let body = CredentialsBody {
            api_key,
            api_secret,
        };
        let mut call = Call::new("PUT", "/auth/credentials".into())
            .idempotent(self.scope.idempotency_key.as_deref())?
            .json(&body)?;
        let result = self.scope.session.execute(&call);
        zeroize::Zeroize::zeroize(&mut call.body);
        result?;
        self.scope
            .session
            .tokens()
            .set_credentials(api_key, api_secret);
        Ok(())
    }

    /// `DELETE /auth/credentials`: revokes API access for these credentials.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn revoke_credentials(&self) -> Result<()> {
        self.scope
            .mutate::<()>("DELETE", "/auth/credentials".into(), None)?;
        self.scope.session.tokens().clear();
        Ok(())
    }

    /// `PUT /auth/signing`: registers the client's public key (the SPKI PEM, base64 of
    /// the whole text) and makes the returned key id the client's `keyid`.
    ///
    /// # Errors
    /// API and transport errors; [`crate::Error::Decode`] when the answer carries no
    /// `keyId` (or `id`).
    pub fn register_signing_key(&self) -> Result<String> {
        let session = self.scope.session;
        let pem = session.transport().signing_key().public_key_pem();
        let body = serde_json::json!({ "publicKey": B64.encode(pem) });
        let mut call = Call::new("PUT", "/auth/signing".into())
            .idempotent(self.scope.idempotency_key.as_deref())?
            .json(&body)?;
        call.authorization = Authorization::BearerSignedIfKeyed;
        let resp = session.execute(&call)?;
        let json: serde_json::Value = resp.decode()?;
        let key_id = ["keyId", "id", "keyid"]
            .iter()
            .find_map(|k| json.get(*k).and_then(|v| v.as_str()))
            .filter(|k| !k.is_empty())
            .ok_or_else(|| Error::decode("$.keyId", "missing key id"))?
            .to_owned();
        session.transport().set_key_id(Some(key_id.clone()));
        Ok(key_id)
    }

    /// `DELETE /auth/signing`: removes the registered key. Later calls need a new one.
    ///
    /// # Errors
    /// API and transport errors.
    pub fn delete_signing_key(&self) -> Result<()> {
        self.scope
            .mutate::<()>("DELETE", "/auth/signing".into(), None)?;
        self.scope.session.transport().set_key_id(None);
        Ok(())
    }
}
