import COffBlocks
import Foundation

/// `/auth`: tokens, credentials and the request-signing key (`client.auth`).
public struct Auth: Sendable {
    let client: OffBlocksClient

    /// `POST /auth/token`: a fresh bearer token (calls fetch and refresh tokens by
    /// themselves; this is for inspection). Throws `.authentication` on wrong credentials.
    public func token() throws -> Token {
        try JSON.decode(Token.self, client.string { h, out in offblocks_auth_token(h, out) }, "token")
    }

    /// `PUT /auth/signing`: registers the public half of the client's signing key and makes
    /// the returned key id the one the client signs with. Returns the key id.
    @discardableResult
    public func registerSigningKey(idempotencyKey: String? = nil) throws -> String {
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { k?.free() }
        return try client.string { h, out in offblocks_auth_register_signing_key(h, k?.pointer, out) }
    }

    /// Replaces the request-signing key without a failed request: registers `newKeyPem`
    /// (a P-384 private key, SEC1 or PKCS#8 PEM, e.g. from `OffBlocks.generateSigningKey()`)
    /// signed with the current key, signs every later request with it, then deletes the old
    /// key. Calls on other threads keep working: one signed with the old key and refused
    /// after the switch is signed again, once, with the new key. Returns the new key id.
    ///
    /// - Throws: `.config` when the client has no key id yet (register first). A failed
    ///   registration leaves the client as it was; a failed deletion is thrown too, but the
    ///   client then signs with the new key already (`keyId()`) and the old key stays
    ///   registered.
    @discardableResult
    public func rotateSigningKey(newKeyPem: String, idempotencyKey: String? = nil) throws -> String {
        let pem = try CString(newKeyPem, "new key PEM")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { pem.free(); k?.free() }
        return try client.string { h, out in offblocks_auth_rotate_signing_key(h, pem.pointer, nil, k?.pointer, out) }
    }

    /// As `rotateSigningKey(newKeyPem:)`, to a key held outside the process: `signer`, whose
    /// public key is `publicKeyPem` (SPKI PEM). The client keeps `signer` from then on.
    @discardableResult
    public func rotateSigningKey(publicKeyPem: String, signer: any RequestSigner, idempotencyKey: String? = nil) throws -> String {
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { k?.free() }
        let native = try NativeRequestSigner(publicKeyPem: publicKeyPem, signer: signer)
        return try withExtendedLifetime(native) {
            try client.string { h, out in offblocks_auth_rotate_signing_key(h, nil, native.pointer, k?.pointer, out) }
        }
    }

    /// `DELETE /auth/signing`: signed calls then fail with `.config` until a key is
    /// registered again.
    public func deleteSigningKey(idempotencyKey: String? = nil) throws {
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { k?.free() }
        try client.call { offblocks_auth_delete_signing_key($0, k?.pointer) }
    }

    /// `PUT /auth/credentials`: replaces the API key and secret; the client switches to them
    /// (and keeps the old ones on failure).
    public func rotateCredentials(apiKey: String, apiSecret: String, idempotencyKey: String? = nil) throws {
        let a = try CString(apiKey, "api key"), s = try CString(apiSecret, "api secret")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { a.free(); s.free(); k?.free() }
        try client.call { offblocks_auth_rotate_credentials($0, a.pointer, s.pointer, k?.pointer) }
    }

    /// `DELETE /auth/credentials`: revokes API access for the client's credentials.
    public func revokeCredentials(idempotencyKey: String? = nil) throws {
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { k?.free() }
        try client.call { offblocks_auth_revoke_credentials($0, k?.pointer) }
    }
}
