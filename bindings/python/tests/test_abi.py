"""The ctypes declarations against include/offblocks.h: every function bound, with the
signature the header gives it."""

from __future__ import annotations

import re
from ctypes import (
    CFUNCTYPE,
    POINTER,
    c_bool,
    c_char_p,
    c_int,
    c_int8,
    c_int16,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from typing import Any

import pytest

import offblocks
from offblocks import _abi, _native
from offblocks.errors import ErrorKind, ResultCode

from conftest import HEADER

SCALARS: dict[str, Any] = {
    "int8_t": c_int8,
    "int16_t": c_int16,
    "int32_t": c_int32,
    "int64_t": c_int64,
    "uint8_t": c_uint8,
    "uint16_t": c_uint16,
    "uint32_t": c_uint32,
    "uint64_t": c_uint64,
    "size_t": c_size_t,
    "bool": c_bool,
    "int": c_int,
}


def strip_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", " ", source, flags=re.S)
    source = re.sub(r"//[^\n]*", " ", source)
    return re.sub(r"(?m)^\s*#.*$", " ", source)


class Header:
    """What the header declares: opaque types, enums, callback typedefs, functions."""

    def __init__(self, source: str) -> None:
        code = strip_comments(source)
        self.opaque = set(re.findall(r"typedef\s+struct\s+(\w+)\s+\1\s*;", code))
        self.enums: dict[str, dict[str, int]] = {}
        for body, name in re.findall(r"typedef\s+enum\s*\{(.*?)\}\s*(\w+)\s*;", code, re.S):
            values = dict(
                (k, int(v)) for k, v in re.findall(r"(\w+)\s*=\s*(-?\d+)", body)
            )
            self.enums[name] = values
        self.callbacks: dict[str, tuple[str, list[str]]] = {}
        for ret, name, params in re.findall(
            r"typedef\s+([\w\s\*]+?)\s*\(\s*\*\s*(\w+)\s*\)\s*\(([^)]*)\)\s*;", code
        ):
            self.callbacks[name] = (ret, split_params(params))
        # Structs the header defines (passed by pointer), named after their body.
        self.structs = set(re.findall(r"typedef\s+struct\s*\{[^{}]*?\}\s*(\w+)\s*;", code, re.S))
        code = re.sub(r"typedef\s+struct\s*\{[^{}]*?\}\s*\w+\s*;", " ", code, flags=re.S)
        code = re.sub(r"typedef[^;]*;", " ", code)
        code = re.sub(r"typedef\s+(enum|struct)\s*\{.*?\}\s*\w+\s*;", " ", code, flags=re.S)
        self.functions: dict[str, tuple[str, list[str]]] = {}
        for ret, name, params in re.findall(
            r"([A-Za-z_][\w\s\*]*?)\s*\b(offblocks_\w+)\s*\(([^)]*)\)\s*;", code
        ):
            ret = " ".join(ret.split()).replace("extern ", "")
            self.functions[name] = (ret, split_params(params))

    # -- C type -> acceptable ctypes types -------------------------------------------------

    def ctypes_of(self, ctype: str, *, is_return: bool = False) -> list[Any]:
        t = " ".join(ctype.replace("*", " * ").split())
        stars = t.count("*")
        base = t.replace("*", "").replace("const", "").strip()
        const = t.startswith("const ")
        if stars == 0:
            if base == "void":
                return [None]
            if base in SCALARS:
                return [SCALARS[base]]
            if base in self.enums:
                return [c_int]
            if base in self.callbacks:
                return [self.callback_type(base)]
            raise AssertionError(f"unmapped C type {ctype!r}")
        if stars == 1:
            if base == "char":
                # const char *: text in (or a library-owned static string out);
                # char *: a string owned by the library, kept as a pointer to free it.
                return [c_char_p] if const else [c_void_p]
            if base in ("uint8_t", "int8_t"):
                return [POINTER(c_uint8), c_char_p] if const else [POINTER(c_uint8)]
            if base == "void" or base in self.opaque:
                return [c_void_p]
            if base in self.structs:
                return [POINTER(_abi.STRUCTS[base])]
            if base in SCALARS:
                return [POINTER(SCALARS[base])]
        if stars == 2:
            if base == "char":
                return [POINTER(c_void_p), POINTER(c_char_p)]
            if base in self.opaque or base == "void":
                return [POINTER(c_void_p)]
        raise AssertionError(f"unmapped C type {ctype!r}")

    def param_types(self, param: str) -> list[Any]:
        p = " ".join(param.split())
        # An array parameter (`uint8_t out_sig[65]`) is a pointer.
        m = re.match(r"^(.*?)\s*\b\w+\s*\[\s*\d*\s*\]$", p)
        if m:
            return self.ctypes_of(m.group(1) + " *")
        # Drop the parameter's name: the last identifier, after the type.
        m = re.match(r"^(.*[\s\*])(\w+)$", p)
        if m and m.group(1).strip() not in ("", "const"):
            return self.ctypes_of(m.group(1))
        return self.ctypes_of(p)

    def callback_type(self, name: str) -> Any:
        ret, params = self.callbacks[name]
        restype = self.ctypes_of(ret, is_return=True)[0]
        return CFUNCTYPE(restype, *(self.param_types(p)[0] for p in params))


def split_params(params: str) -> list[str]:
    params = " ".join(params.split())
    if params in ("", "void"):
        return []
    return [p.strip() for p in params.split(",")]


@pytest.fixture(scope="module")
def header() -> Header:
    if not HEADER.is_file():
        pytest.skip(f"no header at {HEADER}")
    return Header(HEADER.read_text(encoding="utf-8"))


def test_the_header_parses(header: Header) -> None:
    assert "offblocks_client" in header.opaque
    assert "offblocks_result" in header.enums
    assert len(header.functions) >= 40
    assert "offblocks_version" in header.functions


def test_every_header_function_is_declared_with_its_signature(header: Header) -> None:
    problems = []
    for name, (ret, params) in sorted(header.functions.items()):
        if name not in _native.FUNCTIONS:
            problems.append(f"{name}: not bound in offblocks._native.FUNCTIONS")
            continue
        restype, argtypes = _native.FUNCTIONS[name]
        if restype not in header.ctypes_of(ret, is_return=True):
            problems.append(f"{name}: restype {restype} for C {ret!r}")
        if len(argtypes) != len(params):
            problems.append(f"{name}: {len(argtypes)} argtypes for {len(params)} C parameters")
            continue
        for i, (declared, param) in enumerate(zip(argtypes, params)):
            allowed = header.param_types(param)
            if declared not in allowed:
                problems.append(f"{name}: parameter {i} ({param!r}) declared {declared}, want one of {allowed}")
    assert not problems, "\n".join(problems)


def test_nothing_is_declared_that_the_header_lacks(header: Header) -> None:
    extra = sorted(set(_native.FUNCTIONS) - set(header.functions))
    assert not extra, f"declared but not in {HEADER}: {extra}"


def test_the_loaded_library_has_the_declarations() -> None:
    lib = _native.lib()
    for name, (restype, argtypes) in _native.FUNCTIONS.items():
        fn = getattr(lib, name)
        assert fn.restype == restype, name
        assert tuple(fn.argtypes or ()) == tuple(argtypes), name


def test_callback_typedefs_match(header: Header) -> None:
    known = {
        "offblocks_sign_fn": "SIGN_FN",
        "offblocks_progress_fn": "PROGRESS_FN",
        "offblocks_observer_fn": "OBSERVER_FN",
        "offblocks_request_sign_fn": "REQUEST_SIGN_FN",
        "offblocks_free_fn": "FREE_FN",
    }
    assert set(header.callbacks) == set(known)
    for name, attr in known.items():
        assert getattr(_native, attr) is header.callback_type(name), name


def test_result_codes_match_the_header(header: Header) -> None:
    values = header.enums["offblocks_result"]
    for cname, number in values.items():
        short = cname.removeprefix("OFFBLOCKS_")
        assert ResultCode[short] == number, cname
    # Every code of the header is known here (ResultCode may know a newer one first).
    assert {c.removeprefix("OFFBLOCKS_") for c in values} <= {c.name for c in ResultCode}


def test_result_names_come_from_the_library(header: Header) -> None:
    for cname, number in header.enums["offblocks_result"].items():
        assert _native.result_name(number) == cname
    for unknown in (-1, max(ResultCode) + 1000, 2**31 - 1):
        assert _native.result_name(unknown) == "OFFBLOCKS_UNKNOWN"


def test_the_version_rule_is_major_minor_before_1_0() -> None:
    assert _native.abi_compatible("0.2.0", "0.2.0")
    assert _native.abi_compatible("0.2.7", "0.2.0")
    assert _native.abi_compatible("0.2.0", "0.2.3")
    assert not _native.abi_compatible("0.3.0", "0.2.0")
    assert not _native.abi_compatible("0.1.9", "0.2.0")
    assert not _native.abi_compatible("1.2.0", "0.2.0")
    assert _native.abi_compatible("1.4.0", "1.2.0")
    assert not _native.abi_compatible("2.0.0", "1.2.0")
    for garbage in ("?", "0.2", "0.2.x", ""):
        assert not _native.abi_compatible(garbage, "0.2.0")


def test_error_kinds_match_the_header(header: Header) -> None:
    values = header.enums["offblocks_error_kind"]
    assert {c.removeprefix("OFFBLOCKS_ERROR_KIND_"): n for c, n in values.items()} == {
        k.name: k.value for k in ErrorKind
    }


def test_version_macros_match_the_package(header: Header) -> None:
    source = HEADER.read_text(encoding="utf-8")
    parts = [
        re.search(rf"#define OFFBLOCKS_VERSION_{p}\s+(\d+)", source)
        for p in ("MAJOR", "MINOR", "PATCH")
    ]
    assert all(parts)
    version = ".".join(m.group(1) for m in parts if m)
    assert version == offblocks.__version__ == offblocks.library_version()
    major, minor, patch = (int(m.group(1)) for m in parts if m)
    num = re.search(r"#define OFFBLOCKS_VERSION_NUM\s+0x([0-9a-f]{6})\b", source)
    assert num and int(num.group(1), 16) == (major << 16) | (minor << 8) | patch
    assert _native.lib().offblocks_version_num() == int(num.group(1), 16)


def test_package_version_is_the_crate_version() -> None:
    cargo = (HEADER.parent.parent / "Cargo.toml").read_text(encoding="utf-8")
    m = re.search(r'^version\s*=\s*"([^"]+)"', cargo, re.M)
    assert m and m.group(1) == offblocks.__version__


def test_the_parser_catches_a_wrong_declaration(header: Header, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself: a changed declaration must be reported."""
    restype, argtypes = _native.FUNCTIONS["offblocks_customers_get"]
    wrong = dict(_native.FUNCTIONS)
    wrong["offblocks_customers_get"] = (restype, (argtypes[0], c_char_p, POINTER(c_char_p), c_int))
    monkeypatch.setattr(_native, "FUNCTIONS", wrong)
    with pytest.raises(AssertionError):
        test_every_header_function_is_declared_with_its_signature(header)
    del wrong["offblocks_customers_get"]
    with pytest.raises(AssertionError):
        test_every_header_function_is_declared_with_its_signature(header)



def test_signature_encodings_match_the_header(header: Header) -> None:
    from offblocks.models import SignatureEncoding
    from offblocks.wallet import _ENCODING_NUMBER

    values = header.enums["offblocks_signature_encoding"]
    assert sorted(values.values()) == sorted(_ENCODING_NUMBER.values())
    names = {
        SignatureEncoding.HEX: "OFFBLOCKS_SIGNATURE_HEX",
        SignatureEncoding.BASE64_HEX: "OFFBLOCKS_SIGNATURE_BASE64_HEX",
        SignatureEncoding.BASE64_RAW: "OFFBLOCKS_SIGNATURE_BASE64_RAW",
    }
    for encoding, cname in names.items():
        assert values[cname] == _ENCODING_NUMBER[encoding]
