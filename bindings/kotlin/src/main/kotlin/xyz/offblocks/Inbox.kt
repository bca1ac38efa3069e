package xyz.offblocks

import com.sun.jna.Callback
import com.sun.jna.Pointer
import com.sun.jna.Structure
import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.Json
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.NativeHandle
import xyz.offblocks.internal.SizeT
import xyz.offblocks.internal.offblocks_webhook_inbox_free
import xyz.offblocks.internal.offblocks_webhook_inbox_new
import xyz.offblocks.internal.offblocks_webhook_inbox_receive

/**
 * Where a [WebhookInbox] remembers what it handed over: implement it over your database to
 * dedupe across processes and restarts. Without one, the inbox keeps a bounded memory store
 * (100 000 events and entities, about 36 MB at most).
 *
 * A method that throws fails the [WebhookInbox.receive] call that asked with
 * [OffblocksException.State] (the throwable as its cause), recording nothing: answer
 * OffBlocks non-2xx and it retries. Calls come from the thread calling `receive`.
 */
interface EventStore {
    /** Whether [eventId] was given to [record]. */
    fun seen(eventId: String): Boolean

    /** The largest `updatedAtNs` recorded for [entityId], or null. */
    fun lastHanded(entityId: String): Long?

    /** Remembers that [eventId] was handled and [entityId] handed over at [updatedAtNs]
     * (nanoseconds since the Unix epoch; keep the largest per entity). */
    fun record(eventId: String, entityId: String, updatedAtNs: Long)
}

/** What a [WebhookInbox] made of a delivery. Answer OffBlocks 2xx for each of them; only
 * an exception from [WebhookInbox.receive] calls for non-2xx (so that it retries). */
sealed class Received {
    /** A customer changed: [customer] as `GET /customers/{id}` answers now (never the body's copy). */
    data class CustomerChanged(val customer: Customer) : Received()

    /** An account changed: [account] as `GET /accounts/{id}` answers now. */
    data class AccountChanged(val account: Account) : Received()

    /** This event id was handled before. */
    data class Duplicate(val eventId: String) : Received()

    /** The entity was already handed over at this or a later state. */
    data class Stale(val entityId: String) : Received()

    /** An event type this version does not act on (nothing was fetched). */
    data class Ignored(val webhookType: String) : Received()

    internal companion object {
        fun from(o: JsonObject): Received = when (val kind = o.string("received")) {
            "customer" -> CustomerChanged(Customer.from(o.obj("customer")))
            "account" -> AccountChanged(Account.from(o.obj("account")))
            "duplicate" -> Duplicate(o.string("eventId"))
            "stale" -> Stale(o.string("entityId"))
            "ignored" -> Ignored(o.string("webhookType"))
            else -> throw OffblocksException.Decode("unknown received kind '$kind'")
        }
    }
}

/** `offblocks_event_store`'s functions. */
internal fun interface StoreSeenFn : Callback {
    fun invoke(userData: Pointer?, eventId: Pointer?, outSeen: Pointer?): Int
}

internal fun interface StoreLastFn : Callback {
    fun invoke(userData: Pointer?, entityId: Pointer?, outFound: Pointer?, outUpdatedAtNs: Pointer?): Int
}

internal fun interface StoreRecordFn : Callback {
    fun invoke(userData: Pointer?, eventId: Pointer?, entityId: Pointer?, updatedAtNs: Long): Int
}

/** `offblocks_event_store` over a Kotlin [EventStore]. What the store throws is kept per
 * thread and thrown by [WebhookInbox.receive] after the call returns. */
@Structure.FieldOrder("user_data", "seen", "last_handed", "record")
internal class NativeEventStore(store: EventStore) : Structure() {
    private val thrown = ThreadLocal<Throwable?>()

    private fun guard(block: () -> Unit): Int = try {
        block(); 0
    } catch (t: Throwable) {
        if (thrown.get() == null) thrown.set(t)
        1
    }

    fun takeThrown(): Throwable? = thrown.get().also { thrown.remove() }

    @JvmField var user_data: Pointer? = null
    @JvmField var seen: StoreSeenFn? = StoreSeenFn { _, id, out ->
        guard { out!!.setByte(0, if (store.seen(Ffi.borrowed(id).orEmpty())) 1 else 0) }
    }
    @JvmField var last_handed: StoreLastFn? = StoreLastFn { _, id, found, at ->
        guard {
            val last = store.lastHanded(Ffi.borrowed(id).orEmpty())
            found!!.setByte(0, if (last != null) 1 else 0)
            if (last != null) at!!.setLong(0, last)
        }
    }
    @JvmField var record: StoreRecordFn? = StoreRecordFn { _, event, entity, at ->
        guard { store.record(Ffi.borrowed(event).orEmpty(), Ffi.borrowed(entity).orEmpty(), at) }
    }
}

/**
 * The webhook inbox: turns a raw delivery into an entity the host can act on.
 *
 * **A delivery is untrusted**: OffBlocks does not document webhook signing, so anyone who
 * can reach your endpoint can POST a body that looks like an event. The inbox takes only
 * the event id, its type and the entity's id from the body, re-fetches the entity through
 * [client]'s signed API, and hands over that answer; it drops a delivery whose event id it
 * has seen and one whose entity it already handed over at the same or a later `updatedAt`.
 *
 * [verifyWith] (OffBlocks' webhook signing public key, P-384 SPKI PEM) makes it verify each
 * delivery's RFC 9421 signature and RFC 9530 `Content-Digest` first and refuse an unsigned
 * or altered one; leave it null unless you have such a key. [maxSignatureAgeSecs] defaults
 * to 300; [memoryCapacity] (without a [store]) to 100 000.
 *
 * @throws OffblocksException.InvalidKey [verifyWith] is not a P-384 public key.
 */
class WebhookInbox @JvmOverloads constructor(
    client: OffblocksClient,
    store: EventStore? = null,
    verifyWith: String? = null,
    maxSignatureAgeSecs: Long? = null,
    memoryCapacity: Int? = null,
) : AutoCloseable {
    private val native = store?.let { NativeEventStore(it) }
    private val handle: NativeHandle

    /** Whether deliveries' signatures are verified. */
    val verifiesSignatures: Boolean = verifyWith != null

    init {
        val options = buildMap<String, Any?> {
            verifyWith?.let { put("verifyWith", it) }
            maxSignatureAgeSecs?.let { put("maxSignatureAgeSecs", it) }
            memoryCapacity?.let { put("memoryCapacity", it.toLong()) }
        }
        val arg = if (options.isEmpty()) null else Ffi.cString(Json.write(options), "options")
        native?.write()
        val pointer = client.withHandle { c ->
            Ffi.handle("offblocks_webhook_inbox_new") { offblocks_webhook_inbox_new(c, arg, native?.pointer, it) }
        }
        handle = NativeHandle(this, pointer, "webhook inbox", { p -> offblocks_webhook_inbox_free(p) }, keepAlive = native)
    }

    /**
     * Handles one delivery: [body] exactly as received (at most 65536 bytes) and, for an inbox
     * that verifies signatures, its [headers] (`Signature-Input`, `Signature`,
     * `Content-Digest`; names in any case).
     *
     * @throws OffblocksException.InvalidInput an oversized body, or (verifying) a signature
     *   refused (the message starts `webhook signature refused:`).
     * @throws OffblocksException.Decode the body is not an event.
     * @throws OffblocksException.NotFound the entity does not exist (a forged delivery).
     * @throws OffblocksException.State the [EventStore] threw (its cause).
     */
    @JvmOverloads
    fun receive(body: ByteArray, headers: Map<String, String>? = null): Received {
        val headersArg = headers?.let { h -> Ffi.cString(Json.write(h.entries.map { listOf(it.key, it.value) }), "headers") }
        val text = handle.use { h ->
            try {
                Ffi.string { out ->
                    offblocks_webhook_inbox_receive(h, body.takeIf { it.isNotEmpty() }, SizeT(body.size.toLong()), headersArg, out)
                }
            } catch (e: OffblocksException) {
                val cause = native?.takeThrown() ?: throw e
                throw OffblocksException.State(
                    "the event store threw ${cause.javaClass.simpleName}: ${cause.message}", e.rawCode, e.detail, cause,
                )
            }
        }
        return Received.from(JsonObject.parse(text, "received"))
    }

    override fun close() = handle.close()
}
