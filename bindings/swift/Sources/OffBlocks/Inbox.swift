import COffBlocks
import Foundation

/// Where a `WebhookInbox` remembers what it handed over: implement it (on a class) over your
/// database to dedupe across processes and restarts. Without one, the inbox keeps a bounded memory store
/// (100 000 events and entities, about 36 MB at most).
///
/// A method that throws fails the `WebhookInbox.receive` call that asked with
/// `OffBlocksError.state` (what it threw as `underlying`), recording nothing: answer
/// OffBlocks non-2xx and it retries. The methods are called on the thread calling
/// `receive`, before it returns; an inbox shared by several threads needs a thread-safe store.
public protocol EventStore: AnyObject {
    /// Whether `eventId` was given to `record`.
    func seen(_ eventId: String) throws -> Bool

    /// The largest `updatedAtNs` recorded for `entityId`, or nil.
    func lastHanded(_ entityId: String) throws -> Int64?

    /// Remembers that `eventId` was handled and `entityId` handed over at `updatedAtNs`
    /// (nanoseconds since the Unix epoch; keep the largest per entity).
    func record(eventId: String, entityId: String, updatedAtNs: Int64) throws
}

/// What a `WebhookInbox` made of a delivery. Answer OffBlocks 2xx for each of them; only an
/// error thrown by `WebhookInbox.receive` calls for non-2xx (so that it retries).
public enum Received: Hashable, Sendable {
    /// A customer changed: as `GET /customers/{id}` answers now (never the body's copy).
    case customerChanged(Customer)
    /// An account changed: as `GET /accounts/{id}` answers now.
    case accountChanged(Account)
    /// This event id was handled before.
    case duplicate(eventId: String)
    /// The entity was already handed over at this or a later state.
    case stale(entityId: String)
    /// An event type this version does not act on (nothing was fetched).
    case ignored(webhookType: String)
}

extension Received: Decodable {
    enum CodingKeys: String, CodingKey { case received, customer, account, eventId, entityId, webhookType }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .received)
        switch kind {
        case "customer": self = .customerChanged(try c.decode(Customer.self, forKey: .customer))
        case "account": self = .accountChanged(try c.decode(Account.self, forKey: .account))
        case "duplicate": self = .duplicate(eventId: try c.decode(String.self, forKey: .eventId))
        case "stale": self = .stale(entityId: try c.decode(String.self, forKey: .entityId))
        case "ignored": self = .ignored(webhookType: try c.decode(String.self, forKey: .webhookType))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.received], debugDescription: "unknown received kind \(kind)"))
        }
    }
}

/// The webhook inbox: turns a raw delivery into an entity the host can act on.
///
/// **A delivery is untrusted**: OffBlocks does not document webhook signing, so anyone who can
/// reach your endpoint can POST a body that looks like an event. The inbox takes only the
/// event id, its type and the entity's id from the body, re-fetches the entity through the
/// client's signed API, and hands over that answer; it drops a delivery whose event id it has
/// seen and one whose entity it already handed over at the same or a later `updatedAt`.
///
/// Thread-safe when its `store` is. The native inbox keeps the client alive on its own and is
/// freed once, when the last reference goes (`deinit`); a call in progress holds a reference.
///
/// ```swift
/// let inbox = try WebhookInbox(client: client)
/// switch try inbox.receive(body: body, headers: headers) {   // then answer 204
/// case .customerChanged(let customer): update(customer)
/// case .accountChanged(let account): update(account)
/// case .duplicate, .stale, .ignored: break
/// }
/// ```
public final class WebhookInbox: @unchecked Sendable {
    /// The largest body `receive` takes, in bytes.
    public static let maxDeliveryBytes = 65536

    let pointer: OpaquePointer
    private let storeBox: StoreBox?

    /// Whether deliveries' signatures are verified.
    public let verifiesSignatures: Bool

    /// - Parameters:
    ///   - store: where handled events and entities are remembered; nil: a bounded memory
    ///     store of `memoryCapacity` (default 100 000) events and entities.
    ///   - verifyWith: OffBlocks' webhook signing public key (P-384 SPKI PEM, `BEGIN PUBLIC
    ///     KEY`): every delivery's RFC 9421 signature and RFC 9530 `Content-Digest` are then
    ///     checked before anything else, and an unsigned or altered one is refused. Leave it
    ///     nil unless you have such a key.
    ///   - maxSignatureAge: how old a signature may be, in whole seconds (default 300).
    /// - Throws: `OffBlocksError.invalidKey` for a `verifyWith` that is not a P-384 public
    ///   key, `.invalidInput` for a negative or fractional `maxSignatureAge` or a negative
    ///   `memoryCapacity`.
    public init(client: OffBlocksClient, store: (any EventStore)? = nil, verifyWith: String? = nil,
                maxSignatureAge: TimeInterval? = nil, memoryCapacity: Int? = nil) throws {
        var secs: UInt64?
        if let age = maxSignatureAge {
            guard age >= 0, age.rounded() == age, age < 1e15 else {
                throw OffBlocksError.invalidInput(Failure(message: "maxSignatureAge must be a whole number of seconds, not \(age)"))
            }
            secs = UInt64(age)
        }
        if let capacity = memoryCapacity, capacity < 0 {
            throw OffBlocksError.invalidInput(Failure(message: "memoryCapacity must not be negative, not \(capacity)"))
        }
        let options = InboxOptions(verifyWith: verifyWith, maxSignatureAgeSecs: secs, memoryCapacity: memoryCapacity)
        let arg = try CString.optional(options.isEmpty ? nil : JSON.encode(options), "inbox options")
        defer { arg?.free() }
        let box = store.map(StoreBox.init)
        pointer = try withExtendedLifetime(client) {
            if let box {
                var native = offblocks_event_store(user_data: Unmanaged.passUnretained(box).toOpaque(),
                                                   seen: storeSeen, last_handed: storeLastHanded, record: storeRecord)
                return try Native.handle("offblocks_webhook_inbox_new") {
                    offblocks_webhook_inbox_new(client.pointer, arg?.pointer, &native, $0)
                }
            }
            return try Native.handle("offblocks_webhook_inbox_new") {
                offblocks_webhook_inbox_new(client.pointer, arg?.pointer, nil, $0)
            }
        }
        // The library calls the store until the inbox is freed: the inbox keeps it.
        storeBox = box
        verifiesSignatures = verifyWith != nil
        LiveHandles.made()
    }

    deinit {
        // Never refused: every call holds a reference, and the store cannot reach the handle.
        _ = offblocks_webhook_inbox_free(pointer)
        LiveHandles.freed()
    }

    /// Handles one delivery: `body` exactly as received (at most 65536 bytes) and, for an
    /// inbox that verifies signatures, its `headers` (`Signature-Input`, `Signature`,
    /// `Content-Digest`; names in any case).
    ///
    /// - Throws: `OffBlocksError.invalidInput` for an oversized body or (verifying) a
    ///   signature refused (the message starts `webhook signature refused:`); `.decode` for
    ///   a body that is not an event; `.notFound` for an entity that does not exist (a forged
    ///   delivery); `.state` when the `EventStore` threw (what it threw as `underlying`);
    ///   any error of the re-fetch. After an error nothing is recorded.
    public func receive(body: Data, headers: [String: String]? = nil) throws -> Received {
        let h = try CString.optional(headers.map { try JSON.encode($0.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }) },
                                     "headers")
        defer { h?.free() }
        storeBox?.clearThrown()
        let raw: String
        do {
            raw = try withExtendedLifetime(self) {
                try body.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                    let base = bytes.isEmpty ? nil : bytes.bindMemory(to: UInt8.self).baseAddress
                    return try Native.string { offblocks_webhook_inbox_receive(pointer, base, bytes.count, h?.pointer, $0) }
                }
            }
        } catch let error as OffBlocksError {
            guard let thrown = storeBox?.takeThrown() else { throw error }
            var f = error.failure
            f.message = "the event store threw \(type(of: thrown)): \(thrown) (\(f.message))"
            f.underlying = thrown
            throw OffBlocksError.state(f)
        }
        storeBox?.clearThrown()
        return try JSON.decode(Received.self, raw, "received")
    }
}

/// `offblocks_webhook_inbox_new`'s options (nil fields left out).
private struct InboxOptions: Encodable {
    var verifyWith: String?
    var maxSignatureAgeSecs: UInt64?
    var memoryCapacity: Int?

    var isEmpty: Bool { verifyWith == nil && maxSignatureAgeSecs == nil && memoryCapacity == nil }
}

/// The store's context: the library calls it on the thread of a `receive` call until the
/// inbox is freed. What the store throws is kept for that thread and rethrown by `receive`.
final class StoreBox {
    let store: any EventStore
    private let key = "xyz.offblocks.inbox.thrown.\(UUID().uuidString)"

    init(_ store: any EventStore) { self.store = store }

    /// Runs `body`, answering 0, or 1 after keeping the first error it threw on this thread.
    func guarded(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch {
            let slot = Thread.current.threadDictionary
            if slot[key] == nil { slot[key] = ThrownBox(error) }
            return 1
        }
    }

    func takeThrown() -> (any Error)? {
        let slot = Thread.current.threadDictionary
        defer { slot.removeObject(forKey: key) }
        return (slot[key] as? ThrownBox)?.error
    }

    func clearThrown() { Thread.current.threadDictionary.removeObject(forKey: key) }
}

private final class ThrownBox {
    let error: any Error
    init(_ error: any Error) { self.error = error }
}

/// A pointer the library passed that should never be NULL: a store function answers 1 then.
private struct NullArgument: Error, CustomStringConvertible {
    let what: String
    var description: String { "the library passed no \(what)" }
}

private func box(_ userData: UnsafeMutableRawPointer?) -> StoreBox? {
    userData.map { Unmanaged<StoreBox>.fromOpaque($0).takeUnretainedValue() }
}

private func text(_ pointer: UnsafePointer<CChar>?, _ what: String) throws -> String {
    guard let pointer else { throw NullArgument(what: what) }
    return String(cString: pointer)
}

private let storeSeen: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<Bool>?) -> Int32 = {
    userData, eventId, outSeen in
    guard let b = box(userData) else { return 1 }
    return b.guarded {
        guard let outSeen else { throw NullArgument(what: "out_seen") }
        outSeen.pointee = try b.store.seen(text(eventId, "event id"))
    }
}

private let storeLastHanded: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<Bool>?,
                                             UnsafeMutablePointer<Int64>?) -> Int32 = { userData, entityId, outFound, outAt in
    guard let b = box(userData) else { return 1 }
    return b.guarded {
        guard let outFound, let outAt else { throw NullArgument(what: "out_found or out_updated_at_ns") }
        let last = try b.store.lastHanded(text(entityId, "entity id"))
        outFound.pointee = last != nil
        if let last { outAt.pointee = last }
    }
}

private let storeRecord: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int64) -> Int32 = {
    userData, eventId, entityId, updatedAtNs in
    guard let b = box(userData) else { return 1 }
    return b.guarded {
        try b.store.record(eventId: text(eventId, "event id"), entityId: text(entityId, "entity id"), updatedAtNs: updatedAtNs)
    }
}
