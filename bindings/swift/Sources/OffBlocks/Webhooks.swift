import COffBlocks
import Foundation

/// `/webhooks` (`client.webhooks`).
public struct Webhooks: Sendable {
    let client: OffBlocksClient

    /// `PUT /webhooks`: creates a subscription, or replaces the one with `id`.
    public func put(callbackUrl: String, types: [WebhookType] = [.customerUpdated, .accountUpdated], id: String? = nil,
                    idempotencyKey: String? = nil) throws -> Webhook {
        let b = try jsonBody(["id": id, "callbackUrl": callbackUrl, "types": types.map(\.rawValue)])
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
