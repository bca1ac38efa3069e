package xyz.offblocks

import xyz.offblocks.internal.JsonObject
import java.time.Duration
import java.time.Instant
import java.time.OffsetDateTime
import java.time.format.DateTimeParseException
import java.util.Base64

// The API's objects as Kotlin data classes. The library hands them over as JSON (camelCase,
// as the API spells it). Statuses and kinds are sealed classes whose `Unknown` keeps a
// value this version does not know (a status added to the API later) instead of failing.

/** Where a customer is in onboarding. [Unknown] keeps a value this version does not know. */
sealed class CustomerStatus(val value: String) {
    object Initiating : CustomerStatus("initiating")
    object Screening : CustomerStatus("screening")
    object Verifying : CustomerStatus("verifying")
    object Active : CustomerStatus("active")
    object Inactive : CustomerStatus("inactive")
    /** Refused (final). */
    object Rejected : CustomerStatus("rejected")
    class Unknown(value: String) : CustomerStatus(value)

    val isKnown: Boolean get() = this !is Unknown
    final override fun equals(other: Any?) = other is CustomerStatus && other.value == value
    final override fun hashCode() = value.hashCode()
    final override fun toString() = value

    companion object {
        fun of(value: String): CustomerStatus = when (value) {
            "initiating" -> Initiating
            "screening" -> Screening
            "verifying" -> Verifying
            "active" -> Active
            "inactive" -> Inactive
            "rejected" -> Rejected
            else -> Unknown(value)
        }
    }
}

/** Where an account is in its life. [Unknown] keeps a value this version does not know. */
sealed class AccountStatus(val value: String) {
    object Initiating : AccountStatus("initiating")
    /** Signed; the smart account is being deployed. */
    object Pending : AccountStatus("pending")
    object Active : AccountStatus("active")
    object Inactive : AccountStatus("inactive")
    /** Closed (final). */
    object Closed : AccountStatus("closed")
    /** Deployment failed (final). */
    object Failed : AccountStatus("failed")
    class Unknown(value: String) : AccountStatus(value)

    val isKnown: Boolean get() = this !is Unknown
    final override fun equals(other: Any?) = other is AccountStatus && other.value == value
    final override fun hashCode() = value.hashCode()
    final override fun toString() = value

    companion object {
        fun of(value: String): AccountStatus = when (value) {
            "initiating" -> Initiating
            "pending" -> Pending
            "active" -> Active
            "inactive" -> Inactive
            "closed" -> Closed
            "failed" -> Failed
            else -> Unknown(value)
        }
    }
}

/** The kind of account (`card_account`; the API's `CARD_ACCOUNT` reads as the same). */
sealed class AccountType(val value: String) {
    object CardAccount : AccountType("card_account")
    class Unknown(value: String) : AccountType(value)

    val isKnown: Boolean get() = this !is Unknown
    final override fun equals(other: Any?) = other is AccountType && other.value == value
    final override fun hashCode() = value.hashCode()
    final override fun toString() = value

    companion object {
        fun of(value: String): AccountType = when (value) {
            "card_account", "CARD_ACCOUNT" -> CardAccount
            else -> Unknown(value)
        }
    }
}

/** The kind of event a webhook receives. */
sealed class WebhookType(val value: String) {
    object CustomerUpdated : WebhookType("customer.updated")
    object AccountUpdated : WebhookType("account.updated")
    class Unknown(value: String) : WebhookType(value)

    val isKnown: Boolean get() = this !is Unknown
    final override fun equals(other: Any?) = other is WebhookType && other.value == value
    final override fun hashCode() = value.hashCode()
    final override fun toString() = value

    companion object {
        fun of(value: String): WebhookType = when (value) {
            "customer.updated" -> CustomerUpdated
            "account.updated" -> AccountUpdated
            else -> Unknown(value)
        }
    }
}

/** How a 65-byte EIP-191 signature is written; [native] is `offblocks_signature_encoding`. */
enum class SignatureEncoding(val native: Int) {
    /** `0x` and 130 lowercase hex digits. */
    HEX(0),
    /** Base64 of the hex text: what a customer challenge's `signature` carries. */
    BASE64_HEX(1),
    /** Base64 of the raw 65 bytes: what an account challenge's `signature` carries. */
    BASE64_RAW(2),
}

internal fun parseTimestamp(text: String, what: String): Instant = try {
    OffsetDateTime.parse(text).toInstant()
} catch (e: DateTimeParseException) {
    throw OffblocksException.Decode("$what is not an RFC 3339 timestamp: $text", cause = e)
}

/**
 * A customer. [chainId] is the customer's wallet as a CAIP-10 id (`eip155:300:0x…`);
 * [challenge] (base64 EIP-4361) comes on creation only.
 */
data class Customer(
    val id: String,
    val externalId: String,
    val chainId: String,
    val status: CustomerStatus,
    val createdAt: Instant,
    val updatedAt: Instant,
    val challenge: String? = null,
) {
    /** The JSON object as received, unknown fields included (what the library gets back). */
    internal var json: Map<String, Any?>? = null

    internal fun toJson(): Map<String, Any?> = json ?: buildMap {
        put("id", id); put("externalId", externalId); put("chainId", chainId); put("status", status.value)
        put("createdAt", createdAt.toString()); put("updatedAt", updatedAt.toString())
        challenge?.let { put("challenge", it) }
    }

    companion object {
        internal fun from(o: JsonObject): Customer = Customer(
            id = o.string("id"),
            externalId = o.string("externalId"),
            chainId = o.string("chainId"),
            status = CustomerStatus.of(o.string("status")),
            createdAt = parseTimestamp(o.string("createdAt"), "${o.what}.createdAt"),
            updatedAt = parseTimestamp(o.string("updatedAt"), "${o.what}.updatedAt"),
            challenge = o.optString("challenge"),
        ).also { it.json = o.map }
    }
}

/** An account. [chainId] (the deployed smart account, CAIP-10) is set once `active`;
 * [challenge] comes on creation only. */
data class Account(
    val id: String,
    val customerId: String,
    val status: AccountStatus,
    val type: AccountType,
    val currencies: List<String>,
    val createdAt: Instant,
    val updatedAt: Instant,
    val chainId: String? = null,
    val challenge: String? = null,
) {
    internal var json: Map<String, Any?>? = null

    internal fun toJson(): Map<String, Any?> = json ?: buildMap {
        put("id", id); put("customerId", customerId); put("status", status.value); put("type", type.value)
        put("currencies", currencies); put("createdAt", createdAt.toString()); put("updatedAt", updatedAt.toString())
        chainId?.let { put("chainId", it) }
        challenge?.let { put("challenge", it) }
    }

    companion object {
        internal fun from(o: JsonObject): Account = Account(
            id = o.string("id"),
            customerId = o.string("customerId"),
            status = AccountStatus.of(o.string("status")),
            type = AccountType.of(o.string("type")),
            currencies = o.strings("currencies"),
            createdAt = parseTimestamp(o.string("createdAt"), "${o.what}.createdAt"),
            updatedAt = parseTimestamp(o.string("updatedAt"), "${o.what}.updatedAt"),
            chainId = o.optString("chainId"),
            challenge = o.optString("challenge"),
        ).also { it.json = o.map }
    }
}

/** A challenge as issued: base64 of the bytes to sign (an EIP-4361 message for a customer). */
@JvmInline
value class Challenge(val base64: String) {
    /** The decoded bytes: exactly what gets signed. */
    val bytes: ByteArray
        get() = try {
            Base64.getDecoder().decode(base64)
        } catch (e: IllegalArgumentException) {
            throw OffblocksException.Decode("the challenge is not base64", cause = e)
        }

    /** The decoded message as text. */
    val text: String get() = bytes.toString(Charsets.UTF_8)

    /** The decoded message parsed as EIP-4361. */
    fun parse(): SiweMessage = Siwe.parse(text)

    override fun toString(): String = base64
}

/** A parsed EIP-4361 (Sign-In with Ethereum) message. [text] is the message exactly as
 * received: what gets signed is always that, never one rebuilt from the fields. */
data class SiweMessage(
    val domain: String,
    val address: String,
    val uri: String,
    val version: String,
    val chainId: Long,
    val nonce: String,
    val issuedAt: Instant,
    val text: String,
    val scheme: String? = null,
    val statement: String? = null,
    val expirationTime: Instant? = null,
    val notBefore: Instant? = null,
    val requestId: String? = null,
    val resources: List<String> = emptyList(),
) {
    companion object {
        internal fun from(o: JsonObject, text: String): SiweMessage = SiweMessage(
            domain = o.string("domain"),
            address = o.string("address"),
            uri = o.string("uri"),
            version = o.string("version"),
            chainId = o.long("chainId"),
            nonce = o.string("nonce"),
            issuedAt = parseTimestamp(o.string("issuedAt"), "siwe.issuedAt"),
            text = text,
            scheme = o.optString("scheme"),
            statement = o.optString("statement"),
            expirationTime = o.optString("expirationTime")?.let { parseTimestamp(it, "siwe.expirationTime") },
            notBefore = o.optString("notBefore")?.let { parseTimestamp(it, "siwe.notBefore") },
            requestId = o.optString("requestId"),
            resources = o.strings("resources"),
        )
    }
}

/** A webhook subscription. */
data class Webhook(
    val id: String,
    val callbackUrl: String,
    val types: List<WebhookType>,
    val createdAt: Instant? = null,
    val updatedAt: Instant? = null,
) {
    companion object {
        internal fun from(o: JsonObject): Webhook = Webhook(
            id = o.string("id"),
            callbackUrl = o.string("callbackUrl"),
            types = o.strings("types").map(WebhookType::of),
            createdAt = o.optString("createdAt")?.let { parseTimestamp(it, "webhook.createdAt") },
            updatedAt = o.optString("updatedAt")?.let { parseTimestamp(it, "webhook.updatedAt") },
        )
    }
}

/** One webhook delivery. Deliveries come at least once and in any order: dedupe by
 * [eventId], order by [updatedAt]. */
data class WebhookEvent(val eventId: String, val webhookType: WebhookType, val data: Data) {
    /** What the event is about. */
    sealed class Data {
        data class OfCustomer(val customer: Customer) : Data()
        data class OfAccount(val account: Account) : Data()
        /** An event type this version does not know: the JSON object as sent. */
        data class Other(val json: Map<String, Any?>) : Data()
    }

    /** The entity's `updatedAt`, to order deliveries (null when an unknown event has none). */
    val updatedAt: Instant?
        get() = when (data) {
            is Data.OfCustomer -> data.customer.updatedAt
            is Data.OfAccount -> data.account.updatedAt
            is Data.Other -> (data.json["updatedAt"] as? String)?.let { parseTimestamp(it, "event.updatedAt") }
        }

    companion object {
        internal fun from(o: JsonObject): WebhookEvent {
            val data = when (o.string("entity")) {
                "customer" -> Data.OfCustomer(Customer.from(o.obj("data")))
                "account" -> Data.OfAccount(Account.from(o.obj("data")))
                else -> Data.Other(o.obj("data").map)
            }
            return WebhookEvent(o.string("eventId"), WebhookType.of(o.string("webhookType")), data)
        }
    }
}

/** A bearer token. **A secret**: [toString] hides it. */
class Token(val token: String, val expiresAt: Instant, val tokenType: String) {
    override fun toString(): String = "Token(token=[redacted], expiresAt=$expiresAt, tokenType=$tokenType)"

    internal companion object {
        fun from(o: JsonObject) = Token(o.string("token"), Instant.ofEpochSecond(o.long("expiresAt")), o.optString("tokenType") ?: "Bearer")
    }
}

/** What a request would carry ([OffblocksClient.dryRun]). **Holds the bearer token** (in
 * `Authorization`): [toString] shows only the method and URL. */
class DryRun(val method: String, val url: String, val headers: List<Pair<String, String>>, val signatureBase: String) {
    /** The value of the first header called [name] (any case), or null. */
    fun header(name: String): String? = headers.firstOrNull { it.first.equals(name, ignoreCase = true) }?.second

    override fun toString(): String = "DryRun($method $url, ${headers.size} headers [redacted])"

    internal companion object {
        fun from(o: JsonObject): DryRun {
            val raw = o.map["headers"] as? List<*> ?: throw OffblocksException.Decode("dry run.headers is not a list")
            val headers = raw.map { h ->
                val pair = h as? List<*>
                val k = pair?.getOrNull(0) as? String
                val v = pair?.getOrNull(1) as? String
                if (pair?.size != 2 || k == null || v == null) throw OffblocksException.Decode("dry run.headers holds a non-[name, value]")
                k to v
            }
            return DryRun(o.string("method"), o.string("url"), headers, o.string("signatureBase"))
        }
    }
}

/** The result of onboarding: the `active` customer and account. */
data class Onboarded(val customer: Customer, val account: Account) {
    internal companion object {
        fun from(o: JsonObject) = Onboarded(Customer.from(o.obj("customer")), Account.from(o.obj("account")))
    }
}

/**
 * One report of onboarding's progress, after each step: [step] is a stable snake_case name
 * (`create_customer`, `sign_customer_challenge`, `verify_customer`, `wait_customer`,
 * `create_account`, `sign_account_challenge`, `wait_account`, `done`), [status] the
 * resource's status after it, [elapsed] the time since the flow started. While the flow
 * waits, `wait_customer` and `wait_account` also come at each poll, with the status seen.
 */
data class Progress(val step: String, val status: String, val elapsed: Duration, val message: String)

/**
 * One attempt of one call, as a client's observer sees it (see [OffblocksClient]): never a
 * token, a body or a query. [attempt] is 1 for the call's first request, 2 for the next one
 * sent (a retry, a re-sign on the server's clock, the attempt after a token refresh)…;
 * [status] is null when no response came, and [error] then says why; [duration] runs from
 * sending the request to reading the whole response; [requestId] is the server's
 * `X-Request-Id` (successful calls included: quote it to OffBlocks support);
 * [idempotencyKey] is the call's, the same on each of its attempts.
 */
data class Attempt(
    val method: String,
    val path: String,
    val attempt: Int,
    val status: Int?,
    val error: String?,
    val duration: Duration,
    val requestId: String?,
    val idempotencyKey: String?,
) {
    internal companion object {
        fun from(o: JsonObject) = Attempt(
            method = o.string("method"),
            path = o.string("path"),
            attempt = Math.toIntExact(o.long("attempt")),
            status = o.optLong("status")?.toInt(),
            error = o.optString("error"),
            duration = Duration.ofNanos(((o.optDouble("durationMs") ?: 0.0) * 1e6).toLong()),
            requestId = o.optString("requestId"),
            idempotencyKey = o.optString("idempotencyKey"),
        )
    }
}

/** What to onboard: the customer [externalId] on CAIP-2 [chain] (the sandbox's chain unless
 * given), with an account of [accountType] in [currencies]. [timeout] bounds the whole flow;
 * statuses are polled from [pollInterval] doubling up to [maxPollInterval].
 * [simulateVerification] has the sandbox's simulator verify the customer. Null keeps the
 * library's default ([OffblocksClient.onboardingDefaults] lists them): only what is set is
 * sent. */
data class OnboardingRequest @JvmOverloads constructor(
    val externalId: String,
    val chain: String = "eip155:300",
    val simulateVerification: Boolean? = null,
    val accountType: AccountType? = null,
    val currencies: List<String>? = null,
    val timeout: Duration? = null,
    val pollInterval: Duration? = null,
    val maxPollInterval: Duration? = null,
) {
    /** The JSON request of `offblocks_client_onboard`: only what is set; an account of which one
     * part is set takes the other from the library's default account. */
    internal fun toJson(): Map<String, Any?> = buildMap {
        put("externalId", externalId)
        put("chain", chain)
        simulateVerification?.let { put("simulateVerification", it) }
        if (accountType != null || currencies != null) {
            @Suppress("UNCHECKED_CAST")
            val account = OffblocksClient.onboardingDefaults()["account"] as Map<String, Any?>
            put("account", account + listOfNotNull(accountType?.let { "type" to it.value }, currencies?.let { "currencies" to it }))
        }
        timeout?.let { put("timeoutMs", it.toMillis()) }
        pollInterval?.let { put("pollIntervalMs", it.toMillis()) }
        maxPollInterval?.let { put("maxPollIntervalMs", it.toMillis()) }
    }
}

/** Where [OffblocksClient.onboardOrWait] stopped: [Done], or [Waiting] on OffBlocks. */
sealed interface Onboarding {
    /** The customer and the account are `active`. */
    data class Done(val onboarded: Onboarded) : Onboarding

    /** OffBlocks has the next move (KYC, the account's deployment): [step] is
     * `wait_customer` or `wait_account`, with the [customer] and, once there is one, the
     * [account] as last read. Onboard again with the same request and signer when it has
     * made it (a webhook, a timer, a restart): the flow continues from here and creates
     * nothing twice. */
    data class Waiting(val step: String, val customer: Customer, val account: Account?) : Onboarding

    companion object {
        internal fun from(o: JsonObject): Onboarding = when (val state = o.optString("state")) {
            "done" -> Done(Onboarded.from(o))
            "waiting" -> Waiting(
                step = o.string("step"),
                customer = Customer.from(o.obj("customer")),
                account = if (o.map["account"] == null) null else Account.from(o.obj("account")),
            )
            else -> throw OffblocksException.Decode("onboarding: unknown state $state")
        }
    }
}
