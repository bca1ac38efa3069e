package xyz.offblocks

/**
 * The C ABI's `offblocks_result` codes (their numbers never change; AbiTest checks them
 * against the header). A code this version does not know arrives as [OffblocksException.Other].
 */
enum class ResultCode(val value: Int) {
    OK(0),
    NULL_ARGUMENT(1),
    INVALID_UTF8(2),
    INVALID_JSON(3),
    INVALID_INPUT(4),
    CONFIG(5),
    KEY(6),
    SIGNING(7),
    SIGNER(8),
    SIWE(9),
    CHALLENGE_REFUSED(10),
    CHALLENGE_REJECTED(11),
    TRANSPORT(12),
    API(13),
    CONFLICT(14),
    DECODE(15),
    TIMEOUT(16),
    PANIC(17),
    STATE(18),
    CANCELLED(19),
    INVALID_HANDLE(20),
    HANDLE_IN_USE(21),
    TLS(22);

    companion object {
        private val byValue = entries.associateBy { it.value }

        /** The code numbered [value], or null for a number this version does not know. */
        fun of(value: Int): ResultCode? = byValue[value]
    }
}

/**
 * The C ABI's `offblocks_error_kind`: what kind of failure it was, the same list in every
 * face of the SDK (Rust `ErrorKind`, Python's exception classes). An API failure is sorted
 * by its status. A kind this version does not know arrives as null in [OffblocksException.kind].
 */
enum class ErrorKind(val value: Int) {
    NONE(0),
    INVALID_INPUT(1),
    REFUSED(2),
    UNAUTHENTICATED(3),
    PERMISSION_DENIED(4),
    NOT_FOUND(5),
    CONFLICT(6),
    IDEMPOTENCY_CONFLICT(7),
    IN_FLIGHT(8),
    RATE_LIMITED(9),
    SERVER(10),
    CHALLENGE_REJECTED(11),
    API(12),
    TIMEOUT(13),
    TRANSPORT(14),
    STATE(15),
    CANCELLED(16),
    SIGNING(17),
    SIGNER(18),
    DECODE(19),
    INTERNAL(20),
    TLS(21);

    companion object {
        private val byValue = entries.associateBy { it.value }

        /** The kind numbered [value], or null for a number this version does not know. */
        @JvmStatic
        fun of(value: Int): ErrorKind? = byValue[value]
    }
}

/**
 * A failure of the OffBlocks SDK. The subclass follows the C result code and, for HTTP
 * failures, the status, so a `when` over it is exhaustive:
 *
 * ```
 * try {
 *     client.customers.get("no-such-id")
 * } catch (e: OffblocksException.NotFound) {
 *     println("${e.status} ${e.requestId} ${e.body}")
 * }
 * ```
 *
 * [message] is short, lowercase and never holds a secret. [rawCode] is the C result code
 * (0 for failures raised on the Kotlin side), [status], [body] and [requestId] describe the
 * HTTP response behind the failure when there was one, and [retryable] says whether the
 * same call (with the same Idempotency-Key) may succeed if made again.
 */
sealed class OffblocksException(
    message: String,
    val rawCode: Int,
    val detail: Detail = Detail.NONE,
    cause: Throwable? = null,
) : RuntimeException(message, cause) {

    /** What the library said about a failure, besides its code and message. */
    class Detail(
        val status: Int? = null,
        val requestId: String? = null,
        val body: String? = null,
        val retryable: Boolean = false,
        val reissuedChallenge: String? = null,
        /** The C `offblocks_error_kind` number (0 for failures raised on the Kotlin side). */
        val rawKind: Int = 0,
        /** Seconds the server asked to wait (`Retry-After`), or null. */
        val retryAfterSeconds: Long? = null,
        /** After [ResultCode.TLS]: `offblocks_tls_failure` (1 untrusted chain, 2 host
         * mismatch, 3 expired, 4 pin mismatch, 5 handshake); 0 otherwise. */
        val tlsFailure: Int = 0,
    ) {
        companion object {
            val NONE = Detail()
        }
    }

    /** The C result code, or null for a code this version does not know (or 0). */
    val code: ResultCode? get() = ResultCode.of(rawCode)
    /** The HTTP status of the response behind the failure, or null. */
    val status: Int? get() = detail.status
    /** That response's `X-Request-Id`: quote it to OffBlocks support. */
    val requestId: String? get() = detail.requestId
    /** That response's body (text, usually JSON), or null. */
    val body: String? get() = detail.body
    /** Whether the same call (same Idempotency-Key) may succeed when made again. */
    val retryable: Boolean get() = detail.retryable
    /** What kind of failure it was, as every face of the SDK names it; null for a failure
     * raised on the Kotlin side or a kind this version does not know. */
    val kind: ErrorKind? get() = detail.rawKind.takeIf { it != 0 }?.let(ErrorKind::of)
    /** How long the server asked to wait before trying again (its `Retry-After`: on a 429,
     * a 503, an in-flight 409), or null when it did not say. */
    val retryAfter: java.time.Duration? get() = detail.retryAfterSeconds?.let(java.time.Duration::ofSeconds)

    override fun toString(): String {
        val extra = listOfNotNull(
            status?.let { "status $it" },
            requestId?.let { "request id $it" },
        )
        val text = if (extra.isEmpty()) message else "$message (${extra.joinToString(", ")})"
        return "${javaClass.name.substringAfterLast('.').replace('$', '.')}: $text"
    }

    /** An argument was malformed: a NUL character, bad UTF-8 or JSON, an empty id, bad
     * hex, a bad CAIP id or address… */
    class InvalidInput(message: String, rawCode: Int = 0, detail: Detail = Detail.NONE) :
        OffblocksException(message, rawCode, detail)

    /** Key material (a P-384 PEM, a wallet's secp256k1 key) could not be loaded. The
     * message never repeats the key. */
    class InvalidKey(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail)

    /** A Sign-In with Ethereum (EIP-4361) message could not be parsed. */
    class Siwe(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail)

    /** The client configuration is invalid or contradictory, or a call needs a setting the
     * client lacks (no signing key id yet). */
    class Config(message: String, rawCode: Int = 0, detail: Detail = Detail.NONE) :
        OffblocksException(message, rawCode, detail)

    /** Producing a signature failed. */
    class Signing(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail)

    /** An external [Signer] failed or returned a signature that does not recover to its
     * address. When the Kotlin signer threw, its exception is the [cause]. */
    class Signer(message: String, rawCode: Int, detail: Detail, cause: Throwable? = null) :
        OffblocksException(message, rawCode, detail, cause)

    /** The SDK refused to sign a challenge (wrong address, chain or domain, or outside its
     * validity window). Nothing was signed or sent. */
    class ChallengeRefused(message: String, rawCode: Int, detail: Detail) :
        OffblocksException(message, rawCode, detail)

    /** The connection failed, timed out or dropped (see [retryable]). */
    class Transport(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail)

    /** The TLS handshake was refused; nothing of the request was sent, and it is never
     * retryable. Not a [Transport]: code that retries those does not retry this. The
     * subclass says which check failed. */
    sealed class Tls(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail) {
        /** The server's chain leads to no trusted root: give its CA as `caPem`/`caFile`. */
        class UntrustedCertificate(message: String, rawCode: Int, detail: Detail) : Tls(message, rawCode, detail)

        /** The certificate is for other host names than the one called. */
        class HostnameMismatch(message: String, rawCode: Int, detail: Detail) : Tls(message, rawCode, detail)

        /** The certificate has expired or is not valid yet (check the clock). */
        class CertificateExpired(message: String, rawCode: Int, detail: Detail) : Tls(message, rawCode, detail)

        /** The chain is trusted but no key in it matches a configured `spkiPins` entry. */
        class PinMismatch(message: String, rawCode: Int, detail: Detail) : Tls(message, rawCode, detail)

        /** The handshake failed otherwise: plain HTTP on the port, nothing in common, an alert. */
        class Handshake(message: String, rawCode: Int, detail: Detail) : Tls(message, rawCode, detail)
    }

    /** The server answered with a non-2xx status: [status], [body] and [requestId] say
     * what it answered. */
    sealed class Api(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail) {
        /** The `error` member of a JSON error body (`"not_found"`…), if any. */
        val errorCode: String?
            get() = body?.let { runCatching { xyz.offblocks.internal.Json.parse(it) }.getOrNull() }
                ?.let { (it as? Map<*, *>)?.get("error") as? String }
    }

    /** 401 (unauthenticated): wrong credentials, or a token the server no longer accepts. */
    class Authentication(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** 403: the credentials are valid but not allowed to make this call. */
    class PermissionDenied(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** 404: no such resource (or an endpoint the environment does not have). */
    class NotFound(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** 409: the resource exists already, or is not in a state that allows the call. */
    class Conflict(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** 409 while a first request with the same Idempotency-Key is still being processed.
     * Retryable: the same call with the same key gets the first request's answer (the SDK
     * retries it itself; this is what is left once its attempts are spent). */
    class InFlight(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** 422: the Idempotency-Key was used before for a different method, path or body. A new
     * logical operation needs a new key. */
    class IdempotencyConflict(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** 429 Too Many Requests; [retryAfter] is how long the server asked to wait. */
    class RateLimited(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** 5xx: the server failed ([retryable] for 500, 502, 503 and 504). */
    class Server(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** The server rejected a signed challenge; [reissuedChallenge] is the one it issued in
     * its place (base64), when it could be fetched. */
    class ChallengeRejected(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail) {
        val reissuedChallenge: String? get() = detail.reissuedChallenge
    }

    /** Any other non-2xx answer (400, 405, 413…). */
    class Status(message: String, rawCode: Int, detail: Detail) : Api(message, rawCode, detail)

    /** A response (or a webhook delivery) did not have the expected shape. */
    class Decode(message: String, rawCode: Int = 0, detail: Detail = Detail.NONE, cause: Throwable? = null) :
        OffblocksException(message, rawCode, detail, cause)

    /** An operation that waits (onboarding) ran out of time. */
    class Timeout(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail)

    /** A resource reached a state the operation cannot continue from (a `rejected`
     * customer, a `failed` or `closed` account), or a [WebhookInbox]'s [EventStore] threw
     * (then its [cause]). */
    class State(message: String, rawCode: Int, detail: Detail, cause: Throwable? = null) :
        OffblocksException(message, rawCode, detail, cause)

    /** The caller stopped the operation: onboarding's progress callback threw a
     * `CancellationException` (which is then the [cause]). What was done stays done; the
     * same `onboard` called again resumes, creating nothing twice. The message names the
     * last step done. */
    class Cancelled(message: String, rawCode: Int, detail: Detail, cause: Throwable? = null) :
        OffblocksException(message, rawCode, detail, cause)

    /** A Kotlin callback (an onboarding progress callback) threw something other than a
     * `CancellationException`; its exception is the [cause]. As for [Cancelled], the flow
     * stopped at the step it was told about, and the same call resumes it. */
    class Callback(message: String, cause: Throwable, rawCode: Int = 0, detail: Detail = Detail.NONE) :
        OffblocksException(message, rawCode, detail, cause) {
        /** Always null: a throwing callback stops the flow, so there is no result. */
        @Deprecated("a throwing progress callback stops the flow: there is no result any more")
        val onboarded: Onboarded? get() = null
    }

    /** The library hit a bug (a caught panic). The handle is still usable; please report it. */
    class Internal(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail)

    /** A result code this version of the binding does not know (a newer library). */
    class Other(message: String, rawCode: Int, detail: Detail) : OffblocksException(message, rawCode, detail)

    /** The native library could not be loaded; the message lists every place tried. */
    class LibraryNotLoaded(message: String, cause: Throwable? = null) : OffblocksException(message, 0, Detail.NONE, cause)

    /** The native library was found but is not the version this binding was built for (or
     * lacks functions it needs); the message names both versions and the path. */
    class LibraryMismatch(message: String) : OffblocksException(message, 0)

    companion object {
        /** The exception for C result [rawCode] with the library's last-error [detail]. */
        @JvmStatic
        fun fromCode(rawCode: Int, message: String, detail: Detail): OffblocksException {
            val text = message.ifEmpty { "offblocks call failed with code $rawCode" }
            return when (ResultCode.of(rawCode)) {
                ResultCode.NULL_ARGUMENT, ResultCode.INVALID_UTF8, ResultCode.INVALID_JSON,
                ResultCode.INVALID_INPUT -> InvalidInput(text, rawCode, detail)
                ResultCode.CONFIG -> Config(text, rawCode, detail)
                ResultCode.KEY -> InvalidKey(text, rawCode, detail)
                ResultCode.SIGNING -> Signing(text, rawCode, detail)
                ResultCode.SIGNER -> Signer(text, rawCode, detail)
                ResultCode.SIWE -> Siwe(text, rawCode, detail)
                ResultCode.CHALLENGE_REFUSED -> ChallengeRefused(text, rawCode, detail)
                ResultCode.CHALLENGE_REJECTED -> ChallengeRejected(text, rawCode, detail)
                ResultCode.TRANSPORT -> Transport(text, rawCode, detail)
                ResultCode.API -> when (ErrorKind.of(detail.rawKind)) {
                    ErrorKind.UNAUTHENTICATED -> Authentication(text, rawCode, detail)
                    ErrorKind.PERMISSION_DENIED -> PermissionDenied(text, rawCode, detail)
                    ErrorKind.NOT_FOUND -> NotFound(text, rawCode, detail)
                    ErrorKind.CONFLICT -> Conflict(text, rawCode, detail)
                    ErrorKind.IN_FLIGHT -> InFlight(text, rawCode, detail)
                    ErrorKind.IDEMPOTENCY_CONFLICT -> IdempotencyConflict(text, rawCode, detail)
                    ErrorKind.RATE_LIMITED -> RateLimited(text, rawCode, detail)
                    ErrorKind.SERVER -> Server(text, rawCode, detail)
                    else -> Status(text, rawCode, detail)
                }
                ResultCode.CONFLICT -> Conflict(text, rawCode, detail)
                ResultCode.DECODE -> Decode(text, rawCode, detail)
                ResultCode.TIMEOUT -> Timeout(text, rawCode, detail)
                ResultCode.PANIC -> Internal(text, rawCode, detail)
                ResultCode.STATE -> State(text, rawCode, detail)
                ResultCode.CANCELLED -> Cancelled(text, rawCode, detail)
                // NativeHandle never passes a freed, busy or mistyped handle: these would
                // be bugs of this binding, reported as bad input.
                ResultCode.INVALID_HANDLE, ResultCode.HANDLE_IN_USE -> InvalidInput(text, rawCode, detail)
                ResultCode.TLS -> when (detail.tlsFailure) {
                    1 -> Tls.UntrustedCertificate(text, rawCode, detail)
                    2 -> Tls.HostnameMismatch(text, rawCode, detail)
                    3 -> Tls.CertificateExpired(text, rawCode, detail)
                    4 -> Tls.PinMismatch(text, rawCode, detail)
                    else -> Tls.Handshake(text, rawCode, detail)
                }
                ResultCode.OK, null -> Other(text, rawCode, detail)
            }
        }
    }
}
