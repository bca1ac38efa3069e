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
