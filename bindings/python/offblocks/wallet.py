"""The customer's side: wallets, signers, EIP-191 signatures. CAIP ids are in
:mod:`offblocks.caip`, EIP-4361 messages in :mod:`offblocks.siwe` (both importable from
here too).

A customer proves it owns its blockchain account by signing the challenge OffBlocks
issues (an EIP-4361 "Sign-In with Ethereum" message) with EIP-191 ``personal_sign``.
The key can be held by this library (:class:`Wallet`) or anywhere else: any object with
an ``address`` and a ``sign_personal(message: bytes) -> bytes`` method is a
:class:`Signer` (a hardware wallet, a KMS, ``eth-account`` through
:class:`EthAccountSigner`).

>>> w = Wallet.from_hex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
>>> w.address
'0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
>>> w.account_id("eip155:300")
'eip155:300:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
>>> sig = w.sign_personal(b"hello")
>>> len(sig), recover_address(b"hello", sig) == w.address
(65, True)
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, overload, runtime_checkable

from . import _native
from ._handle import OwnedHandle
from ._native import text
from .caip import AccountId, ChainId
from .enums import SignatureEncoding
from .errors import InvalidInput, OffblocksError, SignerError
from .siwe import SiweMessage  # noqa: F401 - importable from here still
from .siwe import check_challenge, parse_siwe

__all__ = [
    "Wallet",
    "Signer",
    "CallbackSigner",
    "EthAccountSigner",
    "ChainId",
    "AccountId",
    "recover_address",
    "parse_siwe",
    "check_challenge",
]

_ENCODING_NUMBER = {
    SignatureEncoding.HEX: 0,
    SignatureEncoding.BASE64_HEX: 1,
    SignatureEncoding.BASE64_RAW: 2,
}


@runtime_checkable
class Signer(Protocol):
    """Anything that can sign with EIP-191 ``personal_sign`` for one Ethereum address.

    ``sign_personal`` receives the exact message bytes (for a challenge, the decoded
    challenge as issued; not a hash, not hex) and returns the 65-byte signature
    ``r‖s‖v`` (``v`` 27/28 or 0/1) that ``personal_sign`` over those bytes gives. The SDK
    recovers the address from every signature before using it, so a signer that signs
    the wrong bytes or with the wrong key is caught before anything is sent.

    Example, with a key in a KMS::

        class KmsSigner:
            address = "0x…"
            def sign_personal(self, message: bytes) -> bytes:
                digest = keccak(b"\\x19Ethereum Signed Message:\\n%d" % len(message) + message)
                return kms.sign_recoverable(digest)   # r‖s‖v

    An exception raised by ``sign_personal`` fails the call that needed the signature with
    :class:`SignerError`, whose ``__cause__`` is the original exception.
    """

    @property
    def address(self) -> str: ...

    def sign_personal(self, message: bytes) -> bytes: ...


class CallbackSigner:
    """A :class:`Signer` made of an address and a function ``(message: bytes) -> bytes``.

    >>> w = Wallet.random()
    >>> s = CallbackSigner(w.address, w.sign_personal)
    >>> s.address == w.address
    True
    """

    def __init__(self, address: str, sign: Callable[[bytes], bytes]) -> None:
        self._address = address
        self._sign = sign

    @property
    def address(self) -> str:
        return self._address

    def sign_personal(self, message: bytes) -> bytes:
        return self._sign(message)

    def __repr__(self) -> str:
        return f"CallbackSigner({self._address!r})"


class EthAccountSigner:
    """A :class:`Signer` backed by an ``eth-account`` account (``LocalAccount`` or
    anything with ``address`` and ``sign_message``), e.g.
    ``EthAccountSigner(eth_account.Account.from_key(key))``. Needs ``eth-account``."""

    def __init__(self, account: Any) -> None:
        self._account = account

    @property
    def address(self) -> str:
        return str(self._account.address)

    def sign_personal(self, message: bytes) -> bytes:
        from eth_account.messages import encode_defunct

        signed = self._account.sign_message(encode_defunct(primitive=message))
        return bytes(signed.signature)

    def __repr__(self) -> str:
        return f"EthAccountSigner({self.address!r})"


class Wallet:
    """A secp256k1 private key held by the library, and its Ethereum address.

    **Holds a secret**: the key is zeroized in the library when the wallet is closed (or
    garbage-collected); ``repr`` shows only the address. Signatures are deterministic
    (RFC 6979) with a low ``s``. A wallet is a :class:`Signer`; it may be used from several
    threads at once.

    >>> with Wallet.random() as w:
    ...     w.address.startswith("0x")
    True
    """

    __slots__ = ("_owned", "_address", "__weakref__")

    def __init__(self, _handle: int) -> None:
        """Use :meth:`random` or :meth:`from_hex`."""
        self._owned = OwnedHandle(_handle, _native.free_function("offblocks_wallet_free"), "wallet")
        self._address = self._string("offblocks_wallet_address")

    @classmethod
    def random(cls) -> Wallet:
        """A wallet with a fresh random key from the operating system."""
        return cls(_native.call_handle("offblocks_wallet_new_random"))

    @classmethod
    def from_hex(cls, private_key_hex: str) -> Wallet:
        """The wallet of a private key written as 64 hex digits (``0x`` optional).

        Raises :class:`InvalidKey` when it is not a valid secp256k1 key (the message never
        repeats the key)."""
        return cls(
            _native.call_handle("offblocks_wallet_from_hex", text(private_key_hex, "private_key_hex"))
        )

    def _string(self, name: str, *args: Any) -> str:
        handle = self._owned.enter()
        try:
            return _native.call_string(name, handle, *args)
        finally:
            self._owned.leave()

    @property
    def address(self) -> str:
        """The Ethereum address, ``0x…`` with its EIP-55 checksum."""
        return self._address

    def account_id(self, chain: str = "eip155:300") -> str:
        """The CAIP-10 id of this wallet on ``chain`` (a CAIP-2 id): what a customer's
        ``chain_id`` is.

        >>> Wallet.from_hex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
        ...                 ).account_id("eip155:1")
        'eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
        """
        return self._string("offblocks_wallet_account_id", text(chain, "chain"))

    @overload
    def sign_personal(self, message: bytes | bytearray | memoryview) -> bytes: ...

    @overload
    def sign_personal(
        self, message: bytes | bytearray | memoryview, encoding: SignatureEncoding | str
    ) -> str: ...

    def sign_personal(
        self,
        message: bytes | bytearray | memoryview,
        encoding: SignatureEncoding | str | None = None,
    ) -> bytes | str:
        """Signs ``message`` (the bytes themselves) with EIP-191 ``personal_sign``.

        Without ``encoding``, returns the 65 bytes ``r‖s‖v``; with one, the signature as
        text: :attr:`SignatureEncoding.HEX` (``0x…``),
        :attr:`~SignatureEncoding.BASE64_HEX` (customer challenges) or
        :attr:`~SignatureEncoding.BASE64_RAW` (account challenges).

        >>> w = Wallet.random()
        >>> w.sign_personal(b"hi", SignatureEncoding.HEX)[:2]
        '0x'
        """
        enc = SignatureEncoding(encoding) if encoding is not None else SignatureEncoding.HEX
        number = _ENCODING_NUMBER.get(enc)
        if number is None:
            raise InvalidInput(f"unknown signature encoding {enc.value!r}")
        ptr, length = _native.bytes_arg(message, "message")
        written = self._string("offblocks_wallet_sign_personal", ptr, length, number)
        if encoding is None:
            return bytes.fromhex(written[2:])
        return written

    def export_secret_hex(self) -> str:
        """The private key as ``0x`` and 64 hex digits, to back up a random key.
        **Returns the secret**: never log it."""
        return self._string("offblocks_wallet_export_secret_hex")

    def close(self) -> None:
        """Releases the key (zeroized in the library). Closing twice is harmless."""
        self._owned.close()

    @property
    def closed(self) -> bool:
        return self._owned.closed

    def __enter__(self) -> Wallet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Wallet(address={self._address!r}, key=[redacted])"

    def _native_signer(self) -> int:
        """A new ``offblocks_signer`` handle for this wallet (the caller frees it)."""
        handle = self._owned.enter()
        try:
            return _native.call_handle("offblocks_signer_from_wallet", handle)
        finally:
            self._owned.leave()


def recover_address(message: bytes | bytearray | memoryview, signature: bytes | str) -> str:
    """The address (EIP-55) whose key made ``signature`` (65 bytes, or text in any
    :class:`SignatureEncoding`) over ``message`` with EIP-191 ``personal_sign``.

    Raises :class:`InvalidInput` when the signature is malformed or recovers no key."""
    if isinstance(signature, (bytes, bytearray, memoryview)):
        raw = bytes(signature)
        if len(raw) != 65:
            raise InvalidInput(f"a signature has 65 bytes, not {len(raw)}")
        signature = "0x" + raw.hex()
    ptr, length = _native.bytes_arg(message, "message")
    return _native.call_string("offblocks_signature_recover", ptr, length, text(signature, "signature"))


# ---------------------------------------------------------------------------------------
# Native signers (used by Client.onboard and the challenge-signing calls).
# ---------------------------------------------------------------------------------------


class NativeSigner:
    """An ``offblocks_signer`` for the duration of one call (a context manager).

    For a :class:`Wallet`, the library signs by itself. For any other :class:`Signer`, the
    library calls back its ``sign_personal`` (through :func:`_native.sign_callback`); an
    exception there is caught (never propagated into C), the C call fails with
    ``OFFBLOCKS_SIGNER``, and :meth:`reraise` raises :class:`SignerError` from the
    original exception. The callback object is kept referenced until the signer is
    closed.
    """

    def __init__(self, signer: Signer | Wallet) -> None:
        self.error: BaseException | None = None
        self._callback: Any = None
        self._signer = signer
        if isinstance(signer, Wallet):
            handle = signer._native_signer()
        else:
            if not callable(getattr(signer, "sign_personal", None)):
                raise TypeError(
                    "signer must be a Wallet or have .address and .sign_personal(bytes) -> bytes"
                )
            try:
                address = signer.address
            except Exception as e:
                raise SignerError("the signer's address could not be read") from e
            if not isinstance(address, str):
                address = str(address)
            self._callback = _native.sign_callback(self._sign)
            handle = _native.call_handle(
                "offblocks_signer_new", text(address, "signer address"), self._callback, None
            )
        self._owned = OwnedHandle(handle, _native.free_function("offblocks_signer_free"), "signer")

    def _sign(self, message: bytes) -> bytes | None:
        # Called back by the library on the calling thread: the 65 bytes, or None after
        # keeping what went wrong for reraise(). Never lets an exception out.
        try:
            signature = self._signer.sign_personal(message)
            if isinstance(signature, str):
                hex_text = signature[2:] if signature.startswith(("0x", "0X")) else signature
                signature = bytes.fromhex(hex_text)
            signature = bytes(signature)
            if len(signature) != 65:
                raise SignerError(
                    f"sign_personal returned {len(signature)} bytes, a signature has 65 (r‖s‖v)"
                )
            return signature
        except BaseException as e:  # noqa: BLE001 - nothing may unwind into C
            if self.error is None:
                self.error = e
            return None

    def handle(self) -> int:
        return self._owned.enter()

    def release(self) -> None:
        self._owned.leave()

    def reraise(self, failure: OffblocksError | None = None) -> None:
        """Raises what the Python signer raised, if it did, as :class:`SignerError` from
        the original (with the C call's ``failure`` detail: its code…)."""
        error = self.error
        if error is None:
            return
        self.error = None
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise error
        code = failure.code if failure is not None else None
        if isinstance(error, SignerError) and error.__cause__ is None:
            error.code = error.code if error.code is not None else code
            raise error
        raise SignerError(
            f"the signer raised {type(error).__name__}: {error}", code=code
        ) from error

    def close(self) -> None:
        self._owned.close()
        self._callback = None

    def __enter__(self) -> NativeSigner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
