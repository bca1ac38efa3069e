import COffBlocks
import Foundation

/// The C ABI's `offblocks_result` codes (their numbers never change; the tests check them
/// against the header).
public enum ResultCode: Int32, CaseIterable, Sendable {
    case ok = 0
    case nullArgument = 1
    case invalidUtf8 = 2
    case invalidJson = 3
    case invalidInput = 4
    case config = 5
    case key = 6
    case signing = 7
    case signer = 8
    case siwe = 9
    case challengeRefused = 10
    case challengeRejected = 11
    case transport = 12
    case api = 13
    case conflict = 14
    case decode = 15
    case timeout = 16
    case panic = 17
    case state = 18
    case cancelled = 19
}

/// What the library said about a failure. `message` is short, lowercase and never holds a
/// secret; `rawCode` is the C result code (0 for failures raised on the Swift side);
/// `status`, `body` and `requestId` describe the HTTP response behind it when there was
/// one; `retryable` says whether the same call (same Idempotency-Key) may succeed again.
public struct Failure: Sendable, CustomStringConvertible {
    public var message: String
    public var rawCode: Int32 = 0
    public var status: Int?
    public var requestId: String?
    public var body: String?
    public var retryable = false
    /// After a rejected challenge: the one the server issued in its place (base64).
    public var reissuedChallenge: String?
    /// A Swift error behind the failure (what a signer or a progress callback threw).
    public var underlying: (any Error)?

    public init(message: String, rawCode: Int32 = 0, status: Int? = nil, requestId: String? = nil, body: String? = nil,
                retryable: Bool = false, reissuedChallenge: String? = nil, underlying: (any Error)? = nil) {
        self.message = message
        self.rawCode = rawCode
        self.status = status
        self.requestId = requestId
        self.body = body
        self.retryable = retryable
        self.reissuedChallenge = reissuedChallenge
        self.underlying = underlying
    }

    /// The C result code, or nil for one this version does not know (or 0).
    public var code: ResultCode? { rawCode == 0 ? nil : ResultCode(rawValue: rawCode) }

    /// The `error` member of a JSON error body (`"not_found"`…), if any.
    public var errorCode: String? {
        guard let body, let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return object["error"] as? String
    }

    public var description: String {
        let extra = [status.map { "status \($0)" }, requestId.map { "request id \($0)" }].compactMap { $0 }
        return extra.isEmpty ? message : "\(message) (\(extra.joined(separator: ", ")))"
    }
}

/// A failure of the OffBlocks SDK. The case follows the C result code and, for HTTP
/// failures, the status, so a `switch` over it is exhaustive:
///
/// ```swift
/// do {
///     _ = try client.customers.get("no-such-id")
/// } catch OffBlocksError.notFound(let f) {
///     print(f.status ?? 0, f.requestId ?? "", f.body ?? "")
/// }
/// ```
public enum OffBlocksError: Error, Sendable, CustomStringConvertible {
    /// An argument was malformed: a NUL character, bad UTF-8 or JSON, an empty id, bad hex,
    /// a bad CAIP id or address…
    case invalidInput(Failure)
    /// Key material (a P-384 PEM, a wallet's secp256k1 key) could not be loaded; the
    /// message never repeats the key.
    case invalidKey(Failure)
    /// A Sign-In with Ethereum (EIP-4361) message could not be parsed.
    case siwe(Failure)
    /// The configuration is invalid or contradictory, or a call needs a setting the client
    /// lacks (no signing key id yet).
    case config(Failure)
    /// Producing a signature failed.
    case signing(Failure)
    /// An external `Signer` failed (its error is `underlying`) or returned a signature that
    /// does not recover to its address.
    case signer(Failure)
    /// The SDK refused to sign a challenge (wrong address, chain or domain, or outside its
    /// validity window). Nothing was signed or sent.
    case challengeRefused(Failure)
    /// The server rejected a signed challenge; `reissuedChallenge` is the new one.
    case challengeRejected(Failure)
    /// The connection failed, timed out or dropped (see `retryable`).
    case transport(Failure)
    /// 401: wrong credentials, or a token the server no longer accepts.
    case authentication(Failure)
    /// 404: no such resource (or an endpoint the environment does not have).
    case notFound(Failure)
    /// 409: the resource exists already, or is not in a state that allows the call.
    case conflict(Failure)
    /// Any other non-2xx answer (400, 422, 429, 5xx…).
    case status(Failure)
    /// A response (or a webhook delivery) did not have the expected shape.
    case decode(Failure)
    /// An operation that waits (onboarding) ran out of time.
    case timeout(Failure)
    /// A resource reached a state the operation cannot continue from (a `rejected`
    /// customer, a `failed` or `closed` account).
    case state(Failure)
    /// The caller stopped the operation: the progress callback threw `CancellationError`,
    /// or the task running an async call was cancelled. What was done stays done; the same
    /// `onboard` called again resumes, creating nothing twice.
    case cancelled(Failure)
    /// A progress callback threw something other than `CancellationError` (its error is
    /// `underlying`); the flow stopped there, as for `cancelled`.
    case callback(Failure)
    /// The library hit a bug (a caught panic). The handle is still usable; please report it.
    case `internal`(Failure)
    /// A result code this version of the binding does not know (a newer library).
    case other(Failure)

    public var failure: Failure {
        switch self {
        case .invalidInput(let f), .invalidKey(let f), .siwe(let f), .config(let f), .signing(let f), .signer(let f),
             .challengeRefused(let f), .challengeRejected(let f), .transport(let f), .authentication(let f),
             .notFound(let f), .conflict(let f), .status(let f), .decode(let f), .timeout(let f), .state(let f),
             .cancelled(let f), .callback(let f), .internal(let f), .other(let f):
            return f
        }
    }

    public var message: String { failure.message }
    public var rawCode: Int32 { failure.rawCode }
    public var status: Int? { failure.status }

    public var description: String { "OffBlocksError.\(caseName): \(failure)" }

    var caseName: String {
        switch self {
        case .invalidInput: return "invalidInput"
        case .invalidKey: return "invalidKey"
        case .siwe: return "siwe"
        case .config: return "config"
        case .signing: return "signing"
        case .signer: return "signer"
        case .challengeRefused: return "challengeRefused"
        case .challengeRejected: return "challengeRejected"
        case .transport: return "transport"
        case .authentication: return "authentication"
        case .notFound: return "notFound"
        case .conflict: return "conflict"
        case .status: return "status"
        case .decode: return "decode"
        case .timeout: return "timeout"
        case .state: return "state"
        case .cancelled: return "cancelled"
        case .callback: return "callback"
        case .internal: return "internal"
        case .other: return "other"
        }
    }

    /// The same case with another `Failure`.
    func with(_ f: Failure) -> OffBlocksError {
        switch self {
        case .invalidInput: return .invalidInput(f)
        case .invalidKey: return .invalidKey(f)
        case .siwe: return .siwe(f)
        case .config: return .config(f)
        case .signing: return .signing(f)
        case .signer: return .signer(f)
        case .challengeRefused: return .challengeRefused(f)
        case .challengeRejected: return .challengeRejected(f)
        case .transport: return .transport(f)
        case .authentication: return .authentication(f)
        case .notFound: return .notFound(f)
        case .conflict: return .conflict(f)
        case .status: return .status(f)
        case .decode: return .decode(f)
        case .timeout: return .timeout(f)
        case .state: return .state(f)
        case .cancelled: return .cancelled(f)
        case .callback: return .callback(f)
        case .internal: return .internal(f)
        case .other: return .other(f)
        }
    }

    /// The error for C result `raw` and `failure` (its detail).
    public static func from(code raw: Int32, _ failure: Failure) -> OffBlocksError {
        var f = failure
        f.rawCode = raw
        if f.message.isEmpty { f.message = "offblocks call failed with code \(raw)" }
        switch ResultCode(rawValue: raw) {
        case .nullArgument, .invalidUtf8, .invalidJson, .invalidInput: return .invalidInput(f)
        case .config: return .config(f)
        case .key: return .invalidKey(f)
        case .signing: return .signing(f)
        case .signer: return .signer(f)
        case .siwe: return .siwe(f)
        case .challengeRefused: return .challengeRefused(f)
        case .challengeRejected: return .challengeRejected(f)
        case .transport: return .transport(f)
        case .api:
            switch f.status {
            case 401: return .authentication(f)
            case 404: return .notFound(f)
            case 409: return .conflict(f)
            default: return .status(f)
            }
        case .conflict: return .conflict(f)
        case .decode: return .decode(f)
        case .timeout: return .timeout(f)
        case .panic: return .internal(f)
        case .state: return .state(f)
        case .cancelled: return .cancelled(f)
        case .ok, .none: return .other(f)
        }
    }

    /// The error for `rc`, with this thread's last-error detail (read at once: the next
    /// call on this thread replaces it).
    static func fromLastError(_ rc: offblocks_result) -> OffBlocksError {
        let status = offblocks_last_error_status()
        let f = Failure(
            message: Native.borrowed(offblocks_last_error_message()) ?? "",
            status: status == 0 ? nil : Int(status),
            requestId: Native.borrowed(offblocks_last_error_request_id()),
            body: Native.borrowed(offblocks_last_error_body()),
            retryable: offblocks_last_error_retryable(),
            reissuedChallenge: Native.borrowed(offblocks_last_error_reissued_challenge())
        )
        // The code the library recorded is the call's; `rc` is the same unless the call
        // failed before it could record one.
        let recorded = offblocks_last_error_code()
        let raw = recorded.rawValue != 0 && recorded == rc ? recorded.rawValue : rc.rawValue
        return from(code: Int32(truncatingIfNeeded: raw), f)
    }
}
