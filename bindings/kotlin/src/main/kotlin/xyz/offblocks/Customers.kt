package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.offblocks_customers_challenge
import xyz.offblocks.internal.offblocks_customers_create
import xyz.offblocks.internal.offblocks_customers_deactivate
import xyz.offblocks.internal.offblocks_customers_get
import xyz.offblocks.internal.offblocks_customers_list
import xyz.offblocks.internal.offblocks_customers_sign_challenge
import xyz.offblocks.internal.offblocks_customers_submit_challenge

/** `/customers` (`client.customers`). */
class Customers internal constructor(private val client: OffblocksClient) {
    /** `POST /customers`: a customer whose wallet is [chainId] (CAIP-10, see
     * [Wallet.accountId]); the result carries its first challenge.
     * @throws OffblocksException.Conflict when it exists already. */
    @JvmOverloads
    fun create(chainId: String, externalId: String, idempotencyKey: String? = null): Customer {
        val body = jsonArg(mapOf("chainId" to chainId, "externalId" to externalId))
        val k = idempotencyKeyArg(idempotencyKey)
        return Customer.from(JsonObject.parse(client.string { h, out -> offblocks_customers_create(h, body, k, out) }, "customer"))
    }

    /** `GET /customers/{id}`. @throws OffblocksException.NotFound when unknown. */
    fun get(customerId: String): Customer {
        val id = Ffi.cString(customerId, "customer id")
        return Customer.from(JsonObject.parse(client.string { h, out -> offblocks_customers_get(h, id, out) }, "customer"))
    }

    /** `GET /customers`. */
    fun list(): List<Customer> =
        JsonObject.parseList(client.string { h, out -> offblocks_customers_list(h, out) }, "customers").map(Customer::from)

    /** `GET /customers/{id}/challenge`: the customer's current challenge. */
    fun challenge(customerId: String): Challenge {
        val id = Ffi.cString(customerId, "customer id")
        return Challenge(client.string { h, out -> offblocks_customers_challenge(h, id, out) })
    }

    /** `POST /customers/{id}/challenge/sign` with a signature made elsewhere: [ownerId] is
     * the CAIP-10 id, [signature] base64 of the `0x…` hex ([SignatureEncoding.BASE64_HEX]).
     * @throws OffblocksException.Status (400) when the server rejects it (it then issues a
     * new challenge). */
    @JvmOverloads
    fun submitChallenge(customerId: String, ownerId: String, challenge: Challenge, signature: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(customerId, "customer id")
        val body = jsonArg(mapOf("ownerId" to ownerId, "challenge" to challenge.base64, "signature" to signature))
        val k = idempotencyKeyArg(idempotencyKey)
        client.call { offblocks_customers_submit_challenge(it, id, body, k) }
    }

    /**
     * Checks the customer's challenge, signs it with [signer] and submits it. Its
     * `challenge` is used when present, else the current one is fetched.
     *
     * [ownerId] (CAIP-10, `eip155:300:0x…`) and [chain] (CAIP-2, `eip155:300`) state what
     * this caller expects, so that the server's customer object does not decide alone who
     * signs: a customer whose `chainId` is another account or on another chain is refused
     * and nothing is signed. Null (the default) checks nothing more.
     *
     * @throws OffblocksException.ChallengeRefused (nothing signed) when the challenge names
     * another address, chain or domain, or is out of its validity window, or the customer
     * is not the [ownerId] / on the [chain] stated.
     * @throws OffblocksException.ChallengeRejected when the server refuses the signature.
     * @throws OffblocksException.Signer when the signer fails.
     */
    @JvmOverloads
    fun signChallenge(
        customer: Customer,
        signer: Signer,
        idempotencyKey: String? = null,
        ownerId: String? = null,
        chain: String? = null,
    ) {
        val c = jsonArg(customer.toJson())
        val k = idempotencyKeyArg(idempotencyKey)
        val owner = ownerId?.let { Ffi.cString(it, "owner id") }
        val onChain = chain?.let { Ffi.cString(it, "chain") }
        client.withSigner(signer) { h, s -> Ffi.check(offblocks_customers_sign_challenge(h, c, owner, onChain, s, k)) }
    }

    /** `PATCH /customers/{id}/deactivate`. */
    @JvmOverloads
    fun deactivate(customerId: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(customerId, "customer id")
        val k = idempotencyKeyArg(idempotencyKey)
        client.call { offblocks_customers_deactivate(it, id, k) }
    }
}
