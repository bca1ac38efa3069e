//! `/auth/*`: bearer tokens, request-signing keys, credentials.

use super::{body, ApiError, Ctx};
use crate::server::{Request, Response};
use crate::shared::{lock, Shared};
use crate::store::{Credentials, TokenInfo};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use p384::pkcs8::DecodePublicKey as _;
use serde_json::json;

/// `POST /auth/token`: credentials for a bearer token. The token looks like a JWT but is
/// opaque and unsigned: only this server's memory gives it meaning.
pub(crate) fn token(shared: &Shared, req: &Request) -> Result<Response, ApiError> {
    let obj = body::object(req)?;
    let api_key = body::string(&obj, "apiKey")?;
    let api_secret = body::string(&obj, "apiSecret")?;
    let now = shared.clock.now_secs();
    let lifetime = i64::try_from(shared.config.token_lifetime.as_secs()).unwrap_or(i64::MAX);
    let expires_at = now.saturating_add(lifetime);
    let mut state = lock(&shared.state);
    let valid = state
        .credentials
        .as_ref()
        .is_some_and(|c| c.api_key == api_key && c.api_secret == api_secret);
    if !valid {
        return Err(ApiError::unauthorized(
            "invalid_credentials",
            "unknown API key or wrong API secret",
        ));
    }
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims =
        json!({"sub": api_key, "iat": now, "exp": expires_at, "jti": crate::random::uuid()});
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let nonce = URL_SAFE_NO_PAD.encode(crate::random::bytes::<32>());
    let token = format!("{header}.{payload}.{nonce}");
    state.prune_tokens(now);
    state.tokens.insert(
        token.clone(),
        TokenInfo {
            api_key: api_key.to_string(),
            expires_at,
        },
    );
    Ok(Response::json(
        200,
        &json!({"token": token, "expiresAt": expires_at, "tokenType": "Bearer"}),
    ))
}

/// `PUT /auth/signing` `{"publicKey": base64(PEM)}`: registers a P-384 SPKI public key.
/// Not signed (the key is not known yet).
pub(crate) fn register_key(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let obj = body::object(ctx.req)?;
    let encoded = body::string(&obj, "publicKey")?;
    let invalid = |why: &str| ApiError::bad_request("invalid_public_key", why);
    let pem_bytes = STANDARD
        .decode(encoded.trim())
        .map_err(|_| invalid("publicKey must be the base64 encoding of the PEM text"))?;
    let pem =
        String::from_utf8(pem_bytes).map_err(|_| invalid("publicKey must decode to PEM text"))?;
    if pem.contains("PRIVATE KEY") {
        return Err(ApiError::bad_request(
            "private_key_sent",
            "publicKey holds a PRIVATE key: send only the public key (BEGIN PUBLIC KEY)",
        ));
    }
    if !pem.contains("-----BEGIN PUBLIC KEY-----") {
        return Err(invalid(
            "publicKey must be a PEM with BEGIN PUBLIC KEY (SPKI)",
        ));
    }
    let key = p384::PublicKey::from_public_key_pem(pem.trim())
        .map_err(|_| invalid("publicKey is not a P-384 (secp384r1) SPKI public key"))?;
    let key_id = lock(&ctx.shared.state).register_key(key.into());
    Ok(Response::json(200, &json!({"keyId": key_id})))
}

/// `DELETE /auth/signing`: removes the key that signed this request.
pub(crate) fn delete_key(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    if let Some(key_id) = &ctx.key_id {
        state.signing_keys.retain(|k| &k.id != key_id);
    }
    Ok(Response::empty(204))
}

/// `PUT /auth/credentials` `{"apiKey","apiSecret"}`: replaces the credentials and
/// invalidates every token.
pub(crate) fn replace_credentials(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let obj = body::object(ctx.req)?;
    let api_key = body::string(&obj, "apiKey")?.to_string();
    let api_secret = body::string(&obj, "apiSecret")?.to_string();
    let mut state = lock(&ctx.shared.state);
    state.credentials = Some(Credentials {
        api_key,
        api_secret,
    });
    state.tokens.clear();
    Ok(Response::empty(204))
}

/// `DELETE /auth/credentials`: revokes access (credentials gone, tokens invalid).
pub(crate) fn revoke_credentials(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    state.credentials = None;
    state.tokens.clear();
    Ok(Response::empty(204))
}
