import Foundation
@testable import OffBlocks
import XCTest

/// One error taxonomy: each answer of the emulator becomes the case of its kind, with the
/// same kind as the C ABI's `offblocks_error_kind` (and Rust's, Python's and Kotlin's).
final class ErrorKindsTests: XCTestCase {
    func testEachStatusBecomesTheCaseOfItsKindWithItsRetryAfter() throws {
        let sandbox = try LocalSandbox()
        var config = sandbox.config()
        config.retry = .init(maxAttempts: 1)
        let client = try sandbox.client(config)
        let cases: [([String: Any], String, ErrorKind, TimeInterval?)] = [
            (["kind": "status", "status": 403], "permissionDenied", .permissionDenied, nil),
            (["kind": "status", "status": 404], "notFound", .notFound, nil),
            (["kind": "status", "status": 500], "server", .server, nil),
            (["kind": "too_many_requests", "retryAfterSecs": 7], "rateLimited", .rateLimited, 7),
        ]
        defer { try? sandbox.clearFaults() }
        for (rule, caseName, kind, retryAfter) in cases {
            try sandbox.addFault(rule.merging(["pathPrefix": "/v1/customers", "remaining": 1]) { a, _ in a })
            let e = assertThrowsOffBlocks(caseName) { try client.customers.list() }
            XCTAssertEqual(e?.kind, kind, "\(rule)")
            XCTAssertEqual(e?.failure.code, .api)
            XCTAssertEqual(e?.failure.codeName, "OFFBLOCKS_API")
            XCTAssertEqual(e?.retryAfter, retryAfter, "\(rule)")
        }
        try sandbox.clearFaults()
        // The emulator's own answers: a customer that exists, then an Idempotency-Key
        // reused for another body.
        let w = try Wallet.random()
        let externalId = TestEnv.externalId("kinds")
        let key = UUID().uuidString.lowercased()
        _ = try client.customers.create(chainId: w.accountId(chain: TestEnv.chain), externalId: externalId, idempotencyKey: key)
        let exists = assertThrowsOffBlocks("conflict") {
            try client.customers.create(chainId: w.accountId(chain: TestEnv.chain), externalId: externalId)
        }
        XCTAssertEqual(exists?.kind, .conflict)
        XCTAssertNil(exists?.retryAfter)
        let other = try Wallet.random()
        let reused = assertThrowsOffBlocks("idempotencyConflict") {
            try client.customers.create(chainId: other.accountId(chain: TestEnv.chain), externalId: "\(externalId)-other",
                                        idempotencyKey: key)
        }
        XCTAssertEqual(reused?.status, 422)
        XCTAssertEqual(reused?.kind, .idempotencyConflict)
        XCTAssertEqual(reused?.retryable, false)
        let missing = assertThrowsOffBlocks("notFound") { try client.customers.get("no-such-customer") }
        XCTAssertEqual(missing?.kind, .notFound)
    }

    func testFailuresBeforeAnyRequestHaveAKindAndSwiftSideOnesNone() throws {
        let e = assertThrowsOffBlocks("invalidInput") { try ChainId.parse("not a chain") }
        XCTAssertEqual(e?.kind, .invalidInput)
        XCTAssertNil(e?.retryAfter)
        XCTAssertEqual(e?.failure.tlsFailure, nil)
        let swiftSide = assertThrowsOffBlocks("invalidInput") { try ChainId.parse("nul\u{0}inside") }
        XCTAssertNil(swiftSide?.kind)
        XCTAssertNil(swiftSide?.failure.codeName)
    }

    func testEveryCodeAndKindMapsToItsCase() {
        let expected: [ResultCode: String] = [
            .nullArgument: "invalidInput", .invalidUtf8: "invalidInput", .invalidJson: "invalidInput", .invalidInput: "invalidInput",
            .config: "config", .key: "invalidKey", .signing: "signing", .signer: "signer", .siwe: "siwe",
            .challengeRefused: "challengeRefused", .challengeRejected: "challengeRejected", .transport: "transport",
            .api: "status", .conflict: "conflict", .decode: "decode", .timeout: "timeout", .panic: "internal",
            .state: "state", .cancelled: "cancelled", .invalidHandle: "invalidInput", .handleInUse: "invalidInput",
            .tls: "tls(handshake)",
        ]
        for code in ResultCode.allCases where code != .ok {
            let e = OffBlocksError.from(code: code.rawValue, Failure(message: "m"))
            XCTAssertEqual(e.caseName, expected[code], "\(code)")
            XCTAssertEqual(e.failure.code, code)
        }
        let byKind: [ErrorKind: String] = [
            .unauthenticated: "authentication", .permissionDenied: "permissionDenied", .notFound: "notFound",
            .conflict: "conflict", .inFlight: "inFlight", .idempotencyConflict: "idempotencyConflict",
            .rateLimited: "rateLimited", .server: "server", .api: "status",
        ]
        for (kind, name) in byKind {
            let e = OffBlocksError.from(code: ResultCode.api.rawValue, Failure(message: "m", status: 499, rawKind: kind.rawValue))
            XCTAssertEqual(e.caseName, name, "\(kind)")
        }
        // Without a kind (a failure made by hand), the status decides.
        for (status, name) in [401: "authentication", 403: "permissionDenied", 404: "notFound", 409: "conflict",
                               422: "status", 429: "rateLimited", 503: "server"] {
            XCTAssertEqual(OffBlocksError.from(code: ResultCode.api.rawValue, Failure(message: "m", status: status)).caseName, name)
        }
        for failure in TlsFailure.allCases {
            let e = OffBlocksError.from(code: ResultCode.tls.rawValue, Failure(message: "m", rawTlsFailure: failure.rawValue))
            guard case .tls(let which, let f) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(which, failure)
            XCTAssertEqual(f.tlsFailure, failure)
        }
        XCTAssertEqual(OffBlocksError.from(code: 99, Failure(message: "")).caseName, "other")
    }
}
