package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.offblocks_webhooks_delete
import xyz.offblocks.internal.offblocks_webhooks_get
import xyz.offblocks.internal.offblocks_webhooks_list
import xyz.offblocks.internal.offblocks_webhooks_put

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
        val body = jsonArg(buildMap {
            id?.let { put("id", it) }
            put("callbackUrl", callbackUrl)
            put("types", types.map { it.value })
        })
        val k = idempotencyKeyArg(idempotencyKey)
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
        val k = idempotencyKeyArg(idempotencyKey)
        client.call { offblocks_webhooks_delete(it, id, k) }
    }

    /** Same as [Offblocks.parseWebhookEvent]. */
    fun parseEvent(body: String): WebhookEvent = Offblocks.parseWebhookEvent(body)
}
