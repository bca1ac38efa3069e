"""Bad inputs raise the right exception, with the status, body and request id."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import offblocks
from offblocks import (
    ApiError,
    AuthenticationError,
    Client,
    ConfigError,
    ConflictError,
    InvalidInput,
    InvalidKey,
    NotFoundError,
    OffblocksError,
    ResultCode,
    Wallet,
)
from offblocks.sandbox import LocalSandbox

from conftest import CHAIN


def test_unknown_customer_is_a_404(client: Client) -> None:
    with pytest.raises(ApiError) as caught:
        client.customers.get("no-such-customer")
    e = caught.value
    assert isinstance(e, NotFoundError)
    assert e.status == 404
    assert e.code is ResultCode.API
    assert e.body and json.loads(e.body)["error"] == "not_found"
    assert e.error_code == "not_found"
    assert e.json()["message"]
    assert e.request_id and e.request_id in str(e)
    assert not e.retryable


def test_duplicate_customer_is_a_conflict(client: Client, wallet: Wallet, external_id: str) -> None:
    first = client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    with pytest.raises(ConflictError) as caught:
        client.customers.create(external_id=external_id, chain_id=wallet.account_id(CHAIN))
    e = caught.value
    assert isinstance(e, ApiError)
    assert e.status == 409
    assert e.code is ResultCode.CONFLICT
    assert e.json()["customerId"] == first.id


def test_bad_credentials_are_an_authentication_error(sandbox: LocalSandbox) -> None:
    with sandbox.client(api_secret="wrong-secret") as c:
        with pytest.raises(AuthenticationError) as caught:
            c.auth.token()
    e = caught.value
    assert e.status == 401
    assert e.body
    assert "wrong-secret" not in str(e) and "wrong-secret" not in (e.body or "")
    with sandbox.client(api_key="nobody") as c:
        with pytest.raises(AuthenticationError):
            c.register_signing_key()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},  # nothing at all
        {"api_key": "k", "api_secret": "s"},  # no signing key
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True,
         "base_url": "http://127.0.0.1:1/v1", "environment": "live"},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True,
         "base_url": "not a url"},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True,
         "base_url": "http://remote.example.com/v1"},  # plain http to a remote host
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True,
         "environment": "staging"},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True, "timeout": 0},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True, "digest": "md5"},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True, "timeout": -1},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True,
         "retry": {"attempts": 3}},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True,
         "account_challenge_policy": "whatever"},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True, "call_deadline": 0},
        {"api_key": "k", "api_secret": "s", "generate_signing_key": True,
         "base_url": "http://127.evil.example/v1"},  # not loopback, whatever it starts with
    ],
)
def test_invalid_config_is_a_config_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        Client(**kwargs)  # type: ignore[arg-type]


def test_invalid_config_json_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        Client.from_config({"apiKey": "k", "apiSecret": "s", "generateSigningKey": True,
                            "baseUrl": "http://127.0.0.1:1/v1", "apiSekret": "typo"})
    assert "apiSekret" in str(caught.value)
    with pytest.raises(ConfigError):
        Client.from_config({"apiKey": 42, "apiSecret": "hunter2", "generateSigningKey": True})


def test_hardening_settings_are_accepted() -> None:
    with Client(api_key="k", api_secret="s", generate_signing_key=True,
                base_url="http://127.0.0.1:1/v1", account_challenge_policy="any",
                call_deadline=5, max_clock_correction=60) as c:
        assert c is not None


def test_url_passwords_never_reach_an_error() -> None:
    with pytest.raises(ConfigError) as caught:
        Client(api_key="k", api_secret="s", generate_signing_key=True,
               base_url="https://alice:hunter2@api.example/v1")
    assert "hunter2" not in str(caught.value) and "alice" not in str(caught.value)


def test_config_errors_never_echo_secrets() -> None:
    with pytest.raises(OffblocksError) as caught:
        Client(api_key="k", api_secret="hunter2-secret", signing_key_pem="not a pem")
    assert isinstance(caught.value, InvalidKey)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "0x",
        "zz" * 32,
        "00" * 32,  # zero
        "ff" * 32,  # above the group order
        "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff",  # short
    ],
)
def test_bad_wallet_hex_is_an_invalid_key(bad: str) -> None:
    with pytest.raises(InvalidKey) as caught:
        Wallet.from_hex(bad)
    assert isinstance(caught.value, InvalidInput) and isinstance(caught.value, ValueError)
    assert caught.value.code is ResultCode.KEY
    if len(bad) > 8:
        assert bad[:8] not in str(caught.value)


def test_nul_characters_are_refused_before_the_call(client: Client) -> None:
    with pytest.raises(InvalidInput, match="NUL"):
        client.customers.get("abc\0def")
    with pytest.raises(InvalidInput):
        Wallet.from_hex("ab\0")


def test_type_errors_for_wrong_python_types(client: Client) -> None:
    with pytest.raises(TypeError):
        client.customers.get(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Wallet.random().sign_personal("text")  # type: ignore[call-overload]


def test_invalid_inputs_from_the_library(client: Client) -> None:
    with pytest.raises(InvalidInput) as caught:
        client.customers.create(external_id="x", chain_id="not-a-caip-id", idempotency_key="not-a-uuid")
    assert caught.value.code in (ResultCode.INVALID_INPUT, ResultCode.INVALID_JSON)
    with pytest.raises(InvalidInput):
        client.dry_run("BREW", "/customers", token="t")
    with pytest.raises(InvalidInput):
        Wallet.random().account_id("not a chain")
    with pytest.raises(InvalidInput):
        offblocks.recover_address(b"x", b"\x01" * 64)
    with pytest.raises(InvalidInput):
        offblocks.recover_address(b"x", "0x" + "00" * 65)
    with pytest.raises(InvalidInput):
        Wallet.random().sign_personal(b"x", "no-such-encoding")


def test_server_validation_errors_are_api_errors(client: Client) -> None:
    with pytest.raises(ApiError) as caught:
        client.webhooks.put("ftp://example.com/x")
    assert caught.value.status in (400, 422)
    assert caught.value.body


def test_transport_errors(sandbox: LocalSandbox) -> None:
    with Client(
        base_url="http://127.0.0.1:1/v1",
        api_key="k",
        api_secret="s",
        generate_signing_key=True,
        retry={"max_attempts": 1},
        connect_timeout=1,
    ) as c:
        with pytest.raises(offblocks.TransportError) as caught:
            c.auth.token()
    assert isinstance(caught.value, ConnectionError)
    assert caught.value.status is None and caught.value.retryable


def test_a_failed_call_does_not_leak_its_error_into_the_next(client: Client) -> None:
    with pytest.raises(NotFoundError):
        client.customers.get("missing")
    client.customers.list()  # succeeds: the last error was cleared
    assert offblocks._native.lib().offblocks_last_error_code() == 0
    assert offblocks._native.lib().offblocks_last_error_message() == b""


def test_error_mapping_of_every_code() -> None:
    from offblocks.errors import error_from_code

    assert type(error_from_code(ResultCode.CONFIG, "m")) is ConfigError
    from offblocks import ErrorKind, ServerError

    # An API failure's class follows the kind the library sorted its status into.
    api = ResultCode.API
    assert type(error_from_code(api, "m", status=401, kind=ErrorKind.UNAUTHENTICATED)) is AuthenticationError
    assert type(error_from_code(api, "m", status=500, kind=ErrorKind.SERVER)) is ServerError
    assert type(error_from_code(api, "m", status=400, kind=ErrorKind.API)) is ApiError
    assert type(error_from_code(api, "m", status=400, kind=99)) is ApiError
    assert error_from_code(api, "m", kind=99).kind == 99
    rejected = error_from_code(ResultCode.CHALLENGE_REJECTED, "m", status=400, reissued_challenge="c")
    assert isinstance(rejected, offblocks.ChallengeRejected) and isinstance(rejected, ApiError)
    assert rejected.reissued_challenge == "c" and rejected.status == 400
    unknown = error_from_code(99, "")
    assert type(unknown) is OffblocksError and unknown.code == 99
    for code in ResultCode:
        if code is not ResultCode.OK:
            assert isinstance(error_from_code(code, "m"), OffblocksError)


def test_missing_library_lists_the_paths_tried(tmp_path: Path) -> None:
    env = dict(os.environ, OFFBLOCKS_LIB=str(tmp_path / "liboffblocks.so"))
    proc = subprocess.run(
        [sys.executable, "-c", "import offblocks"], env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0
    assert "LibraryNotLoaded" in proc.stderr
    assert str(tmp_path / "liboffblocks.so") in proc.stderr
    assert "OFFBLOCKS_LIB" in proc.stderr


def test_a_library_of_another_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from offblocks import _native

    monkeypatch.setattr(_native, "__version__", "9.9.9")
    with pytest.raises(offblocks.LibraryMismatch, match="9.9.9"):
        _native._check_version(_native.lib())


# One answer of the emulator per kind: (fault rule, or None for the emulator's own
# answer), the class it must raise, its kind and its Retry-After.
def test_each_status_raises_its_class(sandbox: LocalSandbox, wallet: Wallet, external_id: str) -> None:
    from offblocks import (
        ErrorKind,
        IdempotencyConflictError,
        PermissionDeniedError,
        RateLimitedError,
        ServerError,
    )

    with sandbox.client(retry={"max_attempts": 1}) as c:
        c.auth.register_signing_key()
        cases: list[tuple[dict[str, object], type[ApiError], ErrorKind, int | None]] = [
            ({"kind": "status", "status": 403}, PermissionDeniedError, ErrorKind.PERMISSION_DENIED, None),
            ({"kind": "status", "status": 404}, NotFoundError, ErrorKind.NOT_FOUND, None),
            ({"kind": "status", "status": 500}, ServerError, ErrorKind.SERVER, None),
            ({"kind": "status", "status": 503}, ServerError, ErrorKind.SERVER, None),
            ({"kind": "too_many_requests", "retryAfterSecs": 7}, RateLimitedError, ErrorKind.RATE_LIMITED, 7),
        ]
        try:
            for rule, cls, kind, retry_after in cases:
                sandbox.add_fault(pathPrefix="/v1/customers", remaining=1, **rule)
                with pytest.raises(ApiError) as caught:
                    c.customers.list()
                e = caught.value
                assert type(e) is cls, (rule, e)
                assert e.kind is kind and e.code is ResultCode.API
                assert e.retry_after == retry_after, rule
                assert e.retryable == (kind in (ErrorKind.SERVER, ErrorKind.RATE_LIMITED))
        finally:
            sandbox.clear_faults()
        # The emulator's own answers: a customer that exists (409), then an
        # Idempotency-Key reused for another body (422).
        key = "6c4a2d8e-3b1f-4e5a-9c7d-0f2e4b6a8c1d"
        c.customers.create(chain_id=wallet.account_id(CHAIN), external_id=external_id, idempotency_key=key)
        with pytest.raises(ConflictError) as exists:
            c.customers.create(chain_id=wallet.account_id(CHAIN), external_id=external_id)
        assert exists.value.kind is ErrorKind.CONFLICT and exists.value.retry_after is None
        other = Wallet.random()
        with pytest.raises(IdempotencyConflictError) as reused:
            c.customers.create(
                chain_id=other.account_id(CHAIN), external_id=external_id + "-other", idempotency_key=key
            )
        assert reused.value.status == 422 and reused.value.kind is ErrorKind.IDEMPOTENCY_CONFLICT
        assert not reused.value.retryable
        with pytest.raises(NotFoundError) as missing:
            c.customers.get("no-such-customer")
        assert missing.value.kind is ErrorKind.NOT_FOUND


def test_failures_before_any_request_have_a_kind() -> None:
    from offblocks import ErrorKind

    with pytest.raises(ConfigError) as caught:
        Client(base_url="ftp://nowhere", api_key="k", api_secret="s", generate_signing_key=True)
    assert caught.value.kind is ErrorKind.INVALID_INPUT
    assert isinstance(caught.value, InvalidInput) and isinstance(caught.value, ValueError)
    assert caught.value.retry_after is None


def test_star_import_keeps_the_builtin_timeout_error() -> None:
    import builtins

    namespace: dict[str, object] = {}
    exec("from offblocks import *", namespace)  # noqa: S102
    assert "TimeoutError" not in offblocks.__all__
    assert "TimeoutError" not in namespace
    assert issubclass(offblocks.OffblocksTimeoutError, builtins.TimeoutError)
    assert offblocks.TimeoutError is offblocks.OffblocksTimeoutError
def _echoing_server(secret: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A loopback server that hands out a token, then answers every call with a 400 whose
    body, reason and request id echo ``secret`` (plain, JSON-escaped, split by DEL)."""

    class Echo(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, status: int, body: str, request_id: str | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            if request_id:
                self.send_header("x-request-id", request_id)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path.endswith("/auth/token"):
                self._answer(200, json.dumps({"token": "tok-py-1", "expiresAt": 4102444800}))
            else:
                self.do_GET()

        def do_GET(self) -> None:
            split = "\x7f".join(secret)
            message = f"secret {secret} is wrong ({split}); token tok-py-1"
            body = json.dumps({"message": message, "detail": secret.replace("/", "\\/")})
            self._answer(400, body, request_id=f"req-{secret}")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


def test_str_and_repr_of_an_error_hide_a_secret_the_server_echoes() -> None:
    secret = "s3/!x"
    server, url = _echoing_server(secret)
    try:
        with Client(base_url=url, api_key="k", api_secret=secret, generate_signing_key=True,
                    key_id="key-1", retry={"max_attempts": 1}) as c:
            with pytest.raises(ApiError) as caught:
                c.customers.list()
    finally:
        server.shutdown()
    e = caught.value
    assert e.status == 400
    shown = "\n".join([str(e), repr(e), e.message, e.body or "", str(e.request_id)])
    bare = "".join(ch for ch in shown if ch.isprintable() or ch == "\n")
    assert "3/!x" not in bare and "3\\/!x" not in bare and "tok-py-1" not in bare, shown
    assert "[redacted]" in str(e), str(e)
