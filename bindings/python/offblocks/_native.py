"""Loading the `offblocks` shared library and calling it through ctypes.

Everything that touches ctypes lives here: no other module of the package imports it or
calls a function of the library directly. The rest of the package calls :func:`call`,
:func:`call_string` and friends, which check the result code, turn a failure into the
right exception (read from the calling thread's last error), copy library-owned strings
into Python and free them; arguments are made with :func:`text`, :func:`json_text` and
:func:`bytes_arg`, callbacks with :func:`sign_callback`, :func:`progress_callback` and
:func:`observer_callback`.

The declarations it loads the library with (:data:`FUNCTIONS`, the callback types) are
in :mod:`offblocks._abi`, checked against ``include/offblocks.h`` by
``tests/test_abi.py``.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import threading
from ctypes import c_char_p, c_int64, c_uint8, c_void_p
from pathlib import Path
from typing import Any, Callable

from ._abi import BYTES_IN
from ._abi import FUNCTIONS as FUNCTIONS
from ._abi import OBSERVER_FN as OBSERVER_FN
from ._abi import PROGRESS_FN as PROGRESS_FN
from ._abi import SIGN_FN as SIGN_FN
from ._abi import FREE_FN as FREE_FN
from ._abi import REQUEST_SIGN_FN as REQUEST_SIGN_FN
from ._version import __version__
from .errors import LibraryNotLoaded, OffblocksError, LibraryMismatch, error_from_code

if sys.platform == "darwin":
    LIB_FILE = "liboffblocks.dylib"
elif sys.platform == "win32":
    LIB_FILE = "offblocks.dll"
else:
    LIB_FILE = "liboffblocks.so"

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
    raise LibraryNotLoaded(
        "cannot load the offblocks shared library; tried:\n  "
        + "\n  ".join(tried)
        + "\nReinstall the package (pip install ./bindings/python builds it with cargo) "
        "or set OFFBLOCKS_LIB to the path of " + LIB_FILE + "."
    )


def _declare(lib: ctypes.CDLL) -> None:
    missing = [name for name in FUNCTIONS if not hasattr(lib, name)]
    if missing:
        raise LibraryMismatch(
            f"the offblocks library at {lib._name} lacks {', '.join(missing)}: "
            f"it does not match this package (version {__version__})"
        )
    for name, (restype, argtypes) in FUNCTIONS.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def abi_compatible(library: str, package: str) -> bool:
    """Whether a library of version ``library`` serves a package of version ``package``:
    the same MAJOR.MINOR while MAJOR is 0 (a 0.x minor release may break the C ABI), the
    same MAJOR from 1.0 on. The rule of every face, and of the library's SONAME."""
    try:
        lib_parts = [int(p) for p in library.split(".")]
        pkg_parts = [int(p) for p in package.split(".")]
    except ValueError:
        return False
    if len(lib_parts) != 3 or len(pkg_parts) != 3:
        return False
    if pkg_parts[0] == 0:
        return lib_parts[:2] == pkg_parts[:2]
    return lib_parts[0] == pkg_parts[0]


def _check_version(lib: ctypes.CDLL) -> str:
    raw = lib.offblocks_version()
    version = raw.decode("ascii") if isinstance(raw, bytes) else "?"
    if not abi_compatible(version, __version__):
        major, minor = (__version__.split(".") + ["", ""])[:2]
        wanted = f"{major}.{minor}.x" if major == "0" else f"{major}.x"
        raise LibraryMismatch(
            f"the offblocks library at {lib._name} is version {version}, this Python package "
            f"is {__version__} and needs {wanted}: reinstall the package, or point "
            "OFFBLOCKS_LIB at a matching build"
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


def result_name(code: int) -> str:
    """The header's name of result code ``code`` (``"OFFBLOCKS_TRANSPORT"``), or
    ``"OFFBLOCKS_UNKNOWN"`` (``offblocks_result_name``)."""
    raw = lib().offblocks_result_name(code)
    return raw.decode("ascii") if isinstance(raw, bytes) else "OFFBLOCKS_UNKNOWN"


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


def json_text(value: Any) -> bytes:
    """A value as a C string argument holding its JSON (compact)."""
    return text(json.dumps(value, separators=(",", ":")), "json")


def parse_json(raw: str) -> Any:
    """The value of JSON text the library returned; :class:`DecodeError` when it is not
    JSON."""
    try:
        return json.loads(raw)
    except ValueError as e:
        from .errors import DecodeError

        raise DecodeError("the library returned text that is not JSON") from e


def bytes_arg(data: bytes | bytearray | memoryview, name: str) -> tuple[Any, int]:
    """A Python bytes-like as a ``(const uint8_t *, size_t)`` pair of arguments."""
    if isinstance(data, str):
        raise TypeError(f"{name} must be bytes, not str (encode it first)")
    raw = bytes(data)
    buf = (c_uint8 * max(len(raw), 1)).from_buffer_copy(raw or b"\0")
    return ctypes.cast(buf, BYTES_IN), len(raw)


def int64(value: int) -> Any:
    """An ``int64_t`` argument (wrapped to 64 bits, as C converts)."""
    return c_int64(value)


def sign_callback(sign: Callable[[bytes], bytes | None]) -> Any:
    """An ``offblocks_sign_fn`` that calls ``sign(message)``: it returns the 65-byte
    signature, or ``None`` when signing failed (the C call then fails with
    ``OFFBLOCKS_SIGNER``). ``sign`` must not raise: nothing may unwind into C. Keep the
    returned object referenced as long as the library may call it."""

    def trampoline(_user_data: Any, message: Any, length: int, out: Any) -> int:
        # Called by the library on the calling thread.
        signature = sign(ctypes.string_at(message, length) if length else b"")
        if signature is None or len(signature) != 65:
            return 1
        ctypes.memmove(out, signature, 65)
        return 0

    return SIGN_FN(trampoline)


def progress_callback(report: Callable[[str, str, int, str], bool] | None) -> Any:
    """An ``offblocks_progress_fn`` that calls ``report(step, status, elapsed_ms,
    message)`` with the texts decoded, or NULL when ``report`` is ``None``. ``report``
    answers whether the flow goes on (``False`` stops it: ``OFFBLOCKS_CANCELLED``). It
    should not raise; if it does, the flow stops and the exception is lost, since nothing
    may unwind into C. Keep the returned object referenced until the call returns."""
    if report is None:
        return PROGRESS_FN()
    known = report

    def trampoline(
        _user_data: Any, step: bytes | None, status: bytes | None, elapsed_ms: int,
        message: bytes | None,
    ) -> int:
        # Called by the library on the calling thread.
        try:
            go_on = known(
                (step or b"").decode("utf-8", "replace"),
                (status or b"").decode("utf-8", "replace"),
                elapsed_ms,
                (message or b"").decode("utf-8", "replace"),
            )
        except BaseException:  # noqa: BLE001 - never into C
            return 1
        return 0 if go_on else 1

    return PROGRESS_FN(trampoline)


def observer_callback(observe: Callable[[str], None] | None) -> Any:
    """An ``offblocks_observer_fn`` that calls ``observe(attempt_json)`` with the text
    decoded, or NULL when ``observe`` is ``None``. What ``observe`` raises is dropped:
    nothing may unwind into C. Keep the returned object referenced until the client is
    freed."""
    if observe is None:
        return OBSERVER_FN()
    known = observe

    def trampoline(_user_data: Any, attempt_json: bytes | None) -> None:
        # Called by the library on the thread making the call, after each attempt.
        try:
            known((attempt_json or b"").decode("utf-8", "replace"))
        except BaseException:  # noqa: BLE001 - never into C
            pass

    return OBSERVER_FN(trampoline)


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
        kind=int(native.offblocks_last_error_kind()),
        retry_after=_seconds_or_none(int(native.offblocks_last_error_retry_after())),
        tls_failure=int(native.offblocks_last_error_tls_failure()),
    )


def _seconds_or_none(seconds: int) -> int | None:
    return None if seconds < 0 else seconds


def check(code: int) -> None:
    """Raises the matching exception unless ``code`` is ``OFFBLOCKS_OK``."""
    if code != 0:
        raise last_error(code)


def function(name: str) -> Callable[..., Any]:
    """The declared C function ``name``."""
    fn: Callable[..., Any] = getattr(lib(), name)
    return fn


def free_function(name: str) -> Callable[[int], None]:
    """The ``_free`` function ``name`` (it takes a handle): what an
    :class:`~offblocks._handle.OwnedHandle` calls when it closes. The handle wrapper
    never frees a handle in use or twice, so a refusal (a result code) would be a bug
    of this package: it raises."""
    free = function(name)
    return lambda handle: check(free(handle))


def call(name: str, *args: Any) -> None:
    """Calls a function returning an ``offblocks_result`` and raises on failure."""
    check(function(name)(*args))


def try_call(name: str, *args: Any) -> OffblocksError | None:
    """As :func:`call`, returning the failure instead of raising it: for the calls with
    callbacks, whose caller first looks at what its callbacks raised."""
    code = function(name)(*args)
    return last_error(code) if code else None


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


def try_call_string(name: str, *args: Any) -> tuple[str | None, OffblocksError | None]:
    """As :func:`call_opt_string`, returning ``(None, failure)`` instead of raising (see
    :func:`try_call`)."""
    out = c_void_p()
    code = function(name)(*args, ctypes.byref(out))
    if code:
        return None, last_error(code)
    return take_string(out), None


def call_handle(name: str, *args: Any) -> int:
    """Calls a constructor whose last parameter is a handle out-parameter."""
    out = c_void_p()
    check(function(name)(*args, ctypes.byref(out)))
    if not out.value:
        from .errors import InternalError

        raise InternalError(f"{name} succeeded without returning a handle")
    return int(out.value)
