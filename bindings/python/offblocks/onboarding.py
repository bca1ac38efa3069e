"""Running the onboarding flow (``offblocks_onboard``) for :meth:`Client.onboard
<offblocks.Client.onboard>`: its progress callback, which may stop the flow, and which
failure the caller sees when the callback, the signer and the flow all have something
to say."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from . import _native
from .errors import CallbackError
from .models import Onboarded, OnboardingWaiting, Progress
from .wallet import NativeSigner, Signer, Wallet

if TYPE_CHECKING:
    from .client import Client


def run(
    client: Client,
    request: dict[str, Any],
    signer: Signer | Wallet,
    progress: Callable[[Progress], object] | None,
) -> Onboarded | OnboardingWaiting:
    """Runs ``offblocks_onboard`` with ``request`` (its JSON object), on ``client``, signing
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
                    "offblocks_onboard", handle, request_arg, signer_handle, callback, None
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
    if isinstance(result, dict) and result.get("state") == "waiting":
        return OnboardingWaiting.from_json(result)
    return Onboarded.from_json(result)
