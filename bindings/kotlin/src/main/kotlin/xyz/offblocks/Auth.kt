package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.offblocks_auth_revoke_credentials
import xyz.offblocks.internal.offblocks_auth_rotate_credentials
import xyz.offblocks.internal.offblocks_auth_token
import xyz.offblocks.internal.offblocks_auth_delete_signing_key
import xyz.offblocks.internal.offblocks_auth_register_signing_key
import xyz.offblocks.internal.offblocks_auth_rotate_signing_key

/** `/auth`: tokens, credentials and the request-signing key (`client.auth`). */
class Auth internal constructor(private val client: OffblocksClient) {
    /** `POST /auth/token`: a fresh bearer token (calls fetch and refresh tokens by
     * themselves; this is for inspection). @throws OffblocksException.Authentication. */
    fun token(): Token = Token.from(JsonObject.parse(client.string { h, out -> offblocks_auth_token(h, out) }, "token"))

    /** `PUT /auth/signing`: registers the public half of the client's signing key and makes
     * the returned key id the one the client signs with. Returns the key id. */
    @JvmOverloads
    fun registerSigningKey(idempotencyKey: String? = null): String {
        val k = idempotencyKeyArg(idempotencyKey)
        return client.string { h, out -> offblocks_auth_register_signing_key(h, k, out) }
    }

    /**
     * Replaces the request-signing key with the P-384 private key [newKeyPem] (SEC1 or
     * PKCS#8 PEM, e.g. from [Offblocks.generateSigningKey]) without a failed request, and
     * returns the new key id (the client's from then on).
     *
     * Registers the new key (`PUT /auth/signing`, signed with the current key), signs every
     * later request with it, then deletes the old key (`DELETE /auth/signing`, signed with
     * the old key). Calls on other threads keep working: one signed with the old key and
     * refused after the switch is signed again, once, with the new key.
     *
     * @throws OffblocksException.Config when no key is registered yet. A failed
     * registration leaves the client as it was; after a failed deletion the client signs
     * with the new key already ([OffblocksClient.keyId]) and the old key stays registered.
     */
    @JvmOverloads
    fun rotateSigningKey(newKeyPem: String, idempotencyKey: String? = null): String {
        val pem = Ffi.cString(newKeyPem, "new key PEM")
        val k = idempotencyKeyArg(idempotencyKey)
        try {
            return client.string { h, out -> offblocks_auth_rotate_signing_key(h, pem, null, k, out) }
        } finally {
            pem.fill(0)
        }
    }

    /** As [rotateSigningKey], to a key held outside the process: [signer], whose public key
     * is [publicKeyPem] (SPKI PEM). */
    @JvmOverloads
    fun rotateSigningKey(publicKeyPem: String, signer: RequestSigner, idempotencyKey: String? = null): String {
        val k = idempotencyKeyArg(idempotencyKey)
        val native = NativeRequestSigner(publicKeyPem, signer)
        client.signers.add(native.callback)
        return native.use { s -> client.string { h, out -> offblocks_auth_rotate_signing_key(h, null, s, k, out) } }
    }

    /** `DELETE /auth/signing`: signed calls then fail with [OffblocksException.Config]
     * until a key is registered again. */
    @JvmOverloads
    fun deleteSigningKey(idempotencyKey: String? = null) {
        val k = idempotencyKeyArg(idempotencyKey)
        client.call { offblocks_auth_delete_signing_key(it, k) }
    }

    /** `PUT /auth/credentials`: replaces the API key and secret; the client switches to
     * them (and keeps the old ones on failure). */
    @JvmOverloads
    fun rotateCredentials(apiKey: String, apiSecret: String, idempotencyKey: String? = null) {
        val a = Ffi.cString(apiKey, "api key")
        val s = Ffi.cString(apiSecret, "api secret")
        val k = idempotencyKeyArg(idempotencyKey)
        try {
            client.call { offblocks_auth_rotate_credentials(it, a, s, k) }
        } finally {
            s.fill(0)
        }
    }

    /** `DELETE /auth/credentials`: revokes API access for the client's credentials. */
    @JvmOverloads
    fun revokeCredentials(idempotencyKey: String? = null) {
        val k = idempotencyKeyArg(idempotencyKey)
        client.call { offblocks_auth_revoke_credentials(it, k) }
    }
}
