"""`Client(observer=…)`: an `Attempt` after every attempt of every call."""

from __future__ import annotations

import gc
import json
import logging
import socket
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from offblocks import (
    AccountStatus,
    Attempt,
    Client,
    ConfigError,
    NotFoundError,
    Retry,
    TransportError,
    Wallet,
    log_attempts,
)
import offblocks
from offblocks.sandbox import LocalSandbox

from conftest import CHAIN

KEYS = {"method", "path", "attempt", "status", "error", "durationMs", "requestId", "idempotencyKey"}


@pytest.fixture
def raw_attempts(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every attempt object as the library wrote it, before it becomes an `Attempt`."""
    seen: list[dict[str, Any]] = []
    original = Attempt.from_json

    def recording(cls: type[Attempt], value: Any) -> Attempt:
        seen.append(value)
        return original(value)

    monkeypatch.setattr(Attempt, "from_json", classmethod(recording))
    return seen


@pytest.fixture
def observed(sandbox: LocalSandbox) -> Iterator[tuple[Client, list[Attempt]]]:
    attempts: list[Attempt] = []
    with sandbox.client(observer=attempts.append, retry=Retry(base_backoff=0.01)) as client:
        yield client, attempts


def test_the_observer_sees_each_call_and_no_secret(
    sandbox: LocalSandbox, observed: tuple[Client, list[Attempt]], raw_attempts: list[dict[str, Any]],
    external_id: str,
) -> None:
    client, attempts = observed
    client.auth.register_signing_key()
    customer = client.customers.create(external_id=external_id, chain_id=Wallet.random().account_id(CHAIN))
    client.customers.get(customer.id)
    calls = [(a.method, a.path) for a in attempts]
    assert calls == [
        ("POST", "/v1/auth/token"),
        ("PUT", "/v1/auth/signing"),
        ("POST", "/v1/customers"),
        ("GET", f"/v1/customers/{customer.id}"),
    ]
    for a in attempts:
        assert a.attempt == 1 and a.status is not None and 200 <= a.status < 300, a
        assert a.error is None and a.request_id and 0 <= a.duration < 10
    assert attempts[2].idempotency_key and attempts[3].idempotency_key is None
    # Never a token, the secret or a body: exactly the documented fields.
    token = client.auth.token().token
    assert raw_attempts and all(set(raw) == KEYS for raw in raw_attempts)
    text = json.dumps(raw_attempts) + repr(attempts)
    for secret in (sandbox.api_secret, token, "Bearer", external_id):
        assert secret not in text


def test_a_retried_post_keeps_its_idempotency_key(
    sandbox: LocalSandbox, observed: tuple[Client, list[Attempt]], external_id: str
) -> None:
    client, attempts = observed
    client.auth.register_signing_key()
    sandbox.add_fault(
        kind="status", status=503, method="POST", pathPrefix="/v1/customers", rate=1.0, remaining=1
    )
    try:
        customer = client.customers.create(external_id=external_id, chain_id=Wallet.random().account_id(CHAIN))
    finally:
        sandbox.clear_faults()
    posts = [a for a in attempts if a.method == "POST" and a.path == "/v1/customers"]
    assert [(a.attempt, a.status) for a in posts] == [(1, 503), (2, 201)]
    assert posts[0].idempotency_key and posts[0].idempotency_key == posts[1].idempotency_key
    assert posts[0].request_id and posts[1].request_id != posts[0].request_id
    assert client.customers.get(customer.id).external_id == external_id


def test_attempts_without_a_response(sandbox: LocalSandbox) -> None:
    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    attempts: list[Attempt] = []
    with Client(
        base_url=f"http://127.0.0.1:{port}/v1", api_key="k", api_secret="s",
        generate_signing_key=True, retry=Retry(max_attempts=2, base_backoff=0.01),
        observer=attempts.append,
    ) as client:
        with pytest.raises(TransportError):
            client.auth.token()
    assert [(a.attempt, a.status) for a in attempts] == [(1, None), (2, None)]
    assert all(a.error and a.request_id is None for a in attempts)


def test_an_observer_that_raises_changes_nothing(sandbox: LocalSandbox, external_id: str) -> None:
    calls: list[Attempt] = []

    def failing(attempt: Attempt) -> None:
        calls.append(attempt)
        raise RuntimeError("the dashboard is down")

    with sandbox.client(observer=failing) as client:
        client.auth.register_signing_key()
        done = client.onboard(external_id, signer=Wallet.random())
        assert done.account.status is AccountStatus.ACTIVE
        with pytest.raises(NotFoundError) as caught:
            client.customers.get("missing")
        assert caught.value.status == 404 and caught.value.request_id
    assert len(calls) >= 14 and calls[-1].status == 404


def test_a_keyboard_interrupt_in_the_observer_comes_after_the_call(sandbox: LocalSandbox) -> None:
    interrupt = [True]
    calls: list[Attempt] = []

    def observer(attempt: Attempt) -> None:
        calls.append(attempt)
        if interrupt.pop() if interrupt else False:
            raise KeyboardInterrupt

    with sandbox.client(observer=observer) as client:
        with pytest.raises(KeyboardInterrupt):
            client.auth.token()
        assert [a.status for a in calls] == [200]  # the call itself ran to its end, once
        client.auth.token()  # nothing left pending


def test_the_observer_lives_as_long_as_the_native_client(sandbox: LocalSandbox) -> None:
    seen: list[str] = []

    class Watcher:
        def __call__(self, attempt: Attempt) -> None:
            seen.append(attempt.path)

    watcher = Watcher()
    ref = weakref.ref(watcher)
    client = sandbox.client(observer=watcher)
    del watcher
    gc.collect()
    client.auth.token()  # only the client holds the observer now
    assert seen == ["/v1/auth/token"] and ref() is not None
    client.close()
    del client
    gc.collect()
    assert ref() is None  # released once the native client is freed


def test_the_observer_runs_on_the_calling_thread(sandbox: LocalSandbox) -> None:
    threads: list[int] = []
    with sandbox.client(observer=lambda a: threads.append(threading.get_ident())) as client:
        worker = threading.Thread(target=client.auth.token)
        worker.start()
        worker.join()
        assert threads == [worker.ident]


def test_from_config_and_from_env_take_an_observer(
    sandbox: LocalSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths: list[str] = []
    config = {"baseUrl": sandbox.base_url, "apiKey": sandbox.api_key,
              "apiSecret": sandbox.api_secret, "generateSigningKey": True}
    with Client.from_config(config, observer=lambda a: paths.append(a.path)) as client:
        client.auth.token()
    monkeypatch.setenv("OFFBLOCKS_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("OFFBLOCKS_API_KEY", sandbox.api_key)
    monkeypatch.setenv("OFFBLOCKS_API_SECRET", sandbox.api_secret)
    monkeypatch.delenv("OFFBLOCKS_SIGNING_KEY", raising=False)
    with Client.from_env(generate_signing_key=True, observer=lambda a: paths.append(a.path)) as client:
        client.auth.token()
    assert paths == ["/v1/auth/token", "/v1/auth/token"]


def test_from_env_never_makes_a_signing_key_unasked(
    sandbox: LocalSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("OFFBLOCKS_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("OFFBLOCKS_API_KEY", sandbox.api_key)
    monkeypatch.setenv("OFFBLOCKS_API_SECRET", sandbox.api_secret)
    monkeypatch.delenv("OFFBLOCKS_SIGNING_KEY", raising=False)
    monkeypatch.delenv("OFFBLOCKS_KEY_ID", raising=False)
    with pytest.raises(ConfigError) as caught:
        Client.from_env()
    assert "OFFBLOCKS_SIGNING_KEY" in str(caught.value)
    assert "generate_signing_key=True" in str(caught.value)
    monkeypatch.setenv("OFFBLOCKS_SIGNING_KEY", "  ")  # blank is unset
    with pytest.raises(ConfigError):
        Client.from_env()
    # A key given by keyword, or asked for, or read from the file the variable names.
    # The emulator answers the same key id for the same public key.
    pem = offblocks.generate_signing_key()
    with Client.from_env(signing_key_pem=pem) as client:
        key_id = client.auth.register_signing_key()
    with Client.from_env(generate_signing_key=True) as client:
        assert client.auth.register_signing_key() != key_id
    key = tmp_path / "signing.pem"
    key.write_text(pem)
    monkeypatch.setenv("OFFBLOCKS_SIGNING_KEY", str(key))
    with Client.from_env() as client:
        assert client.auth.register_signing_key() == key_id
    monkeypatch.setenv("OFFBLOCKS_SIGNING_KEY", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigError) as caught:
        Client.from_env()
    assert "missing.pem" in str(caught.value)


def test_log_attempts_writes_one_line_per_attempt_and_no_secret(
    sandbox: LocalSandbox, caplog: pytest.LogCaptureFixture, external_id: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="offblocks.calls")
    with sandbox.client(observer=log_attempts("offblocks.calls"), retry=Retry(base_backoff=0.01)) as client:
        client.auth.register_signing_key()
        sandbox.add_fault(
            kind="status", status=503, method="POST", pathPrefix="/v1/customers", rate=1.0, remaining=1
        )
        try:
            customer = client.customers.create(
                external_id=external_id, chain_id=Wallet.random().account_id(CHAIN)
            )
        finally:
            sandbox.clear_faults()
        with pytest.raises(NotFoundError):
            client.customers.get("missing")
        token = client.auth.token().token
    records = [r for r in caplog.records if r.name == "offblocks.calls"]
    attempts = [r.offblocks_attempt for r in records]  # type: ignore[attr-defined]
    assert [(a.method, a.path, a.attempt, a.status) for a in attempts] == [
        ("POST", "/v1/auth/token", 1, 200),
        ("PUT", "/v1/auth/signing", 1, 200),
        ("POST", "/v1/customers", 1, 503),
        ("POST", "/v1/customers", 2, 201),
        ("GET", "/v1/customers/missing", 1, 404),
        ("POST", "/v1/auth/token", 1, 200),  # token() asks for a new one
    ]
    assert [r.levelno for r in records] == [
        logging.INFO, logging.INFO, logging.WARNING, logging.INFO, logging.WARNING, logging.INFO
    ]
    lines = [r.getMessage() for r in records]
    assert lines[3].startswith("POST /v1/customers #2 201 ") and " ms request_id=" in lines[3]
    assert lines[3].endswith(f"idempotency_key={attempts[3].idempotency_key}")
    assert attempts[2].idempotency_key == attempts[3].idempotency_key
    assert f"request_id={attempts[4].request_id} idempotency_key=-" in lines[4]
    assert customer.id not in "".join(lines[:4])  # the answer's body is not logged
    for secret in (sandbox.api_secret, token, "Bearer", external_id):
        assert all(secret not in line for line in lines)


def test_log_attempts_levels_and_a_failure_without_response(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    logger = logging.getLogger("offblocks.levels")
    caplog.set_level(logging.ERROR, logger="offblocks.levels")
    with Client(
        base_url=f"http://127.0.0.1:{port}/v1", api_key="k", api_secret="s",
        generate_signing_key=True, retry=Retry(max_attempts=2, base_backoff=0.01),
        observer=log_attempts(logger, level=logging.DEBUG, failure_level=logging.ERROR),
    ) as client:
        with pytest.raises(TransportError):
            client.auth.token()
    records = [r for r in caplog.records if r.name == "offblocks.levels"]
    assert [r.levelno for r in records] == [logging.ERROR, logging.ERROR]
    assert records[0].getMessage().startswith("POST /v1/auth/token #1 error: ")
    assert records[1].getMessage().startswith("POST /v1/auth/token #2 error: ")
