"""HTTPS to the emulator (`offblocks-sandbox --tls`): a whole onboarding with its CA given
through ``ca_file`` / ``ca_pem``, through the CONNECT proxy too, and each hostile
certificate refused with its own exception, never retried."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

import offblocks
from offblocks import (
    CertificateExpiredError,
    HostnameMismatchError,
    PinMismatchError,
    Retry,
    TlsError,
    TlsFailure,
    TlsHandshakeError,
    TransportError,
    UntrustedCertificateError,
    Wallet,
)
from offblocks.sandbox import LocalSandbox, find_sandbox_binary


@pytest.fixture(scope="module")
def tls_sandbox() -> Iterator[LocalSandbox]:
    with LocalSandbox.start(
        find_sandbox_binary(), ["--activation-polls", "0"], tls=True, proxy=True
    ) as running:
        yield running


def test_the_emulator_announces_https_and_its_ca(tls_sandbox: LocalSandbox) -> None:
    assert tls_sandbox.base_url.startswith("https://127.0.0.1:")
    assert tls_sandbox.ca_file is not None
    assert Path(tls_sandbox.ca_file).read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_a_whole_onboarding_over_https_with_the_ca_file(
    tls_sandbox: LocalSandbox, external_id: str
) -> None:
    with tls_sandbox.client(ca_file=tls_sandbox.ca_file) as client:
        client.auth.register_signing_key()
        done = client.onboard(external_id, signer=Wallet.random())
    assert done.account.status == offblocks.AccountStatus.ACTIVE
    assert any(r["path"] == "/v1/customers" for r in tls_sandbox.requests())


def test_onboarding_over_https_through_the_connect_proxy(
    tls_sandbox: LocalSandbox, external_id: str
) -> None:
    assert tls_sandbox.ca_file is not None and tls_sandbox.proxy_url is not None
    before = len(tls_sandbox.tunnels())
    pem = Path(tls_sandbox.ca_file).read_text()
    with tls_sandbox.client(ca_file=None, ca_pem=pem, proxy=tls_sandbox.proxy_url) as client:
        client.auth.register_signing_key()
        done = client.onboard(external_id, signer=Wallet.random())
    assert done.account.status == offblocks.AccountStatus.ACTIVE
    target = tls_sandbox.base_url.removeprefix("https://").removesuffix("/v1")
    tunnels = tls_sandbox.tunnels()[before:]
    assert tunnels and {t["target"] for t in tunnels} == {target}


def refused(sandbox: LocalSandbox, cls: type[TlsError], **settings: object) -> TlsError:
    with sandbox.client(retry=Retry(max_attempts=3), **settings) as client:
        with pytest.raises(cls) as caught:
            client.auth.token()
    err = caught.value
    assert isinstance(err, ConnectionError) and not isinstance(err, TransportError)
    assert err.code == offblocks.ResultCode.TLS
    assert not err.retryable
    assert sandbox.api_secret not in str(err)
    return err


def test_no_ca_given_is_an_untrusted_chain(tls_sandbox: LocalSandbox) -> None:
    err = refused(tls_sandbox, UntrustedCertificateError, ca_file=None)
    assert err.failure == TlsFailure.UNTRUSTED_CHAIN
    assert "ca_pem or ca_file" in str(err)


def test_a_pin_that_matches_nothing_is_a_pin_mismatch(tls_sandbox: LocalSandbox) -> None:
    pin = base64.b64encode(bytes(32)).decode()
    err = refused(tls_sandbox, PinMismatchError, spki_pins=[pin])
    assert err.failure == TlsFailure.PIN_MISMATCH


@pytest.mark.parametrize(
    ("mode", "cls", "needle"),
    [
        ("wrong-host", HostnameMismatchError, "certificate for other.example does not match"),
        ("expired", CertificateExpiredError, "expired on"),
        ("untrusted", UntrustedCertificateError, "no trusted root"),
        ("plain", TlsHandshakeError, "plain http"),
    ],
)
def test_hostile_servers_are_refused(mode: str, cls: type[TlsError], needle: str) -> None:
    with LocalSandbox.start(find_sandbox_binary(), tls=mode) as hostile:
        assert hostile.base_url.startswith("https://")
        err = refused(hostile, cls)
        assert needle in str(err), str(err)


def test_trust_settings_are_checked_when_the_client_is_made(tls_sandbox: LocalSandbox) -> None:
    with pytest.raises(offblocks.ConfigError):
        tls_sandbox.client(ca_file="/nonexistent/ca.pem")
    with pytest.raises(offblocks.ConfigError):
        tls_sandbox.client(spki_pins=["short"])
    with pytest.raises(offblocks.ConfigError, match="platform-verifier"):
        tls_sandbox.client(root_store="platform")
