"""The OffBlocks API client, :class:`Client`: it holds the library's client and hands out
the resources (``client.auth``: :mod:`offblocks.auth`; ``client.customers``:
:mod:`offblocks.customers`; ``client.simulator``: :mod:`offblocks.simulator`;
``client.accounts``, ``client.webhooks``). Its keywords become the JSON configuration in
:func:`offblocks.config.client_config`."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Iterable, Literal, Mapping, Sequence, overload

from . import _native, onboarding
from ._handle import OwnedHandle
from ._native import opt_text, text
from ._resource import SIGNER
from .accounts import Accounts as Accounts
from .auth import Auth as Auth
from .auth import generate_signing_key, signing_key_public_pem
from .config import Retry, client_config
from .customers import Customers as Customers
from .simulator import Simulator as Simulator
from .errors import ConfigError, OffblocksError
from .models import DryRun, Onboarded, Progress, Waiting
from .observer import Attempt, native_observer, raise_pending
from .request_signer import RequestSigner, raise_signer_error
from .wallet import NativeSigner, Signer, Wallet
from .webhooks import Webhooks as Webhooks
from .webhooks import parse_webhook_event

# The models and resources are importable from here as well as from their own modules.
from .models import Account, Challenge, Customer, Token  # noqa: F401
from .models import Webhook, WebhookEvent, WebhookType  # noqa: F401

__all__ = [
    "Client",
    "Retry",
    "generate_signing_key",
    "signing_key_public_pem",
    "parse_webhook_event",
]


class Client:
    """A client of the OffBlocks API: every call signed (RFC 9421, ``ecdsa-p384-sha384``)
    with a ``Content-Digest`` (RFC 9530) and an ``Idempotency-Key`` that survives retries.

    Keyword arguments mirror the C ABI's JSON configuration (``offblocks_client_new``);
    durations are in seconds. One of ``signing_key_pem``, ``generate_signing_key`` and
    ``request_signer`` is required. A setting left ``None`` takes the library's default:
    :func:`~offblocks.config_defaults` lists them. A client may be shared by many threads;
    :meth:`close` waits for calls in progress.

    Example (against the local emulator)::

        from offblocks import Client, Wallet

        with Client(base_url="http://127.0.0.1:8080/v1", api_key="key", api_secret="secret",
                    generate_signing_key=True) as client:
            client.auth.register_signing_key()
            wallet = Wallet.random()
            done = client.onboard("user-42", signer=wallet)
            print(done.account.status)      # AccountStatus.ACTIVE

    Args:
        base_url: the API's base URL, e.g. ``"http://127.0.0.1:8080/v1"``; or
        environment: ``"sandbox"`` or ``"live"``; not both.
        api_key, api_secret: the API credentials (required).
        signing_key_pem: the P-384 request-signing private key (SEC1 or PKCS#8 PEM); or
        generate_signing_key: make a fresh one (then register it with
            ``client.auth.register_signing_key()``).
        key_id: the id of an already registered signing key.
        connect_timeout, timeout: in seconds.
        retry: a :class:`Retry` or a mapping with its fields.
        proxy: an HTTP proxy for every call, ``"http://[user:password@]host:port"`` (HTTPS
            is tunnelled with CONNECT; the password is never shown); or
        proxy_from_env: take it from ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` (the
            environment is not read otherwise).
        user_agent, covered_components, digest (``"sha-256"``, ``"sha-512"``, ``"both"``),
        clock_skew (seconds), follow_server_clock (learn the server's time from ``Date``),
        allow_insecure_http (plain http to a non-loopback host), challenge_domain,
        challenge_clock_tolerance (seconds: the clock difference allowed when a customer
        challenge's times are checked, its one-hour window without an expiration time
        included),
        signature_validity (seconds), signature_nonce, signature_label,
        token_refresh_margin (seconds), max_clock_correction (seconds: the largest
        correction taken from the server's ``Date``), call_deadline (seconds: one call in
        all, retries included), account_challenge_policy (``"recognized"``: sign only a
        secp256k1 public key in PEM or a UUID; ``"any"``): see the C header.
        root_store: ``"webpki"`` (Mozilla's roots, bundled in the library) or
            ``"platform"`` (the operating system's verifier, in builds with that feature).
        ca_pem, ca_file: extra trust anchors (PEM text, or the path of a PEM file) added
            to the root store: a gateway's private CA, a TLS-inspecting proxy's.
        spki_pins: base64 SHA-256 digests of SubjectPublicKeyInfo; the server's chain
            must carry one of them.
        request_signer: a :class:`~offblocks.RequestSigner`, the P-384 key held outside
            the process (a KMS) that signs every request; then neither
            ``signing_key_pem`` nor ``generate_signing_key``.
        observer: called with an :class:`~offblocks.Attempt` after every attempt of every
            call (retries included), on the thread making the call, possibly several at
            once: keep it quick and thread-safe. It watches and cannot change a call: what
            it raises is dropped (a ``KeyboardInterrupt`` or ``SystemExit`` is raised
            again once the call returns). It is not a setting of the JSON configuration.

    Raises:
        ConfigError: missing or contradictory settings.
        InvalidKey: a PEM that is not a P-384 private key.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        environment: str | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        signing_key_pem: str | None = None,
        generate_signing_key: bool = False,
        key_id: str | None = None,
        connect_timeout: float | None = None,
        timeout: float | None = None,
        retry: Retry | Mapping[str, Any] | None = None,
        user_agent: str | None = None,
        proxy: str | None = None,
        proxy_from_env: bool | None = None,
        covered_components: Sequence[str] | None = None,
        digest: str | None = None,
        clock_skew: int | None = None,
        follow_server_clock: bool | None = None,
        allow_insecure_http: bool | None = None,
        challenge_domain: str | None = None,
        challenge_clock_tolerance: int | None = None,
        signature_validity: int | None = None,
        signature_nonce: bool | None = None,
        signature_label: str | None = None,
        token_refresh_margin: int | None = None,
        max_clock_correction: int | None = None,
        call_deadline: float | None = None,
        account_challenge_policy: str | None = None,
        root_store: str | None = None,
        ca_pem: str | None = None,
        ca_file: str | os.PathLike[str] | None = None,
        spki_pins: Sequence[str] | None = None,
        observer: Callable[[Attempt], object] | None = None,
        request_signer: RequestSigner | None = None,
    ) -> None:
        # Every setting, by name and in order: client_config writes them as the C ABI's
        # JSON configuration (config.SETTINGS lists them).
        settings = dict(locals())
        del settings["self"], settings["observer"], settings["request_signer"]
        self._init(client_config(settings), observer, request_signer)

    def _init(
        self,
        config: dict[str, Any],
        observer: Callable[[Attempt], object] | None,
        request_signer: RequestSigner | None = None,
    ) -> None:
        # The library may call the observer and the request signers until
        # offblocks_client_free returns: the handle keeps their ctypes callbacks alive
        # until then (every signer it was given, rotated away or not).
        callback = native_observer(observer)
        if request_signer is not None and not isinstance(request_signer, RequestSigner):
            raise TypeError("request_signer must be an offblocks.RequestSigner")
        self._signers: list[object] = []
        handle = _new_handle(config, callback, request_signer)
        if request_signer is not None:
            self._signers.append(request_signer._keep())
        free = _native.free_function("offblocks_client_free")
        self._owned = OwnedHandle(handle, free, "client", keep=(callback, self._signers))
        self.customers = Customers(self)
        self.accounts = Accounts(self)
        self.webhooks = Webhooks(self)
        self.auth = Auth(self)
        self.simulator = Simulator(self)

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        observer: Callable[[Attempt], object] | None = None,
        request_signer: RequestSigner | None = None,
    ) -> Client:
        """A client from the C ABI's JSON configuration as a mapping (camelCase keys), and
        optionally an ``observer`` and a ``request_signer`` as :class:`Client` takes them.

        >>> Client.from_config({"baseUrl": "http://127.0.0.1:1/v1", "apiKey": "k",
        ...                     "apiSecret": "s", "generateSigningKey": True}).close()
        """
        self = cls.__new__(cls)
        self._init(dict(config), observer, request_signer)
        return self

    @classmethod
    def from_env(cls, *, generate_signing_key: bool = False, **overrides: Any) -> Client:
        """A client from the same variables as the Rust example: ``OFFBLOCKS_BASE_URL``,
        ``OFFBLOCKS_API_KEY``, ``OFFBLOCKS_API_SECRET``, ``OFFBLOCKS_SIGNING_KEY`` (the
        path of a P-384 PEM), ``OFFBLOCKS_KEY_ID`` and ``OFFBLOCKS_CA_FILE`` (a PEM file of
        extra trust anchors); keyword arguments (``observer=`` included) are
        :class:`Client`'s and take precedence.

        Without ``OFFBLOCKS_SIGNING_KEY`` (or ``signing_key_pem=``) it raises
        :class:`ConfigError`: a fresh key in every process would register a new key each
        time, and lose it at exit. ``generate_signing_key=True`` asks for that fresh key
        (tests, the emulator)."""

        def env(name: str) -> str | None:
            value = os.environ.get(name, "").strip()
            return value or None

        kwargs: dict[str, Any] = {
            "base_url": env("OFFBLOCKS_BASE_URL"),
            "api_key": env("OFFBLOCKS_API_KEY"),
            "api_secret": env("OFFBLOCKS_API_SECRET"),
            "key_id": env("OFFBLOCKS_KEY_ID"),
            "ca_file": env("OFFBLOCKS_CA_FILE"),
        }
        key_path = env("OFFBLOCKS_SIGNING_KEY")
        if overrides.get("signing_key_pem") is not None:
            pass
        elif generate_signing_key:
            kwargs["generate_signing_key"] = True
        elif key_path:
            try:
                with open(key_path, encoding="utf-8") as f:
                    kwargs["signing_key_pem"] = f.read()
            except OSError as e:
                raise ConfigError(f"cannot read OFFBLOCKS_SIGNING_KEY {key_path}: {e}") from e
        else:
            raise ConfigError(
                "OFFBLOCKS_SIGNING_KEY is not set: set it to the path of your P-384 signing "
                "key's PEM, or pass signing_key_pem=, or generate_signing_key=True for a "
                "fresh key that is registered and lost with this process"
            )
        kwargs.update(overrides)
        return cls(**kwargs)

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Releases the client, after the calls in progress on other threads return.
        Calls made after it raise :class:`OffblocksError`. Closing twice is harmless.

        Raises :class:`CloseInCallbackError` (and leaves the client open) when called
        from inside a progress callback or a signer of a call on this client: that call
        is still in progress, so closing would wait for itself."""
        owned = getattr(self, "_owned", None)
        if owned is not None:
            owned.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._owned.closed

    def _enter(self) -> int:
        return self._owned.enter()

    def _leave(self) -> None:
        self._owned.leave()
        raise_pending()  # a Ctrl-C that landed in the observer during the call
        raise_signer_error()  # what a request signer raised during the call

    def _call(self, name: str, *args: Any) -> None:
        handle = self._enter()
        try:
            _native.call(name, handle, *args)
        finally:
            self._leave()

    def _call_string(self, name: str, *args: Any) -> str:
        handle = self._enter()
        try:
            return _native.call_string(name, handle, *args)
        finally:
            self._leave()

    def _call_json(self, name: str, *args: Any) -> Any:
        return _native.parse_json(self._call_string(name, *args))

    # -- client settings -----------------------------------------------------------------

    @property
    def key_id(self) -> str | None:
        """The id of the key the client signs with, or ``None`` before one is registered.
        Set it to use a key registered earlier (``None`` forgets it)."""
        handle = self._enter()
        try:
            return _native.call_opt_string("offblocks_client_key_id", handle)
        finally:
            self._leave()

    @key_id.setter
    def key_id(self, value: str | None) -> None:
        self._call("offblocks_client_set_key_id", opt_text(value, "key_id"))

    def dry_run(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        idempotency_key: str | None = None,
        token: str | None = None,
    ) -> DryRun:
        """Shows, without sending anything, exactly what a request would carry: its
        headers (signature, digest, token…) and the RFC 9421 signature base.

        ``body`` is JSON text (``str``) or a value to encode as JSON. ``token`` is the
        bearer token to show (by default the client's, fetched if needed).

        >>> run = client.dry_run("POST", "/customers", {"externalId": "u"})  # doctest: +SKIP
        >>> run.header("content-digest")                                      # doctest: +SKIP
        'sha-256=:…:'
        """
        body_text = None
        if body is not None:
            body_text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
        raw = self._call_json(
            "offblocks_client_dry_run",
            text(method, "method"),
            text(path, "path"),
            opt_text(body_text, "body"),
            opt_text(idempotency_key, "idempotency_key"),
            opt_text(token, "token"),
        )
        return DryRun.from_json(raw)

    def register_signing_key(self, *, idempotency_key: str | None = None) -> str:
        """Shortcut for :meth:`Auth.register_signing_key`."""
        return self.auth.register_signing_key(idempotency_key=idempotency_key)

    @overload
    def onboard(
        self,
        external_id: str,
        *,
        signer: Signer | Wallet,
        chain: str = ...,
        progress: Callable[[Progress], object] | None = ...,
        simulate_verification: bool | None = ...,
        account_type: str | None = ...,
        currencies: Iterable[str] | None = ...,
        timeout: float | None = ...,
        poll_interval: float | None = ...,
        max_poll_interval: float | None = ...,
        wait: Literal["finish"] | None = ...,
    ) -> Onboarded: ...

    @overload
    def onboard(
        self,
        external_id: str,
        *,
        signer: Signer | Wallet,
        chain: str = ...,
        progress: Callable[[Progress], object] | None = ...,
        simulate_verification: bool | None = ...,
        account_type: str | None = ...,
        currencies: Iterable[str] | None = ...,
        timeout: float | None = ...,
        poll_interval: float | None = ...,
        max_poll_interval: float | None = ...,
        wait: Literal["return_when_waiting"],
    ) -> Onboarded | Waiting: ...

    def onboard(
        self,
        external_id: str,
        *,
        signer: Signer | Wallet,
        chain: str = "eip155:300",
        progress: Callable[[Progress], object] | None = None,
        simulate_verification: bool | None = None,
        account_type: str | None = None,
        currencies: Iterable[str] | None = None,
        timeout: float | None = None,
        poll_interval: float | None = None,
        max_poll_interval: float | None = None,
        wait: onboarding.Wait | None = None,
    ) -> Onboarded | Waiting:
        """Runs the whole onboarding flow: creates the customer ``external_id`` with
        ``signer``'s address on the CAIP-2 ``chain`` (or picks it up if it exists), checks
        and signs its challenge, has the sandbox's simulator verify it
        (``simulate_verification``), waits until it is ``active``, opens the account
        (``account_type`` in ``currencies``; or picks up an open one), signs its
        challenge, and waits until the account is ``active``. ``timeout`` (seconds)
        bounds the whole flow; statuses are polled from ``poll_interval`` doubling up to
        ``max_poll_interval``.

        A keyword left ``None`` takes the library's default
        (:func:`~offblocks.onboarding.onboarding_defaults` lists them); ``chain`` is the
        sandbox's chain unless given.

        ``signer`` is a :class:`Wallet` (the library signs by itself) or any
        :class:`Signer` (``address`` + ``sign_personal(bytes) -> bytes``), called back
        from the library. ``progress`` is called on this thread with a :class:`Progress`
        after each step and at each poll while the flow waits; it stops the flow by
        returning ``False`` (any other value, ``None`` included, goes on) or by raising.

        ``wait="return_when_waiting"`` returns a :class:`Waiting` instead of polling as
        soon as OffBlocks has the next move (KYC, the account's deployment), and the
        :class:`Onboarded` result once everything is ``active``; ``"finish"`` polls.

        Every step is resumable: calling again with the same ``external_id`` and signer
        after a crash, a stop or a :class:`Waiting` continues where the flow stopped,
        creating nothing twice.

        >>> done = client.onboard("user-42", signer=Wallet.random(),       # doctest: +SKIP
        ...                       progress=lambda p: print(p.step, p.status))
        create_customer initiating
        ...
        done active

        Raises:
            CancelledError: ``progress`` returned ``False`` (the message names the last
                step done).
            CallbackError: ``progress`` raised (``__cause__``), which stopped the flow at
                once; a ``KeyboardInterrupt`` or ``SystemExit`` is raised as is.
            SignerError: the signer failed (a Python signer's exception is ``__cause__``).
            OffblocksTimeoutError: statuses did not change within ``timeout`` seconds.
            StateError: the customer was rejected, or the account failed or was closed.
            ConfigError: a keyword of the wrong type or a negative duration.
            ApiError, TransportError…: as the underlying calls.
        """
        request = onboarding.request_json(
            external_id,
            chain,
            simulate_verification=simulate_verification,
            account_type=account_type,
            currencies=currencies,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            wait=wait,
        )
        return onboarding.run(self, request, signer, progress)

    def _with_signer(self, signer: Signer | Wallet, name: str, *args: Any) -> None:
        """Calls ``name(client, *args)`` where an argument ``SIGNER`` stands for the
        signer's handle; re-raises what a Python signer raised."""
        with NativeSigner(signer) as native_signer:
            handle = self._enter()
            try:
                signer_handle = native_signer.handle()
                try:
                    failure = _native.try_call(
                        name, handle, *(signer_handle if a is SIGNER else a for a in args)
                    )
                finally:
                    native_signer.release()
            finally:
                self._leave()
            native_signer.reraise(failure)
        if failure is not None:
            raise failure

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<offblocks.Client {state}>"


def _new_handle(config: dict[str, Any], observer: Any, signer: RequestSigner | None) -> int:
    raw = json.dumps(config)
    try:
        if signer is None:
            return _native.call_handle(
                "offblocks_client_new_with_observer", text(raw, "config"), observer, None
            )
        signer_handle = signer._handle()
        try:
            return _native.call_handle(
                "offblocks_client_new_with_request_signer",
                text(raw, "config"),
                signer_handle,
                observer,
                None,
            )
        finally:
            signer._release()
    except OffblocksError as e:
        # A configuration that is not valid JSON for the call is a configuration error.
        if e.code in (3,) and not isinstance(e, ConfigError):
            raise ConfigError(e.message, code=e.code) from None
        raise
    finally:
        del raw
