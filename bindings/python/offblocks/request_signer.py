"""The P-384 request-signing key held outside the process: :class:`RequestSigner`, a
public key and a function ``(base: bytes) -> bytes`` that a KMS, an HSM or a signing
service answers. ``Client(request_signer=...)`` signs every request with it;
``client.auth.rotate_signing_key(...)`` switches to a new key (in memory or another
signer)."""

from __future__ import annotations

import ctypes
import threading
from typing import Any, Callable

from . import _native
from ._abi import FREE_FN, REQUEST_SIGN_FN
from ._handle import OwnedHandle
from ._native import text
from .errors import SignerError

__all__ = ["RequestSigner"]

#: What a signer raised on this thread, until the C call that asked for it returns.
_pending = threading.local()


class RequestSigner:
    """A P-384 request-signing key held elsewhere: ``public_key_pem`` (SPKI PEM, ``BEGIN
    PUBLIC KEY``, the key registered with OffBlocks) and ``sign(base) -> signature``.

    ``sign`` gets the exact RFC 9421 signature base of each request (bytes, not a hash)
    and returns an ECDSA P-384 signature over SHA-384 of it: raw ``r‖s`` (96 bytes) or
    DER (what ``openssl dgst -sha384 -sign`` and most KMS APIs return). The SDK checks
    every signature against ``public_key_pem`` before sending: one by another key, or
    over other bytes, fails the call with :class:`SignerError` and nothing is sent.

    ``sign`` is called on the thread making the request, possibly from several threads at
    once (keep it thread-safe); it may block. What it raises fails that call with
    :class:`SignerError`, whose ``__cause__`` is the original exception
    (``KeyboardInterrupt`` and ``SystemExit`` are raised as they are); it never reaches
    the library.

    Example, with a key in a KMS::

        signer = RequestSigner(public_pem, lambda base: kms.sign(key_id, base, "ECDSA_SHA_384"))
        client = Client(base_url=..., api_key=..., api_secret=..., request_signer=signer)
        client.auth.register_signing_key()

    Raises:
        InvalidKey: ``public_key_pem`` is not a P-384 public key.
    """

    __slots__ = ("_owned", "_callback", "_sign", "_public_key_pem", "__weakref__")

    def __init__(self, public_key_pem: str, sign: Callable[[bytes], bytes]) -> None:
        if not callable(sign):
            raise TypeError("sign must be a function (base: bytes) -> bytes")
        self._sign = sign
        self._callback = REQUEST_SIGN_FN(self._trampoline)
        handle = _native.call_handle(
            "offblocks_request_signer_new",
            text(public_key_pem, "public_key_pem"),
            self._callback,
            None,
            FREE_FN(),  # no free_user_data: the Python objects keep themselves alive
        )
        self._owned = OwnedHandle(
            handle, _native.free_function("offblocks_request_signer_free"), "request signer"
        )
        self._public_key_pem = self._string("offblocks_request_signer_public_pem")

    def _string(self, name: str) -> str:
        handle = self._owned.enter()
        try:
            return _native.call_string(name, handle)
        finally:
            self._owned.leave()

    def _trampoline(
        self, _user_data: Any, base: Any, length: int, out: Any, capacity: int, out_len: Any
    ) -> int:
        # Called by the library on the calling thread: 0 with the signature written, or 1
        # after keeping what went wrong for the call to raise. Never lets anything out.
        try:
            signature = self._sign(ctypes.string_at(base, length) if length else b"")
            if not isinstance(signature, (bytes, bytearray, memoryview)):
                raise SignerError(
                    f"the request signer returned {type(signature).__name__}, not bytes"
                )
            raw = bytes(signature)
            if not 0 < len(raw) <= capacity:
                raise SignerError(
                    f"the request signer returned {len(raw)} bytes; a P-384 signature is 96 "
                    f"(r‖s) or at most {capacity} (DER)"
                )
            ctypes.memmove(out, raw, len(raw))
            out_len[0] = len(raw)
            return 0
        except BaseException as e:  # noqa: BLE001 - nothing may unwind into C
            if getattr(_pending, "error", None) is None:
                _pending.error = e
            return 1

    @property
    def public_key_pem(self) -> str:
        """The public key (SPKI PEM) every signature is checked against."""
        return self._public_key_pem

    def _handle(self) -> int:
        return self._owned.enter()

    def _release(self) -> None:
        self._owned.leave()

    def _keep(self) -> object:
        """What must stay alive while a client signs with this key: the callback."""
        return self._callback

    def close(self) -> None:
        """Releases the handle. Clients made with it keep signing with it."""
        self._owned.close()

    def __enter__(self) -> RequestSigner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "RequestSigner(external)"


def raise_signer_error() -> None:
    """Raises what a request signer raised on this thread during the C call that just
    returned, as :class:`SignerError` from the original, if it did."""
    error = getattr(_pending, "error", None)
    if error is None:
        return
    _pending.error = None
    if isinstance(error, (KeyboardInterrupt, SystemExit)):
        raise error
    if isinstance(error, SignerError):
        raise error
    raise SignerError(
        f"the request signer raised {type(error).__name__}: {error}", code=8
    ) from error
