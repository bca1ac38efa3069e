"""Python bindings of the OffBlocks SDK: a client for the OffBlocks crypto-card
onboarding API (customers, accounts, wallets, challenges, webhooks), over the SDK's C ABI.

Every request is signed (RFC 9421, ``ecdsa-p384-sha384``) with a ``Content-Digest``
(RFC 9530) and an ``Idempotency-Key`` that survives retries; customers prove they own
their wallet by signing EIP-4361 challenges with EIP-191.

Quick start, against the local emulator::

    from offblocks import Wallet
    from offblocks.sandbox import LocalSandbox

    with LocalSandbox.start() as sandbox, sandbox.client() as client:
        client.auth.register_signing_key()
        done = client.onboard("user-42", signer=Wallet.random(),
                              progress=lambda p: print(p.step, p.status))
        print(done.customer.id, done.account.status)

The shared library is loaded (and its version checked against this package's) on import;
``OFFBLOCKS_LIB`` overrides its path.
"""

from __future__ import annotations

from . import _native
from ._native import library_path, library_version
from ._version import __version__
from .accounts import Accounts
from .auth import Auth, generate_signing_key, signing_key_public_pem
from .caip import AccountId, ChainId
from .client import Client
from .request_signer import RequestSigner
from .config import Retry, config_defaults
from .onboarding import onboarding_defaults
from .customers import Customers
from .simulator import Simulator
from .enums import (
    AccountStatus,
    AccountType,
    CustomerStatus,
    OpenEnum,
    SignatureEncoding,
    WebhookType,
)
from .errors import (
    ApiError,
    AuthenticationError,
    CallbackError,
    CancelledError,
    ChallengeRefused,
    CloseInCallbackError,
    ChallengeRejected,
    ConfigError,
    ConflictError,
    DecodeError,
    ErrorKind,
    IdempotencyConflictError,
    InFlightError,
    InternalError,
    InvalidInput,
    InvalidKey,
    LibraryNotLoaded,
    NotFoundError,
    OffblocksError,
    OffblocksTimeoutError,
    PermissionDeniedError,
    RateLimitedError,
    ResultCode,
    ServerError,
    SignerError,
    SigningError,
    SiweError,
    StateError,
    TimeoutError as TimeoutError,  # the former name of OffblocksTimeoutError; not in __all__
    TransportError,
    TlsError,
    UntrustedCertificateError,
    HostnameMismatchError,
    CertificateExpiredError,
    PinMismatchError,
    TlsHandshakeError,
    TlsFailure,
    LibraryMismatch,
)
from .models import (
    Account,
    Challenge,
    Customer,
    DryRun,
    Onboarded,
    Waiting,
    Progress,
    Token,
    Webhook,
    WebhookEvent,
)
from .observer import Attempt, log_attempts
from .siwe import SiweMessage, check_challenge, parse_siwe
from .wallet import (
    CallbackSigner,
    EthAccountSigner,
    Signer,
    Wallet,
    recover_address,
)
from .webhooks import Webhooks, parse_webhook_event
from .inbox import EventStore, Received, ReceivedKind, WebhookInbox

# Load the library now: a missing library or a version mismatch fails the import, with
# the paths tried.
_native.lib()

__all__ = [
    "__version__",
    "library_path",
    "library_version",
    # client
    "Client",
    "RequestSigner",
    "Retry",
    "config_defaults",
    "onboarding_defaults",
    "Auth",
    "Customers",
    "Accounts",
    "Simulator",
    "Webhooks",
    "generate_signing_key",
    "signing_key_public_pem",
    "parse_webhook_event",
    "WebhookInbox",
    "EventStore",
    "Received",
    "ReceivedKind",
    # wallet
    "Wallet",
    "Signer",
    "CallbackSigner",
    "EthAccountSigner",
    "ChainId",
    "AccountId",
    "recover_address",
    "parse_siwe",
    "check_challenge",
    # models
    "Account",
    "AccountStatus",
    "Attempt",
    "log_attempts",
    "AccountType",
    "Challenge",
    "Customer",
    "CustomerStatus",
    "DryRun",
    "Onboarded",
    "Waiting",
    "OpenEnum",
    "Progress",
    "SignatureEncoding",
    "SiweMessage",
    "Token",
    "Webhook",
    "WebhookEvent",
    "WebhookType",
    # errors
    "OffblocksError",
    "ResultCode",
    "ErrorKind",
    "InvalidInput",
    "InvalidKey",
    "SiweError",
    "ConfigError",
    "SigningError",
    "SignerError",
    "ChallengeRefused",
    "ChallengeRejected",
    "TransportError",
    "TlsError",
    "UntrustedCertificateError",
    "HostnameMismatchError",
    "CertificateExpiredError",
    "PinMismatchError",
    "TlsHandshakeError",
    "TlsFailure",
    "ApiError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "InFlightError",
    "IdempotencyConflictError",
    "RateLimitedError",
    "ServerError",
    "DecodeError",
    "OffblocksTimeoutError",
    "StateError",
    "CallbackError",
    "CancelledError",
    "CloseInCallbackError",
    "InternalError",
    "LibraryNotLoaded",
    "LibraryMismatch",
]
