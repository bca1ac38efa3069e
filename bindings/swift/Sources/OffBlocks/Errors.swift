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
    case invalidHandle = 20
    case handleInUse = 21
    case tls = 22

    /// The code's name as the header spells it (`"OFFBLOCKS_TRANSPORT"`), from the library.
    public var name: String { OffBlocks.resultName(rawValue) }
}

/// The C ABI's `offblocks_error_kind`: what kind of failure it was, the same list in every
/// face of the SDK (Rust `ErrorKind`, Python's exception classes, Kotlin's `ErrorKind`).
/// Where `ResultCode` says which part of the SDK failed, the kind says what a caller does
/// about it; an API failure is sorted by its status.
public enum ErrorKind: Int32, CaseIterable, Sendable {
    case none = 0
    case invalidInput = 1
    case refused = 2
    case unauthenticated = 3
    case permissionDenied = 4
    case notFound = 5
    case conflict = 6
    case idempotencyConflict = 7
    case inFlight = 8
    case rateLimited = 9
    case server = 10
    case challengeRejected = 11
    case api = 12
    case timeout = 13
    case transport = 14
    case state = 15
    case cancelled = 16
    case signing = 17
    case signer = 18
    case decode = 19
    case `internal` = 20
    case tls = 21
}

/// Which TLS check refused a connection (the C ABI's `offblocks_tls_failure`).
public enum TlsFailure: Int32, CaseIterable, Sendable {
    /// The chain leads to no trusted root (give the CA as `caPem` / `caFile`), a signature
    /// in it does not verify, or it was revoked.
    case untrustedChain = 1
    /// The certificate is for another host name.
    case hostMismatch = 2
    /// The certificate has expired or is not valid yet (check the clock).
    case expired = 3
    /// The chain is trusted but no key in it matches a configured `spkiPins` entry.
    case pinMismatch = 4
    /// The handshake failed otherwise: plain HTTP on the port, nothing in common, an alert.
    case handshake = 5
}

/// What the library said about a failure. `message` is short, lowercase and never holds a
/// secret; `rawCode` is the C result code (0 for failures raised on the Swift side);
/// `status`, `body` and `requestId` describe the HTTP response behind it when there was
/// one (the body with every secret the client knows replaced by `[redacted]`); `retryable`
/// says whether the same call (same Idempotency-Key) may succeed again.
public struct Failure: Sendable, CustomStringConvertible {
    public var message: String
    public var rawCode: Int32 = 0
    public var status: Int?
    public var requestId: String?
    public var body: String?
    public var retryable = false
    /// After a rejected challenge: the one the server issued in its place (base64).
    public var reissuedChallenge: String?
    /// The C `offblocks_error_kind` number (0 for failures raised on the Swift side).
    public var rawKind: Int32 = 0
    /// Seconds the server asked to wait (its `Retry-After`: on a 429, a 503, an in-flight
    /// 409), or nil when it did not say.
    public var retryAfter: TimeInterval?
    /// After `ResultCode.tls`: the C `offblocks_tls_failure` number; 0 otherwise.
    public var rawTlsFailure: Int32 = 0
    /// A Swift error behind the failure (what a signer or a progress callback threw).
    public var underlying: (any Error)?

    public init(message: String, rawCode: Int32 = 0, status: Int? = nil, requestId: String? = nil, body: String? = nil,
                retryable: Bool = false, reissuedChallenge: String? = nil, rawKind: Int32 = 0,
                retryAfter: TimeInterval? = nil, rawTlsFailure: Int32 = 0, underlying: (any Error)? = nil) {
        self.message = message
        self.rawCode = rawCode
        self.status = status
        self.requestId = requestId
        self.body = body
        self.retryable = retryable
        self.reissuedChallenge = reissuedChallenge
        self.rawKind = rawKind
        self.retryAfter = retryAfter
        self.rawTlsFailure = rawTlsFailure
        self.underlying = underlying
    }

    /// The C result code, or nil for one this version does not know (or 0).
    public var code: ResultCode? { rawCode == 0 ? nil : ResultCode(rawValue: rawCode) }

    /// The C result code's name as the header spells it (`"OFFBLOCKS_API"`), from the
    /// library; `"OFFBLOCKS_UNKNOWN"` for a number it does not define; nil for a failure
    /// raised on the Swift side.
    public var codeName: String? { rawCode == 0 ? nil : OffBlocks.resultName(rawCode) }

    /// What kind of failure it was, as every face of the SDK names it; nil for a failure
    /// raised on the Swift side or a kind this version does not know.
    public var kind: ErrorKind? { rawKind == 0 ? nil : ErrorKind(rawValue: rawKind) }

    /// After `ResultCode.tls`: which TLS check refused the connection.
    public var tlsFailure: TlsFailure? { TlsFailure(rawValue: rawTlsFailure) }

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
/// failures, the error kind (`offblocks_last_error_kind`: the status, and for a 409 or a
/// 422 what the server said), for TLS failures the check that failed:
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
    /// The connection failed, timed out or dropped, or the call deadline ran out (see
    /// `retryable`).
    case transport(Failure)
    /// The TLS handshake was refused: nothing of the request was sent, and it is never
    /// retryable. Not a `transport` error, so code that retries those does not retry this.
    /// The `TlsFailure` says which check failed:
    /// `catch OffBlocksError.tls(.pinMismatch, let f)`.
    case tls(TlsFailure, Failure)
    /// 401: wrong credentials, or a token or request signature the server does not accept.
    case authentication(Failure)
    /// 403: the credentials are valid but not allowed to make this call.
    case permissionDenied(Failure)
    /// 404: no such resource (or an endpoint the environment does not have).
    case notFound(Failure)
    /// 409: the resource exists already, or is not in a state that allows the call.
    case conflict(Failure)
    /// 409 while a first request with the same Idempotency-Key is still being processed.
    /// Retryable: the same call with the same key gets the first request's answer (the SDK
    /// retries it itself; this is what is left once its attempts are spent).
    case inFlight(Failure)
    /// 422: the Idempotency-Key was used before for a different method, path or body. A
    /// new logical operation needs a new key.
    case idempotencyConflict(Failure)
    /// 429: too many requests; `retryAfter` is how long the server asked to wait.
    case rateLimited(Failure)
    /// 5xx: the server failed (`retryable` for 500, 502, 503 and 504).
    case server(Failure)
    /// Any other non-2xx answer (400, 405, 413…).
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
    /// The library linked at run time is not a version this binding serves (the same
    /// `MAJOR.MINOR` before 1.0, the same `MAJOR` after); the message names both.
    case libraryMismatch(Failure)
    /// A result code this version of the binding does not know (a newer library).
    case other(Failure)

    public var failure: Failure {
        switch self {
        case .invalidInput(let f), .invalidKey(let f), .siwe(let f), .config(let f), .signing(let f), .signer(let f),
             .challengeRefused(let f), .challengeRejected(let f), .transport(let f), .tls(_, let f), .authentication(let f),
             .permissionDenied(let f), .notFound(let f), .conflict(let f), .inFlight(let f), .idempotencyConflict(let f),
             .rateLimited(let f), .server(let f), .status(let f), .decode(let f), .timeout(let f), .state(let f),
             .cancelled(let f), .callback(let f), .internal(let f), .libraryMismatch(let f), .other(let f):
            return f
        }
    }

    public var message: String { failure.message }
    public var rawCode: Int32 { failure.rawCode }
    public var status: Int? { failure.status }
    /// What kind of failure it was, as every face names it (nil when raised on the Swift side).
    public var kind: ErrorKind? { failure.kind }
    /// How long the server asked to wait before trying again, in seconds, or nil.
    public var retryAfter: TimeInterval? { failure.retryAfter }
    public var retryable: Bool { failure.retryable }

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
        case .tls(let which, _): return "tls(\(which))"
        case .authentication: return "authentication"
        case .permissionDenied: return "permissionDenied"
        case .notFound: return "notFound"
        case .conflict: return "conflict"
        case .inFlight: return "inFlight"
        case .idempotencyConflict: return "idempotencyConflict"
        case .rateLimited: return "rateLimited"
        case .server: return "server"
        case .status: return "status"
        case .decode: return "decode"
        case .timeout: return "timeout"
        case .state: return "state"
        case .cancelled: return "cancelled"
        case .callback: return "callback"
        case .internal: return "internal"
        case .libraryMismatch: return "libraryMismatch"
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
        case .tls(let which, _): return .tls(which, f)
        case .authentication: return .authentication(f)
        case .permissionDenied: return .permissionDenied(f)
        case .notFound: return .notFound(f)
        case .conflict: return .conflict(f)
        case .inFlight: return .inFlight(f)
        case .idempotencyConflict: return .idempotencyConflict(f)
        case .rateLimited: return .rateLimited(f)
        case .server: return .server(f)
        case .status: return .status(f)
        case .decode: return .decode(f)
        case .timeout: return .timeout(f)
        case .state: return .state(f)
        case .cancelled: return .cancelled(f)
        case .callback: return .callback(f)
        case .internal: return .internal(f)
        case .libraryMismatch: return .libraryMismatch(f)
        case .other: return .other(f)
        }
    }

    /// The error for C result `raw` and `failure` (its detail). An API failure takes its
    /// case from the failure's kind, or, without one, from its status.
    public static func from(code raw: Int32, _ failure: Failure) -> OffBlocksError {
        var f = failure
        f.rawCode = raw
        if f.message.isEmpty { f.message = "offblocks call failed with code \(raw)" }
        switch ResultCode(rawValue: raw) {
        case .nullArgument, .invalidUtf8, .invalidJson, .invalidInput: return .invalidInput(f)
        // The face never passes a freed, busy or mistyped handle: these would be bugs of
        // this binding, reported as bad input.
        case .invalidHandle, .handleInUse: return .invalidInput(f)
        case .config: return .config(f)
        case .key: return .invalidKey(f)
        case .signing: return .signing(f)
        case .signer: return .signer(f)
        case .siwe: return .siwe(f)
        case .challengeRefused: return .challengeRefused(f)
        case .challengeRejected: return .challengeRejected(f)
        case .transport: return .transport(f)
        case .tls: return .tls(f.tlsFailure ?? .handshake, f)
        case .api: return api(f)
        case .conflict: return .conflict(f)
        case .decode: return .decode(f)
        case .timeout: return .timeout(f)
        case .panic: return .internal(f)
        case .state: return .state(f)
        case .cancelled: return .cancelled(f)
        case .ok, .none: return .other(f)
        }
    }

    private static func api(_ f: Failure) -> OffBlocksError {
        switch f.kind {
        case .unauthenticated: return .authentication(f)
        case .permissionDenied: return .permissionDenied(f)
        case .notFound: return .notFound(f)
        case .conflict: return .conflict(f)
        case .inFlight: return .inFlight(f)
        case .idempotencyConflict: return .idempotencyConflict(f)
        case .rateLimited: return .rateLimited(f)
        case .server: return .server(f)
        case .some: return .status(f)
        case nil:
            switch f.status ?? 0 {
            case 401: return .authentication(f)
            case 403: return .permissionDenied(f)
            case 404: return .notFound(f)
            case 409: return .conflict(f)
            case 429: return .rateLimited(f)
            case 500...599: return .server(f)
            default: return .status(f)
            }
        }
    }

    /// The error for `rc`, with this thread's last-error detail (read at once: the next
    /// call on this thread replaces it).
    static func fromLastError(_ rc: offblocks_result) -> OffBlocksError {
        let status = offblocks_last_error_status()
        let retryAfter = offblocks_last_error_retry_after()
        let f = Failure(
            message: Native.borrowed(offblocks_last_error_message()) ?? "",
            status: status == 0 ? nil : Int(status),
            requestId: Native.borrowed(offblocks_last_error_request_id()),
            body: Native.borrowed(offblocks_last_error_body()),
            retryable: offblocks_last_error_retryable(),
            reissuedChallenge: Native.borrowed(offblocks_last_error_reissued_challenge()),
            rawKind: Int32(truncatingIfNeeded: offblocks_last_error_kind().rawValue),
            retryAfter: retryAfter < 0 ? nil : TimeInterval(retryAfter),
            rawTlsFailure: Int32(truncatingIfNeeded: offblocks_last_error_tls_failure().rawValue)
        )
        // The code the library recorded is the call's; `rc` is the same unless the call
        // failed before it could record one.
        let recorded = offblocks_last_error_code()
        let raw = recorded.rawValue != 0 && recorded == rc ? recorded.rawValue : rc.rawValue
        return from(code: Int32(truncatingIfNeeded: raw), f)
    }
}
