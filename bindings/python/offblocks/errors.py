"""The exceptions of the SDK, one class per kind of failure.

Every exception raised by this package for a failure of the SDK is an
:class:`OffblocksError`. Its class follows the C result code (``offblocks_result``) and,
for HTTP failures, the status::

    OffblocksError
    ├── InvalidInput (ValueError)        bad argument: NUL, bad UTF-8/JSON, bad hex, id, CAIP…
    │   ├── InvalidKey                   a P-384 PEM or secp256k1 key that does not load
    │   ├── SiweError                    an EIP-4361 message that does not parse
    │   └── ConfigError                  invalid or contradictory client configuration
    ├── SigningError                     producing a signature failed
    ├── SignerError                      an external signer failed (see ``__cause__``)
    ├── ChallengeRefused                 the SDK refused to sign a challenge (nothing sent)
    ├── TransportError (ConnectionError) connection failed, timed out or dropped
    ├── TlsError (ConnectionError)       the TLS handshake was refused (never retried)
    │   ├── UntrustedCertificateError    the chain leads to no trusted root
    │   ├── HostnameMismatchError        the certificate is for another host
    │   ├── CertificateExpiredError      expired or not valid yet
    │   ├── PinMismatchError             no key of the chain matches ``spki_pins``
    │   └── TlsHandshakeError            not TLS on that port, nothing in common, an alert
    ├── ApiError                         non-2xx answer: ``status``, ``body``, ``request_id``
    │   ├── AuthenticationError          401 (unauthenticated)
    │   ├── PermissionDeniedError        403
    │   ├── NotFoundError                404
    │   ├── ConflictError                409: exists already, or wrong state for the call
    │   ├── InFlightError                409: the same Idempotency-Key is still in flight
    │   ├── IdempotencyConflictError     422: an Idempotency-Key reused for another body
    │   ├── RateLimitedError             429, with ``retry_after`` (seconds)
    │   ├── ServerError                  5xx
    │   └── ChallengeRejected            the server rejected a signed challenge
    ├── DecodeError                      a response did not have the expected shape
    ├── OffblocksTimeoutError (TimeoutError)  waiting for a status ran out of time
    ├── StateError                       a rejected customer, a failed or closed account
    ├── CallbackError                    a Python callback raised (see ``__cause__``)
    ├── CancelledError                   a progress callback stopped onboarding
    ├── InternalError                    a bug in the library (a caught panic)
    └── LibraryNotLoaded (ImportError)   the shared library cannot be loaded
        └── LibraryMismatch              …or is not the version of this package

Every exception from the library also carries ``kind`` (:class:`ErrorKind`, the C ABI's
``offblocks_error_kind``: the same list as Rust's ``ErrorKind`` and Kotlin's
``OffblocksException`` subclasses) and ``retry_after``, the seconds the server asked to
wait (``Retry-After``) or ``None``. The timeout class is not named ``TimeoutError``, so
``from offblocks import *`` never hides the builtin; it subclasses the builtin, so
``except TimeoutError`` catches it.

Example::

    try:
        client.customers.get("no-such-id")
    except offblocks.NotFoundError as e:
        print(e.status, e.request_id, e.body)
"""

from __future__ import annotations

import builtins
import json
from enum import IntEnum
from typing import Any


class ResultCode(IntEnum):
    """The C ABI's ``offblocks_result`` codes."""

    OK = 0
    NULL_ARGUMENT = 1
    INVALID_UTF8 = 2
    INVALID_JSON = 3
    INVALID_INPUT = 4
    CONFIG = 5
    KEY = 6
    SIGNING = 7
    SIGNER = 8
    SIWE = 9
    CHALLENGE_REFUSED = 10
    CHALLENGE_REJECTED = 11
    TRANSPORT = 12
    API = 13
    CONFLICT = 14
    DECODE = 15
    TIMEOUT = 16
    PANIC = 17
    STATE = 18
    CANCELLED = 19
    INVALID_HANDLE = 20
    HANDLE_IN_USE = 21
    TLS = 22


class ErrorKind(IntEnum):
    """The C ABI's ``offblocks_error_kind``: what kind of failure it was, the same list in
    every face of the SDK. An API failure is sorted by its status."""

    NONE = 0
    INVALID_INPUT = 1
    REFUSED = 2
    UNAUTHENTICATED = 3
    PERMISSION_DENIED = 4
    NOT_FOUND = 5
    CONFLICT = 6
    IDEMPOTENCY_CONFLICT = 7
    IN_FLIGHT = 8
    RATE_LIMITED = 9
    SERVER = 10
    CHALLENGE_REJECTED = 11
    API = 12
    TIMEOUT = 13
    TRANSPORT = 14
    STATE = 15
    CANCELLED = 16
    SIGNING = 17
    SIGNER = 18
    DECODE = 19
    INTERNAL = 20
    TLS = 21


class TlsFailure(IntEnum):
    """The C ABI's ``offblocks_tls_failure``: which TLS check refused a connection."""

    NONE = 0
    UNTRUSTED_CHAIN = 1
    HOST_MISMATCH = 2
    EXPIRED = 3
    PIN_MISMATCH = 4
    HANDSHAKE = 5


class OffblocksError(Exception):
    """A failure reported by the OffBlocks SDK.

    Attributes:
        message: a short, lowercase description (never a secret).
        code: the C result code (:class:`ResultCode`, or a plain ``int`` for a code this
            package does not know), or ``None`` for failures raised by Python code.
        status: the HTTP status of the response behind the failure, or ``None``.
        body: that response's body (text, usually JSON), or ``None``.
        request_id: that response's ``X-Request-Id`` (quote it to OffBlocks support).
        retryable: whether the same call (same Idempotency-Key) may succeed if repeated.
        kind: what kind of failure it was (:class:`ErrorKind`, or a plain ``int`` for a
            kind this package does not know), or ``None`` for failures raised by Python
            code.
        retry_after: the seconds the server asked to wait (its ``Retry-After``), or
            ``None`` when it did not say.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        body: str | None = None,
        request_id: str | None = None,
        retryable: bool = False,
        kind: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code: ResultCode | int | None = _result_code(code)
        self.status = status
        self.body = body
        self.request_id = request_id
        self.retryable = retryable
        self.kind: ErrorKind | int | None = _error_kind(kind)
        self.retry_after = retry_after

    def __str__(self) -> str:
        extra = []
        if self.status and str(self.status) not in self.message:
            extra.append(f"status {self.status}")
        if self.request_id and self.request_id not in self.message:
            extra.append(f"request id {self.request_id}")
        return f"{self.message} ({', '.join(extra)})" if extra else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}, status={self.status!r})"


def _result_code(code: int | None) -> ResultCode | int | None:
    if code is None:
        return None
    try:
        return ResultCode(code)
    except ValueError:
        return code


def _error_kind(kind: int | None) -> ErrorKind | int | None:
    if kind is None:
        return None
    try:
        return ErrorKind(kind)
    except ValueError:
        return kind


class InvalidInput(OffblocksError, ValueError):
    """An argument was malformed (a NUL character, bad JSON, an empty id, bad hex, a bad
    CAIP id or address…)."""


class InvalidKey(InvalidInput):
    """Key material (a P-384 PEM, a wallet's secp256k1 key) could not be loaded. The
    message never repeats the key."""


class SiweError(InvalidInput):
    """A Sign-In with Ethereum (EIP-4361) message could not be parsed."""


class ConfigError(InvalidInput):
    """The client configuration is invalid or contradictory, or a call needs a setting
    the client lacks (no signing key id yet)."""


class SigningError(OffblocksError):
    """Producing a signature failed."""


class SignerError(OffblocksError):
    """An external signer failed, or returned a signature that does not match its
    address. When a Python signer raised, the original exception is ``__cause__``."""


class ChallengeRefused(OffblocksError):
    """The SDK refused to sign a challenge (wrong address, chain or domain, or outside its
    validity window). Nothing was signed or sent."""


class TransportError(OffblocksError, ConnectionError):
    """The connection failed, timed out or dropped (see :attr:`retryable`)."""


class TlsError(OffblocksError, ConnectionError):
    """The TLS handshake was refused; nothing of the request was sent, and retrying the
    same server with the same trust settings gives the same answer. Not a
    :class:`TransportError`: a loop that retries those does not retry this.

    Attributes:
        failure: which check refused it (:class:`TlsFailure`).
    """

    failure = TlsFailure.HANDSHAKE


class UntrustedCertificateError(TlsError):
    """The server's chain leads to no trusted root: give its CA with ``ca_pem`` or
    ``ca_file`` (a gateway's private CA, a TLS-inspecting proxy), or do not trust it."""

    failure = TlsFailure.UNTRUSTED_CHAIN


class HostnameMismatchError(TlsError):
    """The server's certificate is for other host names than the one called."""

    failure = TlsFailure.HOST_MISMATCH


class CertificateExpiredError(TlsError):
    """The server's certificate has expired or is not valid yet (check the clock)."""

    failure = TlsFailure.EXPIRED


class PinMismatchError(TlsError):
    """The chain is trusted, but no key in it matches a configured ``spki_pins`` entry."""

    failure = TlsFailure.PIN_MISMATCH


class TlsHandshakeError(TlsError):
    """The handshake failed otherwise: plain HTTP on the port, no protocol or cipher in
    common, an alert from the server."""

    failure = TlsFailure.HANDSHAKE


class ApiError(OffblocksError):
    """The server answered with a non-2xx status.

    ``status`` (an ``int``), ``body`` and ``request_id`` tell what it answered.
    """

    status: int

    def __init__(self, message: str, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.status = self.status or 0

    def json(self) -> Any:
        """The body parsed as JSON, or ``None`` when it is not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def error_code(self) -> str | None:
        """The ``error`` member of a JSON error body (``"not_found"``…), if any."""
        parsed = self.json()
        if isinstance(parsed, dict) and isinstance(parsed.get("error"), str):
            return str(parsed["error"])
        return None


class AuthenticationError(ApiError):
    """401: wrong credentials, or an invalid token or request signature."""


class PermissionDeniedError(ApiError):
    """403: the credentials are valid but not allowed to make this call."""


class NotFoundError(ApiError):
    """404: no such resource (or an endpoint the environment does not have)."""


class ConflictError(ApiError):
    """409 Conflict: the resource already exists, or is not in a state that allows the
    call (activating an active account…)."""


class InFlightError(ApiError):
    """409 while a first request with the same Idempotency-Key is still being processed.
    Retryable: the same call with the same key gets the first request's answer (the SDK
    retries it itself; this is what is left when its attempts are spent)."""


class IdempotencyConflictError(ApiError):
    """422: the Idempotency-Key was used before for a different method, path or body. A
    new logical operation needs a new key."""


class RateLimitedError(ApiError):
    """429 Too Many Requests. ``retry_after`` is how many seconds the server asked to
    wait, or ``None`` when it did not say."""


class ServerError(ApiError):
    """5xx: the server failed (``retryable`` for 500, 502, 503 and 504)."""


class ChallengeRejected(ApiError):
    """The server rejected a signed challenge.

    ``reissued_challenge`` is the challenge it issued in its place (base64), when it could
    be fetched.
    """

    def __init__(self, message: str, *, reissued_challenge: str | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.reissued_challenge = reissued_challenge


class DecodeError(OffblocksError):
    """A response (or a webhook delivery) did not have the expected shape."""


class OffblocksTimeoutError(OffblocksError, builtins.TimeoutError):
    """An operation that waits (onboarding) ran out of time. A subclass of the builtin
    ``TimeoutError``, under a name that does not hide it."""


#: The former name of :class:`OffblocksTimeoutError`, kept for code that spells
#: ``offblocks.TimeoutError``; it is not exported by ``from offblocks import *``.
TimeoutError = OffblocksTimeoutError  # noqa: A001


class StateError(OffblocksError):
    """A resource reached a state the operation cannot continue from (a ``rejected``
    customer, a ``failed`` or ``closed`` account)."""


class CallbackError(OffblocksError):
    """A Python callback (a progress callback) raised, which stopped the flow there. The
    original exception is ``__cause__``; ``onboarded`` is always ``None`` (kept for code
    that reads it: a raising callback stops the flow, so there is no result). Running the
    flow again resumes it."""

    onboarded: Any = None


class CancelledError(OffblocksError):
    """A progress callback returned ``False``: onboarding stopped after the step the
    message names. What was done stays done, and running the flow again with the same
    request and signer resumes it, creating nothing twice."""


class CloseInCallbackError(OffblocksError, RuntimeError):
    """``close()`` was called on a client (or wallet, or signer) from inside a callback
    of a call that is using it, on the same thread: a progress callback or a signer.
    Closing waits for the calls in progress, so it would wait for itself forever; close
    it after the call returns instead. The handle stays open and usable."""


class InternalError(OffblocksError):
    """The library hit a bug (a caught panic). The handle is still usable; please report
    it."""


class LibraryNotLoaded(OffblocksError, ImportError):
    """The shared library could not be loaded. The message lists every path tried."""


class LibraryMismatch(LibraryNotLoaded):
    """The shared library is not the version this package was built for."""


_BY_CODE: dict[int, type[OffblocksError]] = {
    ResultCode.NULL_ARGUMENT: InvalidInput,
    ResultCode.INVALID_UTF8: InvalidInput,
    ResultCode.INVALID_JSON: InvalidInput,
    ResultCode.INVALID_INPUT: InvalidInput,
    ResultCode.CONFIG: ConfigError,
    ResultCode.KEY: InvalidKey,
    ResultCode.SIGNING: SigningError,
    ResultCode.SIGNER: SignerError,
    ResultCode.SIWE: SiweError,
    ResultCode.CHALLENGE_REFUSED: ChallengeRefused,
    ResultCode.CHALLENGE_REJECTED: ChallengeRejected,
    ResultCode.TRANSPORT: TransportError,
    ResultCode.API: ApiError,
    ResultCode.CONFLICT: ConflictError,
    ResultCode.DECODE: DecodeError,
    ResultCode.TIMEOUT: OffblocksTimeoutError,
    ResultCode.PANIC: InternalError,
    ResultCode.STATE: StateError,
    ResultCode.CANCELLED: CancelledError,
    # The handle wrappers of this package never pass a freed, busy or mistyped handle:
    # these would be bugs of the package, reported as bad input.
    ResultCode.INVALID_HANDLE: InvalidInput,
    ResultCode.HANDLE_IN_USE: InvalidInput,
    ResultCode.TLS: TlsError,
}

_BY_TLS_FAILURE: dict[int, type[TlsError]] = {
    TlsFailure.UNTRUSTED_CHAIN: UntrustedCertificateError,
    TlsFailure.HOST_MISMATCH: HostnameMismatchError,
    TlsFailure.EXPIRED: CertificateExpiredError,
    TlsFailure.PIN_MISMATCH: PinMismatchError,
    TlsFailure.HANDSHAKE: TlsHandshakeError,
}

# The class of an OFFBLOCKS_API failure, by its kind (the library sorts the status).
_API_BY_KIND: dict[int, type[ApiError]] = {
    ErrorKind.UNAUTHENTICATED: AuthenticationError,
    ErrorKind.PERMISSION_DENIED: PermissionDeniedError,
    ErrorKind.NOT_FOUND: NotFoundError,
    ErrorKind.CONFLICT: ConflictError,
    ErrorKind.IN_FLIGHT: InFlightError,
    ErrorKind.IDEMPOTENCY_CONFLICT: IdempotencyConflictError,
    ErrorKind.RATE_LIMITED: RateLimitedError,
    ErrorKind.SERVER: ServerError,
}


def error_from_code(
    code: int,
    message: str,
    *,
    status: int = 0,
    request_id: str | None = None,
    body: str | None = None,
    retryable: bool = False,
    reissued_challenge: str | None = None,
    kind: int | None = None,
    retry_after: int | None = None,
    tls_failure: int = 0,
) -> OffblocksError:
    """The exception for a C result code, its kind and the last-error detail."""
    cls = _BY_CODE.get(code, OffblocksError)
    if cls is ApiError and kind is not None:
        cls = _API_BY_KIND.get(kind, ApiError)
    if cls is TlsError:
        cls = _BY_TLS_FAILURE.get(tls_failure, TlsError)
    kw: dict[str, Any] = {
        "code": code,
        "status": status or None,
        "body": body,
        "request_id": request_id,
        "retryable": retryable,
        "kind": kind,
        "retry_after": retry_after,
    }
    if cls is ChallengeRejected:
        return ChallengeRejected(message or "challenge rejected", reissued_challenge=reissued_challenge, **kw)
    if not message:
        message = f"offblocks call failed with code {code}"
    return cls(message, **kw)
