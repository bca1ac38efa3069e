import COffBlocks
import Foundation

/// `/accounts` (`client.accounts`).
public struct Accounts: Sendable {
    let client: OffBlocksClient

    /// `POST /customers/{id}/accounts`: opens an account for an `active` customer; the
    /// result carries its challenge.
    public func create(customerId: String, type: AccountType = .cardAccount, currencies: [String] = ["EUR"],
                       idempotencyKey: String? = nil) throws -> Account {
        let id = try CString(customerId, "customer id")
        let b = try jsonBody(["type": type.rawValue, "currencies": currencies])
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
        let b = try jsonBody(["ownerId": ownerId, "challenge": challenge.base64, "signature": signature])
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); b.free(); k?.free() }
        try client.call { offblocks_accounts_submit_challenge($0, id.pointer, b.pointer, k?.pointer) }
    }

    /// Signs the account's challenge with `signer` and submits it. `ownerId` is the
    /// customer's CAIP-10 `chainId` (fetched when nil), whose address must be the signer's
    /// (else `.challengeRefused`). `chain` (CAIP-2, `eip155:300`), when given, refuses an
    /// owner on another chain (`.challengeRefused`, nothing signed): for an owner read
    /// from the server rather than known by the caller.
    public func signChallenge(_ account: Account, signer: any Signer, ownerId: String? = nil, chain: String? = nil,
                              idempotencyKey: String? = nil) throws {
        let owner = try CString(ownerId ?? Customers(client: client).get(account.customerId).chainId, "owner id")
        let onChain = try CString.optional(chain, "chain")
        let a = try CString(JSON.encode(account), "account")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { owner.free(); onChain?.free(); a.free(); k?.free() }
        try client.withSigner(signer) { h, s in
            try Native.check(offblocks_accounts_sign_challenge(h, a.pointer, owner.pointer, onChain?.pointer, s, k?.pointer))
        }
    }

    /// `PATCH /accounts/{id}/activate`.
    public func activate(_ accountId: String, idempotencyKey: String? = nil) throws {
        try patch(accountId, idempotencyKey, offblocks_accounts_activate)
    }

    /// `PATCH /accounts/{id}/deactivate`.
    public func deactivate(_ accountId: String, idempotencyKey: String? = nil) throws {
        try patch(accountId, idempotencyKey, offblocks_accounts_deactivate)
    }

    /// `DELETE /accounts/{id}`: closes the account (final).
    public func close(_ accountId: String, idempotencyKey: String? = nil) throws {
        try patch(accountId, idempotencyKey, offblocks_accounts_close)
    }

    private func patch(_ accountId: String, _ idempotencyKey: String?,
                       _ fn: (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> offblocks_result) throws {
        let id = try CString(accountId, "account id")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); k?.free() }
        try client.call { fn($0, id.pointer, k?.pointer) }
    }
}
