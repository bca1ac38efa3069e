"""Running the onboarding flow (``offblocks_client_onboard``) for :meth:`Client.onboard
<offblocks.Client.onboard>`: its progress callback, which may stop the flow, and which
failure the caller sees when the callback, the signer and the flow all have something
to say."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal

from . import _native
from .config import millis
from .errors import CallbackError, ConfigError
from .models import Onboarded, Progress, Waiting, onboarding_from_json
from .wallet import NativeSigner, Signer, Wallet

if TYPE_CHECKING:
    from .client import Client


Wait = Literal["finish", "return_when_waiting"]
"""``"finish"``: poll until the account is ``active``; ``"return_when_waiting"``: return
a :class:`~offblocks.Waiting` as soon as OffBlocks has the next move."""

_WAIT_KEYS: dict[str, str] = {"finish": "finish", "return_when_waiting": "returnWhenWaiting"}

# Each keyword of Client.onboard that is a key of the request, with that key and how its
# value is written; chain and the account's two parts are handled apart.
REQUEST_KEYWORDS: dict[str, str] = {
    "simulate_verification": "simulateVerification",
    "timeout": "timeoutMs",
    "poll_interval": "pollIntervalMs",
    "max_poll_interval": "maxPollIntervalMs",
    "wait": "wait",
}


def onboarding_defaults() -> dict[str, Any]:
    """The library's default of every optional key of the onboarding request
    (``offblocks_onboarding_defaults``), as JSON: what a keyword of
    :meth:`Client.onboard <offblocks.Client.onboard>` left ``None`` means."""
    defaults: dict[str, Any] = _native.parse_json(
        _native.call_string("offblocks_onboarding_defaults")
    )
    return defaults


def request_json(
    external_id: str,
    chain: str,
    *,
    simulate_verification: bool | None = None,
    account_type: str | None = None,
    currencies: Iterable[str] | None = None,
    timeout: float | None = None,
    poll_interval: float | None = None,
    max_poll_interval: float | None = None,
    wait: Wait | None = None,
) -> dict[str, Any]:
    """The JSON request of ``offblocks_client_onboard``: only what the caller set, so that the
    library's defaults apply to the rest. An account of which only one part is set takes
    the other from the library's default account."""
    request: dict[str, Any] = {"externalId": text(external_id, "external_id"), "chain": text(chain, "chain")}
    if simulate_verification is not None:
        request["simulateVerification"] = bool(simulate_verification)
    if account_type is not None or currencies is not None:
        account = dict(onboarding_defaults()["account"])
        if account_type is not None:
            account["type"] = str(account_type)
        if currencies is not None:
            if isinstance(currencies, str):
                raise ConfigError("currencies must be a list of ISO-4217 codes, not one string")
            account["currencies"] = [str(c) for c in currencies]
        request["account"] = account
    for name, value in (
        ("timeout", timeout),
        ("poll_interval", poll_interval),
        ("max_poll_interval", max_poll_interval),
    ):
        if value is not None:
            request[REQUEST_KEYWORDS[name]] = millis(value, name)
    if wait is not None:
        if wait not in _WAIT_KEYS:
            raise ConfigError('wait must be "finish" or "return_when_waiting"')
        request["wait"] = _WAIT_KEYS[wait]
    return request


def text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a string")
    return value


def run(
    client: Client,
    request: dict[str, Any],
    signer: Signer | Wallet,
    progress: Callable[[Progress], object] | None,
) -> Onboarded | Waiting:
    """Runs ``offblocks_client_onboard`` with ``request`` (its JSON object), on ``client``, signing
    with ``signer``; ``progress`` is told about each step and each poll, and stops the flow
    by answering ``False`` or by raising.

    What is raised, first match wins: a ``KeyboardInterrupt`` or ``SystemExit`` of
    ``progress``, as is; the signer's failure (:class:`SignerError`); what ``progress``
    raised, as :class:`CallbackError` from it; the flow's own failure
    (:class:`CancelledError` when ``progress`` answered ``False``).
    """
    request_arg = _native.json_text(request)
    raised: list[BaseException] = []

    def on_progress(step: str, status: str, elapsed_ms: int, message: str) -> bool:
        # Called by the library on this thread; nothing may unwind into C. Whatever
        # progress raises stops the flow at once (the library calls it no more).
        assert progress is not None
        try:
            answer = progress(
                Progress(step=step, status=status, elapsed=elapsed_ms / 1000.0, message=message)
            )
        except BaseException as e:  # noqa: BLE001
            raised.append(e)
            return False
        return answer is not False

    callback = _native.progress_callback(on_progress if progress is not None else None)
    with NativeSigner(signer) as native_signer:
        handle = client._enter()
        try:
            signer_handle = native_signer.handle()
            try:
                raw, failure = _native.try_call_string(
                    "offblocks_client_onboard", handle, request_arg, signer_handle, callback, None
                )
            finally:
                native_signer.release()
        finally:
            client._leave()
        for error in raised:
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise error
        native_signer.reraise(failure)
    del callback
    if raised:
        cause = raised[0]
        error = CallbackError(
            f"the progress callback raised {type(cause).__name__}: {cause}"
            + (f" ({failure.message})" if failure is not None else ""),
            code=None if failure is None else failure.code,
        )
        # A raising callback answered "stop", so the flow ended with OFFBLOCKS_CANCELLED:
        # there is no result to keep (error.onboarded stays None).
        raise error from cause
    if failure is not None:
        raise failure
    result = _native.parse_json(raw or "null")
    if request.get("wait") == _WAIT_KEYS["return_when_waiting"]:
        return onboarding_from_json(result)
    return Onboarded.from_json(result)
