package xyz.offblocks

import xyz.offblocks.internal.Ffi
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
        val body = jsonArg(mapOf("type" to type.value, "currencies" to currencies))
        val k = idempotencyKeyArg(idempotencyKey)
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
        val body = jsonArg(mapOf("ownerId" to ownerId, "challenge" to challenge.base64, "signature" to signature))
        val k = idempotencyKeyArg(idempotencyKey)
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
        val a = jsonArg(account.toJson())
        val k = idempotencyKeyArg(idempotencyKey)
        client.withSigner(signer) { h, s -> Ffi.check(offblocks_accounts_sign_challenge(h, a, owner, onChain, s, k)) }
    }

    /** `PATCH /accounts/{id}/activate`. */
    @JvmOverloads
    fun activate(accountId: String, idempotencyKey: String? = null) = action(accountId, idempotencyKey, ::offblocks_accounts_activate)

    /** `PATCH /accounts/{id}/deactivate`. */
    @JvmOverloads
    fun deactivate(accountId: String, idempotencyKey: String? = null) = action(accountId, idempotencyKey, ::offblocks_accounts_deactivate)

    /** `DELETE /accounts/{id}`: closes the account (final). */
    @JvmOverloads
    fun close(accountId: String, idempotencyKey: String? = null) = action(accountId, idempotencyKey, ::offblocks_accounts_close)

    private fun action(accountId: String, idempotencyKey: String?, fn: (com.sun.jna.Pointer?, ByteArray?, ByteArray?) -> Int) {
        val id = Ffi.cString(accountId, "account id")
        val k = idempotencyKeyArg(idempotencyKey)
        client.call { fn(it, id, k) }
    }
}
