package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.Json
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.offblocks_accounts_activate
import xyz.offblocks.internal.offblocks_accounts_challenge
import xyz.offblocks.internal.offblocks_accounts_close
import xyz.offblocks.internal.offblocks_accounts_create
import xyz.offblocks.internal.offblocks_accounts_deactivate
import xyz.offblocks.internal.offblocks_accounts_get
import xyz.offblocks.internal.offblocks_accounts_list
import xyz.offblocks.internal.offblocks_accounts_list_for_customer
import xyz.offblocks.internal.offblocks_accounts_sign_challenge
import xyz.offblocks.internal.offblocks_accounts_submit_challenge
import xyz.offblocks.internal.offblocks_auth_revoke_credentials
import xyz.offblocks.internal.offblocks_auth_rotate_credentials
import xyz.offblocks.internal.offblocks_auth_token
import xyz.offblocks.internal.offblocks_customers_challenge
import xyz.offblocks.internal.offblocks_customers_create
import xyz.offblocks.internal.offblocks_customers_deactivate
import xyz.offblocks.internal.offblocks_customers_get
import xyz.offblocks.internal.offblocks_customers_list
import xyz.offblocks.internal.offblocks_customers_sign_challenge
import xyz.offblocks.internal.offblocks_customers_submit_challenge
import xyz.offblocks.internal.offblocks_auth_delete_signing_key
import xyz.offblocks.internal.offblocks_auth_register_signing_key
import xyz.offblocks.internal.offblocks_simulator_reject_customer
import xyz.offblocks.internal.offblocks_simulator_verify_customer
import xyz.offblocks.internal.offblocks_webhooks_delete
import xyz.offblocks.internal.offblocks_webhooks_get
import xyz.offblocks.internal.offblocks_webhooks_list
import xyz.offblocks.internal.offblocks_webhooks_put

// The API's resources, handed out by OffblocksClient (`client.customers.create(..)`).
// Every mutation takes an optional `idempotencyKey` (a UUID): give your own to resume safely
// after a crash; by default a fresh one is used, and reused on every retry of the call.

private fun key(idempotencyKey: String?) = Ffi.optCString(idempotencyKey, "idempotency key")
private fun json(value: Any?) = Ffi.cString(Json.write(value), "json")

/** `/auth`: tokens, credentials and the request-signing key (`client.auth`). */
class Auth internal constructor(private val client: OffblocksClient) {
    /** `POST /auth/token`: a fresh bearer token (calls fetch and refresh tokens by
     * themselves; this is for inspection). @throws OffblocksException.Authentication. */
    fun token(): Token = Token.from(JsonObject.parse(client.string { h, out -> offblocks_auth_token(h, out) }, "token"))

    /** `PUT /auth/signing`: registers the public half of the client's signing key and makes
     * the returned key id the one the client signs with. Returns the key id. */
    @JvmOverloads
    fun registerSigningKey(idempotencyKey: String? = null): String {
        val k = key(idempotencyKey)
        return client.string { h, out -> offblocks_auth_register_signing_key(h, k, out) }
    }

    /** `DELETE /auth/signing`: signed calls then fail with [OffblocksException.Config]
     * until a key is registered again. */
    @JvmOverloads
    fun deleteSigningKey(idempotencyKey: String? = null) {
        val k = key(idempotencyKey)
        client.call { offblocks_auth_delete_signing_key(it, k) }
    }

    /** `PUT /auth/credentials`: replaces the API key and secret; the client switches to
     * them (and keeps the old ones on failure). */
    @JvmOverloads
    fun rotateCredentials(apiKey: String, apiSecret: String, idempotencyKey: String? = null) {
        val a = Ffi.cString(apiKey, "api key")
        val s = Ffi.cString(apiSecret, "api secret")
        val k = key(idempotencyKey)
        try {
            client.call { offblocks_auth_rotate_credentials(it, a, s, k) }
        } finally {
            s.fill(0)
        }
    }

    /** `DELETE /auth/credentials`: revokes API access for the client's credentials. */
    @JvmOverloads
    fun revokeCredentials(idempotencyKey: String? = null) {
        val k = key(idempotencyKey)
        client.call { offblocks_auth_revoke_credentials(it, k) }
    }
}

/** `/customers` (`client.customers`). */
class Customers internal constructor(private val client: OffblocksClient) {
    /** `POST /customers`: a customer whose wallet is [chainId] (CAIP-10, see
     * [Wallet.accountId]); the result carries its first challenge.
     * @throws OffblocksException.Conflict when it exists already. */
    @JvmOverloads
    fun create(chainId: String, externalId: String, idempotencyKey: String? = null): Customer {
        val body = json(mapOf("chainId" to chainId, "externalId" to externalId))
        val k = key(idempotencyKey)
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
        val body = json(mapOf("ownerId" to ownerId, "challenge" to challenge.base64, "signature" to signature))
        val k = key(idempotencyKey)
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
        val c = json(customer.toJson())
        val k = key(idempotencyKey)
        val owner = ownerId?.let { Ffi.cString(it, "owner id") }
        val onChain = chain?.let { Ffi.cString(it, "chain") }
        client.withSigner(signer) { h, s -> Ffi.check(offblocks_customers_sign_challenge(h, c, owner, onChain, s, k)) }
    }

    /** `PATCH /customers/{id}/deactivate`. */
    @JvmOverloads
    fun deactivate(customerId: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(customerId, "customer id")
        val k = key(idempotencyKey)
        client.call { offblocks_customers_deactivate(it, id, k) }
    }
}

/** Sandbox only: `/simulator` (`client.simulator`). A live environment answers 404. */
class Simulator internal constructor(private val client: OffblocksClient) {
    /** `PATCH /simulator/customers/{id}/verify`: the customer becomes `active`. */
    @JvmOverloads
    fun verifyCustomer(customerId: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(customerId, "customer id")
        val k = key(idempotencyKey)
        client.call { offblocks_simulator_verify_customer(it, id, k) }
    }

    /** `PATCH /simulator/customers/{id}/reject`: the customer becomes `rejected`. */
    @JvmOverloads
    fun rejectCustomer(customerId: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(customerId, "customer id")
        val k = key(idempotencyKey)
        client.call { offblocks_simulator_reject_customer(it, id, k) }
    }
}

/** `/accounts` (`client.accounts`). */
class Accounts internal constructor(private val client: OffblocksClient) {
    /** `POST /customers/{id}/accounts`: opens an account for an `active` customer; the
     * result carries its challenge. */
    @JvmOverloads
    fun create(
        customerId: String,
        type: AccountType = AccountType.CardAccount,
        currencies: List<String> = listOf("EUR"),
        idempotencyKey: String? = null,
    ): Account {
        val id = Ffi.cString(customerId, "customer id")
        val body = json(mapOf("type" to type.value, "currencies" to currencies))
        val k = key(idempotencyKey)
        return Account.from(JsonObject.parse(client.string { h, out -> offblocks_accounts_create(h, id, body, k, out) }, "account"))
    }

    /** `GET /accounts/{id}`. @throws OffblocksException.NotFound when unknown. */
    fun get(accountId: String): Account {
        val id = Ffi.cString(accountId, "account id")
        return Account.from(JsonObject.parse(client.string { h, out -> offblocks_accounts_get(h, id, out) }, "account"))
    }

    /** `GET /accounts`: every account. */
    fun list(): List<Account> =
        JsonObject.parseList(client.string { h, out -> offblocks_accounts_list(h, out) }, "accounts").map(Account::from)

    /** `GET /customers/{id}/accounts`. */
    fun listForCustomer(customerId: String): List<Account> {
        val id = Ffi.cString(customerId, "customer id")
        return JsonObject.parseList(client.string { h, out -> offblocks_accounts_list_for_customer(h, id, out) }, "accounts")
            .map(Account::from)
    }

    /** `GET /accounts/{id}/challenge`: a new challenge (earlier ones stop working). */
    fun challenge(accountId: String): Challenge {
        val id = Ffi.cString(accountId, "account id")
        return Challenge(client.string { h, out -> offblocks_accounts_challenge(h, id, out) })
    }

    /** `POST /accounts/{id}/challenge/sign` with a signature made elsewhere (base64 of the
     * raw 65 bytes, [SignatureEncoding.BASE64_RAW]). */
    @JvmOverloads
    fun submitChallenge(accountId: String, ownerId: String, challenge: Challenge, signature: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(accountId, "account id")
        val body = json(mapOf("ownerId" to ownerId, "challenge" to challenge.base64, "signature" to signature))
        val k = key(idempotencyKey)
        client.call { offblocks_accounts_submit_challenge(it, id, body, k) }
    }

    /** Signs the account's challenge with [signer] and submits it. [ownerId] is the
     * customer's CAIP-10 `chainId` (fetched from the server when null), whose address must
     * be the signer's (else [OffblocksException.ChallengeRefused]). [chain] (CAIP-2,
     * `eip155:300`) states the chain this caller expects the owner on: another is refused
     * ([OffblocksException.ChallengeRefused]) and nothing is signed. */
    @JvmOverloads
    fun signChallenge(
        account: Account,
        signer: Signer,
        ownerId: String? = null,
        idempotencyKey: String? = null,
        chain: String? = null,
    ) {
        val owner = Ffi.cString(ownerId ?: client.customers.get(account.customerId).chainId, "owner id")
        val onChain = chain?.let { Ffi.cString(it, "chain") }
        val a = json(account.toJson())
        val k = key(idempotencyKey)
        client.withSigner(signer) { h, s -> Ffi.check(offblocks_accounts_sign_challenge(h, a, owner, onChain, s, k)) }
    }

    /** `PATCH /accounts/{id}/activate`. */
    @JvmOverloads
    fun activate(accountId: String, idempotencyKey: String? = null) = patch(accountId, idempotencyKey, ::offblocks_accounts_activate)

    /** `PATCH /accounts/{id}/deactivate`. */
    @JvmOverloads
    fun deactivate(accountId: String, idempotencyKey: String? = null) = patch(accountId, idempotencyKey, ::offblocks_accounts_deactivate)

    /** `DELETE /accounts/{id}`: closes the account (final). */
    @JvmOverloads
    fun close(accountId: String, idempotencyKey: String? = null) = patch(accountId, idempotencyKey, ::offblocks_accounts_close)

    private fun patch(accountId: String, idempotencyKey: String?, fn: (com.sun.jna.Pointer?, ByteArray?, ByteArray?) -> Int) {
        val id = Ffi.cString(accountId, "account id")
        val k = key(idempotencyKey)
        client.call { fn(it, id, k) }
    }
}

/** `/webhooks` (`client.webhooks`). */
class Webhooks internal constructor(private val client: OffblocksClient) {
    /** `PUT /webhooks`: creates a subscription, or replaces the one with [id]. */
    @JvmOverloads
    fun put(
        callbackUrl: String,
        types: List<WebhookType> = listOf(WebhookType.CustomerUpdated, WebhookType.AccountUpdated),
        id: String? = null,
        idempotencyKey: String? = null,
    ): Webhook {
        val body = json(buildMap {
            id?.let { put("id", it) }
            put("callbackUrl", callbackUrl)
            put("types", types.map { it.value })
        })
        val k = key(idempotencyKey)
        return Webhook.from(JsonObject.parse(client.string { h, out -> offblocks_webhooks_put(h, body, k, out) }, "webhook"))
    }

    /** `GET /webhooks/{id}`. */
    fun get(webhookId: String): Webhook {
        val id = Ffi.cString(webhookId, "webhook id")
        return Webhook.from(JsonObject.parse(client.string { h, out -> offblocks_webhooks_get(h, id, out) }, "webhook"))
    }

    /** `GET /webhooks`. */
    fun list(): List<Webhook> =
        JsonObject.parseList(client.string { h, out -> offblocks_webhooks_list(h, out) }, "webhooks").map(Webhook::from)

    /** `DELETE /webhooks/{id}`. */
    @JvmOverloads
    fun delete(webhookId: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(webhookId, "webhook id")
        val k = key(idempotencyKey)
        client.call { offblocks_webhooks_delete(it, id, k) }
    }

    /** Same as [Offblocks.parseWebhookEvent]. */
    fun parseEvent(body: String): WebhookEvent = Offblocks.parseWebhookEvent(body)
}
