//! `/auth`: tokens, credentials and the request-signing key.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::Serialize;

use super::resource;
use crate::error::{Error, Result};
use crate::httpsig::SigningKey;
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
        let transport = self.scope.session.transport();
        let key_id = self.register_public_key(&transport.signing_key().public_key_pem())?;
        transport.set_key_id(Some(key_id.clone()));
        Ok(key_id)
    }

    /// `PUT /auth/signing` of `pem`, signed with the current key when it has a key id;
    /// returns the new key id.
    fn register_public_key(&self, pem: &str) -> Result<String> {
        let body = serde_json::json!({ "publicKey": B64.encode(pem) });
        let mut call = Call::new("PUT", "/auth/signing".into())
            .idempotent(self.scope.idempotency_key.as_deref())?
            .json(&body)?;
        call.authorization = Authorization::BearerSignedIfKeyed;
        let resp = self.scope.session.execute(&call)?;
        let json: serde_json::Value = resp.decode()?;
        Ok(["keyId", "id", "keyid"]
            .iter()
            .find_map(|k| json.get(*k).and_then(|v| v.as_str()))
            .filter(|k| !k.is_empty())
            .ok_or_else(|| Error::decode("$.keyId", "missing key id"))?
            .to_owned())
    }

    /// Replaces the request-signing key without a failed request: registers `new_key`
    /// (`PUT /auth/signing`, signed with the current key), signs every request from then
    /// on with it, then deletes the old key (`DELETE /auth/signing`, signed with the old
    /// key). Returns the new key id, which is the client's from then on.
    ///
    /// Calls in progress on other threads keep working: one signed with the old key and
    /// refused (400 or 401) after the key changed is signed again, once, with the new
    /// key and the same Idempotency-Key. Rotations on one client run one at a time.
    /// `idempotency_key(..)` applies to the registration; the deletion gets its own.
    ///
    /// # Errors
    /// [`crate::Error::Config`] when the client has no key id yet (register first).
    /// A failed registration leaves the client as it was. A failed deletion is returned
    /// too, but the client then already signs with the new key (see
    /// [`crate::Client::key_id`]) and the old key stays registered.
    pub fn rotate_signing_key(&self, new_key: SigningKey) -> Result<String> {
        let transport = self.scope.session.transport();
        let _one_at_a_time = transport.rotation_lock();
        let old = transport.signing();
        if old.key_id.is_none() {
            return Err(Error::Config(
                "no signing key id to rotate from: register the key first".into(),
            ));
        }
        let new_id = self.register_public_key(&new_key.public_key_pem())?;
        transport.switch_signing(new_key, new_id.clone());
        let mut delete = Call::new("DELETE", "/auth/signing".into()).idempotent(None)?;
        delete.signed_as = Some(old);
        self.scope.session.execute(&delete)?;
        Ok(new_id)
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
