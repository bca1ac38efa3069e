import COffBlocks
import Foundation

// The API's resources, handed out by OffBlocksClient (`client.customers.create(..)`).
// Every mutation takes an optional `idempotencyKey` (a UUID): give your own to resume
// safely after a crash; by default a fresh one is used, and reused on every retry.

private struct Body: Encodable {
    let fields: [String: AnyEncodable]
    func encode(to encoder: Encoder) throws { try fields.encode(to: encoder) }
}

private struct AnyEncodable: Encodable {
    let value: any Encodable
    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}

private func body(_ fields: [String: (any Encodable)?]) throws -> CString {
    try CString(JSON.encode(Body(fields: fields.compactMapValues { $0.map(AnyEncodable.init) })), "json")
}

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

/// `/customers` (`client.customers`).
public struct Customers: Sendable {
    let client: OffBlocksClient

    /// `POST /customers`: a customer whose wallet is `chainId` (CAIP-10, see
    /// `Wallet.accountId`); the result carries its first challenge. Throws `.conflict` when
    /// it exists already.
    public func create(chainId: String, externalId: String, idempotencyKey: String? = nil) throws -> Customer {
        let b = try body(["chainId": chainId, "externalId": externalId])
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { b.free(); k?.free() }
        return try JSON.decode(Customer.self, client.string { h, out in offblocks_customers_create(h, b.pointer, k?.pointer, out) }, "customer")
    }

    /// `GET /customers/{id}`. Throws `.notFound` when unknown.
    public func get(_ customerId: String) throws -> Customer {
        let id = try CString(customerId, "customer id")
        defer { id.free() }
        return try JSON.decode(Customer.self, client.string { h, out in offblocks_customers_get(h, id.pointer, out) }, "customer")
    }

    /// `GET /customers`.
    public func list() throws -> [Customer] {
        try JSON.decode([Customer].self, client.string { h, out in offblocks_customers_list(h, out) }, "customers")
    }

    /// `GET /customers/{id}/challenge`: the customer's current challenge.
    public func challenge(_ customerId: String) throws -> Challenge {
        let id = try CString(customerId, "customer id")
        defer { id.free() }
        return Challenge(base64: try client.string { h, out in offblocks_customers_challenge(h, id.pointer, out) })
    }

    /// `POST /customers/{id}/challenge/sign` with a signature made elsewhere: `ownerId` is
    /// the CAIP-10 id, `signature` base64 of the `0x…` hex (`SignatureEncoding.base64Hex`).
    /// Throws `.status` (400) when the server rejects it (it then issues a new challenge).
    public func submitChallenge(_ customerId: String, ownerId: String, challenge: Challenge, signature: String,
                                idempotencyKey: String? = nil) throws {
        let id = try CString(customerId, "customer id")
        let b = try body(["ownerId": ownerId, "challenge": challenge.base64, "signature": signature])
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); b.free(); k?.free() }
        try client.call { offblocks_customers_submit_challenge($0, id.pointer, b.pointer, k?.pointer) }
    }

    /// Checks the customer's challenge, signs it with `signer` and submits it (its
    /// `challenge` when present, else the current one, fetched).
    ///
    /// - Throws: `.challengeRefused` (nothing signed) when the challenge names another
    ///   address, chain or domain, or is out of its validity window; `.challengeRejected`
    ///   when the server refuses the signature; `.signer` when the signer fails.
    public func signChallenge(_ customer: Customer, signer: any Signer, idempotencyKey: String? = nil) throws {
        let c = try CString(JSON.encode(customer), "customer")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { c.free(); k?.free() }
        try client.withSigner(signer) { h, s in try Native.check(offblocks_customers_sign_challenge(h, c.pointer, s, k?.pointer)) }
    }

    /// `PATCH /customers/{id}/deactivate`.
    public func deactivate(_ customerId: String, idempotencyKey: String? = nil) throws {
        try action(customerId, idempotencyKey, offblocks_customers_deactivate)
    }

    func action(_ customerId: String, _ idempotencyKey: String?,
               _ fn: (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> offblocks_result) throws {
        let id = try CString(customerId, "customer id")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); k?.free() }
        try client.call { fn($0, id.pointer, k?.pointer) }
    }
}

/// Sandbox only: `/simulator` (`client.simulator`). A live environment answers 404.
public struct Simulator: Sendable {
    let client: OffBlocksClient

    /// `PATCH /simulator/customers/{id}/verify`: the customer becomes `active`.
    public func verifyCustomer(_ customerId: String, idempotencyKey: String? = nil) throws {
        try Customers(client: client).action(customerId, idempotencyKey, offblocks_simulator_verify_customer)
    }

    /// `PATCH /simulator/customers/{id}/reject`: the customer becomes `rejected`.
    public func rejectCustomer(_ customerId: String, idempotencyKey: String? = nil) throws {
        try Customers(client: client).action(customerId, idempotencyKey, offblocks_simulator_reject_customer)
    }
}

/// `/accounts` (`client.accounts`).
public struct Accounts: Sendable {
    let client: OffBlocksClient

    /// `POST /customers/{id}/accounts`: opens an account for an `active` customer; the
    /// result carries its challenge.
    public func create(customerId: String, type: AccountType = .cardAccount, currencies: [String] = ["EUR"],
                       idempotencyKey: String? = nil) throws -> Account {
        let id = try CString(customerId, "customer id")
        let b = try body(["type": type.rawValue, "currencies": currencies])
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); b.free(); k?.free() }
        return try JSON.decode(Account.self, client.string { h, out in offblocks_accounts_create(h, id.pointer, b.pointer, k?.pointer, out) }, "account")
    }

    /// `GET /accounts/{id}`. Throws `.notFound` when unknown.
    public func get(_ accountId: String) throws -> Account {
        let id = try CString(accountId, "account id")
        defer { id.free() }
        return try JSON.decode(Account.self, client.string { h, out in offblocks_accounts_get(h, id.pointer, out) }, "account")
    }

    /// `GET /accounts`: every account.
    public func list() throws -> [Account] {
        try JSON.decode([Account].self, client.string { h, out in offblocks_accounts_list(h, out) }, "accounts")
    }

    /// `GET /customers/{id}/accounts`.
    public func list(customerId: String) throws -> [Account] {
        let id = try CString(customerId, "customer id")
        defer { id.free() }
        return try JSON.decode([Account].self, client.string { h, out in offblocks_accounts_list_for_customer(h, id.pointer, out) }, "accounts")
    }

    /// `GET /accounts/{id}/challenge`: a new challenge (earlier ones stop working).
    public func challenge(_ accountId: String) throws -> Challenge {
        let id = try CString(accountId, "account id")
        defer { id.free() }
        return Challenge(base64: try client.string { h, out in offblocks_accounts_challenge(h, id.pointer, out) })
    }

    /// `POST /accounts/{id}/challenge/sign` with a signature made elsewhere (base64 of the
    /// raw 65 bytes, `SignatureEncoding.base64Raw`).
    public func submitChallenge(_ accountId: String, ownerId: String, challenge: Challenge, signature: String,
                                idempotencyKey: String? = nil) throws {
        let id = try CString(accountId, "account id")
        let b = try body(["ownerId": ownerId, "challenge": challenge.base64, "signature": signature])
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); b.free(); k?.free() }
        try client.call { offblocks_accounts_submit_challenge($0, id.pointer, b.pointer, k?.pointer) }
    }

    /// Signs the account's challenge with `signer` and submits it. `ownerId` is the
    /// customer's CAIP-10 `chainId` (fetched when nil), whose address must be the signer's
    /// (else `.challengeRefused`).
    public func signChallenge(_ account: Account, signer: any Signer, ownerId: String? = nil,
                              idempotencyKey: String? = nil) throws {
        let owner = try CString(ownerId ?? Customers(client: client).get(account.customerId).chainId, "owner id")
        let a = try CString(JSON.encode(account), "account")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { owner.free(); a.free(); k?.free() }
        try client.withSigner(signer) { h, s in
            try Native.check(offblocks_accounts_sign_challenge(h, a.pointer, owner.pointer, s, k?.pointer))
        }
    }

    /// `PATCH /accounts/{id}/activate`.
    public func activate(_ accountId: String, idempotencyKey: String? = nil) throws {
        try action(accountId, idempotencyKey, offblocks_accounts_activate)
    }

    /// `PATCH /accounts/{id}/deactivate`.
    public func deactivate(_ accountId: String, idempotencyKey: String? = nil) throws {
        try action(accountId, idempotencyKey, offblocks_accounts_deactivate)
    }

    /// `DELETE /accounts/{id}`: closes the account (final).
    public func close(_ accountId: String, idempotencyKey: String? = nil) throws {
        try action(accountId, idempotencyKey, offblocks_accounts_close)
    }

    private func action(_ accountId: String, _ idempotencyKey: String?,
                       _ fn: (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> offblocks_result) throws {
        let id = try CString(accountId, "account id")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); k?.free() }
        try client.call { fn($0, id.pointer, k?.pointer) }
    }
}

/// `/webhooks` (`client.webhooks`).
public struct Webhooks: Sendable {
    let client: OffBlocksClient

    /// `PUT /webhooks`: creates a subscription, or replaces the one with `id`.
    public func put(callbackUrl: String, types: [WebhookType] = [.customerUpdated, .accountUpdated], id: String? = nil,
                    idempotencyKey: String? = nil) throws -> Webhook {
        let b = try body(["id": id, "callbackUrl": callbackUrl, "types": types.map(\.rawValue)])
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { b.free(); k?.free() }
        return try JSON.decode(Webhook.self, client.string { h, out in offblocks_webhooks_put(h, b.pointer, k?.pointer, out) }, "webhook")
    }

    /// `GET /webhooks/{id}`.
    public func get(_ webhookId: String) throws -> Webhook {
        let id = try CString(webhookId, "webhook id")
        defer { id.free() }
        return try JSON.decode(Webhook.self, client.string { h, out in offblocks_webhooks_get(h, id.pointer, out) }, "webhook")
    }

    /// `GET /webhooks`.
    public func list() throws -> [Webhook] {
        try JSON.decode([Webhook].self, client.string { h, out in offblocks_webhooks_list(h, out) }, "webhooks")
    }

    /// `DELETE /webhooks/{id}`.
    public func delete(_ webhookId: String, idempotencyKey: String? = nil) throws {
        let id = try CString(webhookId, "webhook id")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); k?.free() }
        try client.call { offblocks_webhooks_delete($0, id.pointer, k?.pointer) }
    }

    /// Same as `OffBlocks.parseWebhookEvent`.
    public func parseEvent(_ body: String) throws -> WebhookEvent { try OffBlocks.parseWebhookEvent(body) }
}
