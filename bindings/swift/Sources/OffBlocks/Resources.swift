import COffBlocks
import Foundation

// The API's resources, handed out by OffBlocksClient (`client.customers.create(..)`), one
// file each: Auth.swift, Customers.swift, Accounts.swift, Webhooks.swift, Simulator.swift.
// Every mutation takes an optional `idempotencyKey` (a UUID): give your own to resume
// safely after a crash; by default a fresh one is used, and reused on every retry.
//
// A resource is a `Sendable` struct holding its client; each method turns its arguments
// into `CString`s (freed, zeroed, by `defer`), makes the C call through `client.call` or
// `client.string` (which keep the client alive during the call and throw its error), and
// decodes the JSON answer with `JSON.decode`. A C function it calls is listed in
// CABI.swift, and its `async` variant, when it blocks on the network, goes in Async.swift.

private struct Body: Encodable {
    let fields: [String: AnyEncodable]
    func encode(to encoder: Encoder) throws { try fields.encode(to: encoder) }
}

private struct AnyEncodable: Encodable {
    let value: any Encodable
    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}

/// A JSON object of `fields` (nil ones left out) as a C string.
func jsonBody(_ fields: [String: (any Encodable)?]) throws -> CString {
    try CString(JSON.encode(Body(fields: fields.compactMapValues { $0.map(AnyEncodable.init) })), "json")
}
