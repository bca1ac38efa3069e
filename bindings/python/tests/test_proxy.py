"""The `proxy` and `proxy_from_env` settings, through the emulator's CONNECT proxy
(`offblocks-sandbox --proxy`)."""

from __future__ import annotations

import base64
import socket
from typing import Any

import pytest

from offblocks import ConfigError, Retry, TransportError
from offblocks.sandbox import LocalSandbox

PASSWORD = "hunter2-not-shown"


def emulator_address(sandbox: LocalSandbox) -> str:
    return sandbox.root_url.removeprefix("http://")


def new_tunnels(sandbox: LocalSandbox, before: int) -> list[dict[str, Any]]:
    return sandbox.tunnels()[before:]


def with_credentials(url: str, user: str, password: str) -> str:
    return url.replace("http://", f"http://{user}:{password}@", 1)


def test_calls_go_through_the_proxy(sandbox: LocalSandbox) -> None:
    assert sandbox.proxy_url is not None and sandbox.proxy_url.startswith("http://127.0.0.1:")
    before = len(sandbox.tunnels())
    with sandbox.client(proxy=sandbox.proxy_url) as client:
        client.auth.register_signing_key()
        client.customers.list()
    tunnels = new_tunnels(sandbox, before)
    assert tunnels and {t["target"] for t in tunnels} == {emulator_address(sandbox)}
    assert all(t["proxyAuthorization"] is None for t in tunnels)


def test_user_and_password_become_proxy_authorization(sandbox: LocalSandbox) -> None:
    assert sandbox.proxy_url is not None
    before = len(sandbox.tunnels())
    with sandbox.client(proxy=with_credentials(sandbox.proxy_url, "alice", PASSWORD)) as client:
        client.auth.register_signing_key()
        assert PASSWORD not in repr(client) and PASSWORD not in str(client)
    expected = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    tunnels = new_tunnels(sandbox, before)
    assert tunnels and all(t["proxyAuthorization"] == expected for t in tunnels)


def test_a_dead_proxy_is_a_transport_error_without_the_password(sandbox: LocalSandbox) -> None:
    with socket.socket() as s:  # a port nobody listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = f"http://alice:{PASSWORD}@127.0.0.1:{port}"
    with sandbox.client(proxy=dead, retry=Retry(max_attempts=1)) as client:
        with pytest.raises(TransportError) as caught:
            client.customers.list()
    error = caught.value
    for shown in (str(error), repr(error), error.message, str(error.body)):
        assert PASSWORD not in shown


@pytest.mark.parametrize("url", [f"socks5://alice:{PASSWORD}@127.0.0.1:1080", "not a url"])
def test_a_proxy_that_is_not_http_is_a_config_error(sandbox: LocalSandbox, url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        sandbox.client(proxy=url)
    assert PASSWORD not in str(caught.value) and PASSWORD not in repr(caught.value)


def test_the_environment_is_read_only_when_asked(
    sandbox: LocalSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sandbox.proxy_url is not None
    from_env = with_credentials(sandbox.proxy_url, "env", PASSWORD)
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, from_env)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    before = len(sandbox.tunnels())
    with sandbox.client() as client:  # proxy_from_env left to the library: off
        client.auth.token()
    assert new_tunnels(sandbox, before) == []
    with sandbox.client(proxy_from_env=True) as client:
        client.auth.token()
    tunnels = new_tunnels(sandbox, before)
    assert tunnels and tunnels[0]["target"] == emulator_address(sandbox)
    assert tunnels[0]["proxyAuthorization"] == "Basic " + base64.b64encode(
        f"env:{PASSWORD}".encode()
    ).decode()
