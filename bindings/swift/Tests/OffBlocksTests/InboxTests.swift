import Foundation
import OffBlocks
import XCTest

/// The webhook inbox against the emulator's real deliveries (its bytes and headers as the
/// emulator's `GET /_sandbox/webhooks` shows them): each state handed over once, duplicates
/// dropped, a forged status not believed, a host store and its failure, signatures verified.
final class InboxTests: XCTestCase {
    /// A plain-http emulator (its control API shows the deliveries), one for the class.
    static let sandbox: LocalSandbox = {
        do { return try LocalSandbox() } catch { fatalError("\(error)") }
    }()

    struct Delivery {
        let body: Data
        let headers: [String: String]
    }

    /// Subscribes to `customer.updated` at a loopback URL nothing listens on, makes a customer
    /// and returns the first delivery about it as the emulator POSTed it.
    static func customerWithDelivery(_ sandbox: LocalSandbox, _ client: OffBlocksClient, _ tag: String) throws
        -> (Customer, Delivery) {
        try sandbox.control("POST", "webhooks/faults", ["attempts": 1])
        let hook = try client.webhooks.put(callbackUrl: "http://127.0.0.1:\(try unusedLoopbackPort())/hooks",
                                           types: [.customerUpdated])
        defer { _ = try? client.webhooks.delete(hook.id) }
        let customer = try client.customers.create(chainId: Wallet.random().accountId(chain: TestEnv.chain),
                                                   externalId: TestEnv.externalId(tag))
        // Delivery is asynchronous: wait until the emulator has made its attempt.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let all = try sandbox.control("GET", "webhooks") as? [[String: Any]] ?? []
            if let d = all.first(where: { $0["entityId"] as? String == customer.id && ($0["attempts"] as? Int ?? 0) > 0 }),
               let raw = d["rawBody"] as? String, !raw.isEmpty {
                return (customer, Delivery(body: Data(raw.utf8), headers: d["headers"] as? [String: String] ?? [:]))
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw SetupError("no delivery for \(customer.id)")
    }

    /// An `EventStore` over dictionaries, as a host writes one over its database.
    final class MapStore: EventStore {
        struct DatabaseDown: Error {}
        var events: Set<String> = []
        var entities: [String: Int64] = [:]
        var fail = false

        func seen(_ eventId: String) throws -> Bool {
            if fail { throw DatabaseDown() }
            return events.contains(eventId)
        }

        func lastHanded(_ entityId: String) throws -> Int64? { entities[entityId] }

        func record(eventId: String, entityId: String, updatedAtNs: Int64) throws {
            events.insert(eventId)
            entities[entityId] = max(updatedAtNs, entities[entityId] ?? updatedAtNs)
        }
    }

    /// `body` with its `eventId`, `status` and `updatedAt` replaced.
    static func forged(_ body: Data, eventId: String) throws -> Data {
        var event = try XCTUnwrap(JSONSerialization.jsonObject(with: body) as? [String: Any])
        event["eventId"] = eventId
        event["status"] = "active"
        event["updatedAt"] = "2099-01-01T00:00:00Z"
        return try JSONSerialization.data(withJSONObject: event)
    }

    func testADeliveryIsHandedOverAsTheRefetchedEntityOnceAndAForgedStatusIsNotBelieved() throws {
        let sandbox = Self.sandbox
        let client = try sandbox.client()
        let (customer, delivery) = try Self.customerWithDelivery(sandbox, client, "inbox")
        let inbox = try WebhookInbox(client: client)
        XCTAssertFalse(inbox.verifiesSignatures)
        guard case .customerChanged(let got) = try inbox.receive(body: delivery.body) else {
            return XCTFail("not a customer change")
        }
        XCTAssertEqual(got, try client.customers.get(customer.id))
        guard case .duplicate(let eventId) = try inbox.receive(body: delivery.body) else { return XCTFail("not a duplicate") }
        XCTAssertFalse(eventId.isEmpty)

        let forged = try Self.forged(delivery.body, eventId: "sw-forged-1")
        guard case .customerChanged(let refetched) = try WebhookInbox(client: client).receive(body: forged) else {
            return XCTFail("not a customer change")
        }
        XCTAssertNotEqual(refetched.status, .active)
        XCTAssertEqual(refetched.status, try client.customers.get(customer.id).status)
    }

    func testAHostStoreIsUsedAndWhatItThrowsComesBackAsAStateError() throws {
        let sandbox = Self.sandbox
        let client = try sandbox.client()
        let (customer, delivery) = try Self.customerWithDelivery(sandbox, client, "store")
        let store = MapStore()
        let inbox = try WebhookInbox(client: client, store: store)
        store.fail = true
        let error = assertThrowsOffBlocks("state") { try inbox.receive(body: delivery.body) }
        XCTAssertTrue(error?.failure.underlying is MapStore.DatabaseDown, "\(String(describing: error))")
        XCTAssertEqual(error?.failure.rawCode, ResultCode.state.rawValue)
        XCTAssertTrue(error?.message.contains("the event store threw DatabaseDown") == true, "\(String(describing: error))")
        XCTAssertTrue(store.events.isEmpty)
        store.fail = false
        guard case .customerChanged(let got) = try inbox.receive(body: delivery.body) else { return XCTFail("not a customer change") }
        XCTAssertEqual(got.id, customer.id)
        XCTAssertEqual(store.events.count, 1)
        XCTAssertNotNil(store.entities[customer.id])
        guard case .duplicate = try inbox.receive(body: delivery.body) else { return XCTFail("not a duplicate") }
        // The same entity state under another event id: already handed over.
        let again = try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any] ?? [:]
        var renamed = again
        renamed["eventId"] = "sw-store-2"
        guard case .stale(let entityId) = try inbox.receive(body: JSONSerialization.data(withJSONObject: renamed)) else {
            return XCTFail("not stale")
        }
        XCTAssertEqual(entityId, customer.id)
    }

    func testBadDeliveriesAndOptionsAreRefused() throws {
        let client = try Self.sandbox.client()
        let inbox = try WebhookInbox(client: client, memoryCapacity: 8)
        assertThrowsOffBlocks("invalidInput") {
            try inbox.receive(body: Data(repeating: 0x20, count: WebhookInbox.maxDeliveryBytes + 1))
        }
        assertThrowsOffBlocks("decode") { try inbox.receive(body: Data("[1]".utf8)) }
        assertThrowsOffBlocks("decode") { try inbox.receive(body: Data()) }
        XCTAssertEqual(try inbox.receive(body: Data(#"{"webhookType":"card.created","eventId":"e1","id":"x"}"#.utf8)),
                       .ignored(webhookType: "card.created"))
        let missing = #"{"webhookType":"customer.updated","eventId":"sw-missing-1","id":"cus_nope","externalId":"x","#
            + #""chainId":"eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","status":"active","#
            + #""createdAt":"2099-01-01T00:00:00Z","updatedAt":"2099-01-01T00:00:00Z"}"#
        assertThrowsOffBlocks("notFound") { try inbox.receive(body: Data(missing.utf8)) }
        assertThrowsOffBlocks("invalidKey") { try WebhookInbox(client: client, verifyWith: "not a key") }
        assertThrowsOffBlocks("invalidInput") { try WebhookInbox(client: client, maxSignatureAge: 1.5) }
        assertThrowsOffBlocks("invalidInput") { try WebhookInbox(client: client, memoryCapacity: -1) }
    }

    func testSignedDeliveriesAreVerified() throws {
        let sandbox = try LocalSandbox(["--webhook-signing-key", "generate"])
        let pem = try XCTUnwrap(sandbox.webhookPublicKeyPem)
        XCTAssertTrue(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"), pem)
        let client = try sandbox.client()
        let (customer, delivery) = try Self.customerWithDelivery(sandbox, client, "signed")
        XCTAssertTrue(delivery.headers.keys.contains { $0.lowercased() == "signature-input" }, "\(delivery.headers.keys)")
        let inbox = try WebhookInbox(client: client, verifyWith: pem, maxSignatureAge: 300)
        XCTAssertTrue(inbox.verifiesSignatures)
        var altered = delivery.body
        altered.insert(0x20, at: 1)
        let refused = assertThrowsOffBlocks("invalidInput") { try inbox.receive(body: altered, headers: delivery.headers) }
        XCTAssertTrue(refused?.message.contains("does not match the body") == true, "\(String(describing: refused))")
        let unsigned = assertThrowsOffBlocks("invalidInput") { try inbox.receive(body: delivery.body) }
        XCTAssertTrue(unsigned?.message.contains("webhook signature refused: the message is unsigned") == true, "\(String(describing: unsigned))")
        let other = try WebhookInbox(client: client, verifyWith: OffBlocks.signingKeyPublicPem(OffBlocks.generateSigningKey()))
        assertThrowsOffBlocks("invalidInput") { try other.receive(body: delivery.body, headers: delivery.headers) }
        let upper = Dictionary(uniqueKeysWithValues: delivery.headers.map { ($0.key.uppercased(), $0.value) })
        guard case .customerChanged(let got) = try inbox.receive(body: delivery.body, headers: upper) else {
            return XCTFail("not a customer change")
        }
        XCTAssertEqual(got.id, customer.id)
        guard case .customerChanged = try WebhookInbox(client: client).receive(body: delivery.body) else {
            return XCTFail("an inbox that does not verify takes it unsigned")
        }
    }

    func testTheAsyncVariantHandsOverTheSame() async throws {
        let sandbox = Self.sandbox
        let client = try sandbox.client()
        let (customer, delivery) = try Self.customerWithDelivery(sandbox, client, "async")
        let inbox = try WebhookInbox(client: client, store: MapStore())
        let got = try await inbox.receive(body: delivery.body, headers: nil)
        let now = try await client.customers.get(customer.id)
        XCTAssertEqual(got, .customerChanged(now))
        guard case .duplicate = try await inbox.receive(body: delivery.body, headers: nil) else { return XCTFail("not a duplicate") }
    }

    func testTheInboxOutlivesItsClient() throws {
        let sandbox = Self.sandbox
        var client: OffBlocksClient? = try sandbox.client()
        let (customer, delivery) = try Self.customerWithDelivery(sandbox, try XCTUnwrap(client), "outlives")
        let inbox = try WebhookInbox(client: try XCTUnwrap(client), store: MapStore())
        weak var gone = client
        client = nil
        XCTAssertNil(gone)
        // The re-fetch goes through the native client the inbox keeps.
        guard case .customerChanged(let got) = try inbox.receive(body: delivery.body) else { return XCTFail("not a customer change") }
        XCTAssertEqual(got.id, customer.id)
    }
}

/// A loopback TCP port nothing listens on (bound, then closed).
func unusedLoopbackPort() throws -> UInt16 {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw SetupError("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
            bind(fd, p, len) == 0 && getsockname(fd, p, &len) == 0
        }
    }
    guard bound else { throw SetupError("bind() failed") }
    return UInt16(bigEndian: addr.sin_port)
}
