"""Loading the `offblocks` shared library and declaring its C ABI for ctypes.

Everything that touches raw pointers lives here. The rest of the package calls
:func:`call`, :func:`call_string` and friends, which check the result code, turn a failure
into the right exception (read from the calling thread's last error), copy library-owned
strings into Python and free them.

:data:`FUNCTIONS` declares ``restype`` and ``argtypes`` for every function of
``include/offblocks.h``; ``tests/test_abi.py`` parses the header and fails when a function
is missing here or declared differently.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    c_bool,
    c_char_p,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Callable

from ._version import __version__
from .errors import LibraryNotFound, OffblocksError, VersionMismatch, error_from_code

if sys.platform == "darwin":
    LIB_FILE = "liboffblocks.dylib"
elif sys.platform == "win32":
    LIB_FILE = "offblocks.dll"
else:
    LIB_FILE = "liboffblocks.so"

# ---------------------------------------------------------------------------------------
# The C types of the header, as ctypes sees them.
# ---------------------------------------------------------------------------------------

#: `offblocks_result` (a C enum): an int.
RESULT = c_int
#: Opaque handles (`offblocks_client *`, `offblocks_wallet *`…).
HANDLE = c_void_p
#: `offblocks_client **` and other out-parameters for handles.
HANDLE_OUT = POINTER(c_void_p)
#: `char **`: a library-owned string, read then released with `offblocks_string_free`.
#: It is a `c_void_p` (not `c_char_p`) so that the pointer itself stays available to free.
STRING_OUT = POINTER(c_void_p)
#: `const uint8_t *`.
BYTES_IN = POINTER(c_uint8)

#: `int32_t (*offblocks_sign_fn)(void *user_data, const uint8_t *msg, size_t len,
#: uint8_t out_sig[65])`.
SIGN_FN = CFUNCTYPE(c_int32, c_void_p, POINTER(c_uint8), c_size_t, POINTER(c_uint8))
#: `void (*offblocks_progress_fn)(void *user_data, const char *step, const char *status,
#: uint64_t elapsed_ms, const char *message)`.
PROGRESS_FN = CFUNCTYPE(None, c_void_p, c_char_p, c_char_p, c_uint64, c_char_p)

#: name -> (restype, argtypes), for every function of include/offblocks.h.
FUNCTIONS: dict[str, tuple[Any, tuple[Any, ...]]] = {
    # errors
    "offblocks_last_error_code": (RESULT, ()),
    "offblocks_last_error_message": (c_char_p, ()),
    "offblocks_last_error_status": (c_uint16, ()),
    "offblocks_last_error_request_id": (c_char_p, ()),
    "offblocks_last_error_body": (c_char_p, ()),
    "offblocks_last_error_retryable": (c_bool, ()),
    "offblocks_last_error_reissued_challenge": (c_char_p, ()),
    # strings
    "offblocks_string_free": (None, (c_void_p,)),
    "offblocks_version": (c_char_p, ()),
    # client
    "offblocks_client_new": (RESULT, (c_char_p, HANDLE_OUT)),
    "offblocks_client_free": (None, (HANDLE,)),
    "offblocks_client_key_id": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_client_set_key_id": (RESULT, (HANDLE, c_char_p)),
    "offblocks_dry_run": (
        RESULT,
        (HANDLE, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, STRING_OUT),
    ),
    "offblocks_signing_key_generate": (RESULT, (STRING_OUT,)),
    "offblocks_signing_key_public_pem": (RESULT, (c_char_p, STRING_OUT)),
    # auth
    "offblocks_auth_token": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_auth_rotate_credentials": (RESULT, (HANDLE, c_char_p, c_char_p, c_char_p)),
    "offblocks_auth_revoke_credentials": (RESULT, (HANDLE, c_char_p)),
    "offblocks_signing_key_register": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_signing_key_delete": (RESULT, (HANDLE, c_char_p)),
    # customers
    "offblocks_customer_create": (RESULT, (HANDLE, c_char_p, c_char_p, STRING_OUT)),
    "offblocks_customer_get": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_customer_list": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_customer_challenge": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_customer_submit_challenge": (RESULT, (HANDLE, c_char_p, c_char_p, c_char_p)),
    "offblocks_customer_deactivate": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_simulator_verify_customer": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_simulator_reject_customer": (RESULT, (HANDLE, c_char_p, c_char_p)),
    # accounts
    "offblocks_account_create": (RESULT, (HANDLE, c_char_p, c_char_p, c_char_p, STRING_OUT)),
    "offblocks_account_get": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_account_list": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_account_list_for_customer": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_account_challenge": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_account_submit_challenge": (RESULT, (HANDLE, c_char_p, c_char_p, c_char_p)),
    "offblocks_account_activate": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_account_deactivate": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_account_close": (RESULT, (HANDLE, c_char_p, c_char_p)),
    # webhooks
    "offblocks_webhook_put": (RESULT, (HANDLE, c_char_p, c_char_p, STRING_OUT)),
    "offblocks_webhook_get": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_webhook_list": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_webhook_delete": (RESULT, (HANDLE, c_char_p, c_char_p)),
    "offblocks_webhook_event_parse": (RESULT, (c_char_p, STRING_OUT)),
    # wallet
    "offblocks_wallet_new_random": (RESULT, (HANDLE_OUT,)),
    "offblocks_wallet_from_hex": (RESULT, (c_char_p, HANDLE_OUT)),
    "offblocks_wallet_free": (None, (HANDLE,)),
    "offblocks_wallet_address": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_wallet_account_id": (RESULT, (HANDLE, c_char_p, STRING_OUT)),
    "offblocks_wallet_sign_personal": (RESULT, (HANDLE, BYTES_IN, c_size_t, c_int, STRING_OUT)),
    "offblocks_wallet_export_secret_hex": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_signature_recover": (RESULT, (BYTES_IN, c_size_t, c_char_p, STRING_OUT)),
    # CAIP, EIP-4361
    "offblocks_caip_chain_id_parse": (RESULT, (c_char_p, STRING_OUT)),
    "offblocks_caip_account_id_parse": (RESULT, (c_char_p, STRING_OUT)),
    "offblocks_siwe_parse": (RESULT, (c_char_p, STRING_OUT)),
    "offblocks_siwe_guard": (
        RESULT,
        (c_char_p, c_char_p, c_char_p, c_char_p, c_int64, STRING_OUT),
    ),
    # signers
    "offblocks_signer_new": (RESULT, (c_char_p, SIGN_FN, c_void_p, HANDLE_OUT)),
    "offblocks_signer_from_wallet": (RESULT, (HANDLE, HANDLE_OUT)),
    "offblocks_signer_address": (RESULT, (HANDLE, STRING_OUT)),
    "offblocks_signer_free": (None, (HANDLE,)),
    # onboarding, challenge signing
    "offblocks_onboard": (
        RESULT,
        (HANDLE, c_char_p, HANDLE, PROGRESS_FN, c_void_p, STRING_OUT),
    ),
    "offblocks_customer_sign_challenge": (RESULT, (HANDLE, c_char_p, HANDLE, c_char_p)),
    "offblocks_account_sign_challenge": (
        RESULT,
        (HANDLE, c_char_p, c_char_p, HANDLE, c_char_p),
    ),
}

# ---------------------------------------------------------------------------------------
# Finding and loading the library.
# ---------------------------------------------------------------------------------------


def candidate_paths() -> list[Path]:
    """Where the library is looked for, in order.

    ``OFFBLOCKS_LIB`` alone when it is set; else the copy bundled in this package, then (in
    a source checkout, for development) cargo's release and debug outputs.
    """
    override = os.environ.get("OFFBLOCKS_LIB")
    if override:
        return [Path(override)]
    here = Path(__file__).resolve().parent
    paths = [here / LIB_FILE]
    repo = here.parent.parent.parent
    if (repo / "Cargo.toml").is_file() and (repo / "bindings" / "python").is_dir():
        target = os.environ.get("CARGO_TARGET_DIR")
        roots = [Path(target)] if target else []
        roots.append(repo / "target")
        for root in roots:
            paths.append(root / "release" / LIB_FILE)
            paths.append(root / "debug" / LIB_FILE)
    return paths


def _load() -> ctypes.CDLL:
    tried: list[str] = []
    for path in candidate_paths():
        if not path.is_file():
            tried.append(f"{path} (not found)")
            continue
        try:
            return ctypes.CDLL(str(path))
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise LibraryNotFound(
        "cannot load the offblocks shared library; tried:\n  "
        + "\n  ".join(tried)
        + "\nReinstall the package (pip install ./bindings/python builds it with cargo) "
        "or set OFFBLOCKS_LIB to the path of " + LIB_FILE + "."
    )


def _declare(lib: ctypes.CDLL) -> None:
    missing = [name for name in FUNCTIONS if not hasattr(lib, name)]
    if missing:
        raise VersionMismatch(
            f"the offblocks library at {lib._name} lacks {', '.join(missing)}: "
            f"it does not match this package (version {__version__})"
        )
    for name, (restype, argtypes) in FUNCTIONS.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _check_version(lib: ctypes.CDLL) -> str:
    raw = lib.offblocks_version()
    version = raw.decode("ascii") if isinstance(raw, bytes) else "?"
    if version != __version__:
        raise VersionMismatch(
            f"the offblocks library at {lib._name} is version {version}, this Python package "
            f"is {__version__}: reinstall the package, or point OFFBLOCKS_LIB at a matching "
            "build"
        )
    return version


_lib: ctypes.CDLL | None = None
_load_lock = threading.Lock()


def lib() -> ctypes.CDLL:
    """The loaded, declared and version-checked library (loaded once)."""
    global _lib
    if _lib is None:
        with _load_lock:
            if _lib is None:
                loaded = _load()
                # offblocks_version first, alone: a mismatch is then reported as such.
                loaded.offblocks_version.restype = c_char_p
                loaded.offblocks_version.argtypes = ()
                _check_version(loaded)
                _declare(loaded)
                _lib = loaded
    return _lib


def library_version() -> str:
    """The version of the loaded library (``offblocks_version()``)."""
    raw = lib().offblocks_version()
    return raw.decode("ascii") if isinstance(raw, bytes) else ""


def library_path() -> str:
    """The path the library was loaded from."""
    return str(lib()._name)


# ---------------------------------------------------------------------------------------
# Calling.
# ---------------------------------------------------------------------------------------


def text(value: str, name: str) -> bytes:
    """A Python string as a C string argument (UTF-8, without NUL bytes)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if "\0" in value:
        from .errors import InvalidInput

        raise InvalidInput(f"{name} contains a NUL character")
    return value.encode("utf-8")


def opt_text(value: str | None, name: str) -> bytes | None:
    """As :func:`text`, with ``None`` passed as NULL."""
    return None if value is None else text(value, name)


def _str_or_none(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", "replace")


def last_error(code: int) -> OffblocksError:
    """The exception for result ``code``, with this thread's last-error detail.

    Must be called right after the failed call, on the same thread, before any other call
    of the library.
    """
    native = lib()
    message = _str_or_none(native.offblocks_last_error_message()) or ""
    return error_from_code(
        code,
        message,
        status=int(native.offblocks_last_error_status()),
        request_id=_str_or_none(native.offblocks_last_error_request_id()),
        body=_str_or_none(native.offblocks_last_error_body()),
        retryable=bool(native.offblocks_last_error_retryable()),
        reissued_challenge=_str_or_none(native.offblocks_last_error_reissued_challenge()),
    )


def check(code: int) -> None:
    """Raises the matching exception unless ``code`` is ``OFFBLOCKS_OK``."""
    if code != 0:
        raise last_error(code)


def function(name: str) -> Callable[..., Any]:
    """The declared C function ``name``."""
    fn: Callable[..., Any] = getattr(lib(), name)
    return fn


def call(name: str, *args: Any) -> None:
    """Calls a function returning an ``offblocks_result`` and raises on failure."""
    check(function(name)(*args))


def take_string(ptr: c_void_p) -> str | None:
    """Copies a library-owned string and frees it (NULL gives ``None``)."""
    address = ptr.value
    if not address:
        return None
    try:
        return ctypes.string_at(address).decode("utf-8")
    finally:
        lib().offblocks_string_free(address)


def call_string(name: str, *args: Any) -> str:
    """Calls a function whose last parameter is a ``char **`` out-parameter; returns the
    string (copied, then freed in the library)."""
    out = c_void_p()
    check(function(name)(*args, ctypes.byref(out)))
    value = take_string(out)
    return "" if value is None else value


def call_opt_string(name: str, *args: Any) -> str | None:
    """As :func:`call_string`, where the library may store NULL."""
    out = c_void_p()
    check(function(name)(*args, ctypes.byref(out)))
    return take_string(out)


def call_handle(name: str, *args: Any) -> int:
    """Calls a constructor whose last parameter is a handle out-parameter."""
    out = c_void_p()
    check(function(name)(*args, ctypes.byref(out)))
    if not out.value:
        from .errors import InternalError

        raise InternalError(f"{name} succeeded without returning a handle")
    return int(out.value)
