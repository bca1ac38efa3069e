import COffBlocks
import Foundation

/// `/customers` (`client.customers`).
public struct Customers: Sendable {
    let client: OffBlocksClient

    /// `POST /customers`: a customer whose wallet is `chainId` (CAIP-10, see
    /// `Wallet.accountId`); the result carries its first challenge. Throws `.conflict` when
    /// it exists already.
    public func create(chainId: String, externalId: String, idempotencyKey: String? = nil) throws -> Customer {
        let b = try jsonBody(["chainId": chainId, "externalId": externalId])
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
        let b = try jsonBody(["ownerId": ownerId, "challenge": challenge.base64, "signature": signature])
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); b.free(); k?.free() }
        try client.call { offblocks_customers_submit_challenge($0, id.pointer, b.pointer, k?.pointer) }
    }

    /// Checks the customer's challenge, signs it with `signer` and submits it (its
    /// `challenge` when present, else the current one, fetched).
    ///
    /// What the caller expects of the customer, so that the server's `customer` does not
    /// decide alone who signs: `ownerId`, a CAIP-10 id (`eip155:300:0x…`), and `chain`, a
    /// CAIP-2 id (`eip155:300`); nil is not checked. The customer's `chainId` must be
    /// `ownerId` and on `chain`; its address must be the signer's in any case, so `chain`
    /// with the signer states the whole owner.
    ///
    /// - Throws: `.challengeRefused` (nothing signed) when the customer is not the one
    ///   expected, or the challenge names another address, chain or domain, or is out of
    ///   its validity window; `.challengeRejected` when the server refuses the signature;
    ///   `.signer` when the signer fails.
    public func signChallenge(_ customer: Customer, signer: any Signer, ownerId: String? = nil, chain: String? = nil,
                              idempotencyKey: String? = nil) throws {
        let c = try CString(JSON.encode(customer), "customer")
        let owner = try CString.optional(ownerId, "owner id"), onChain = try CString.optional(chain, "chain")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { c.free(); owner?.free(); onChain?.free(); k?.free() }
        try client.withSigner(signer) { h, s in
            try Native.check(offblocks_customers_sign_challenge(h, c.pointer, owner?.pointer, onChain?.pointer, s, k?.pointer))
        }
    }

    /// `PATCH /customers/{id}/deactivate`.
    public func deactivate(_ customerId: String, idempotencyKey: String? = nil) throws {
        try patch(customerId, idempotencyKey, offblocks_customers_deactivate)
    }

    func patch(_ customerId: String, _ idempotencyKey: String?,
               _ fn: (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> offblocks_result) throws {
        let id = try CString(customerId, "customer id")
        let k = try CString.optional(idempotencyKey, "idempotency key")
        defer { id.free(); k?.free() }
        try client.call { fn($0, id.pointer, k?.pointer) }
    }
}
