"""`offblocks.testing`: the context manager and the pytest fixtures users run their own
tests with, against the emulator the package bundles."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import offblocks
from offblocks import Wallet
from offblocks.sandbox import SandboxNotFound, bundled_binary, find_sandbox_binary
from offblocks.testing import sandbox


def test_the_context_manager_runs_an_emulator_and_stops_it() -> None:
    with sandbox() as emulator, emulator.client() as client:
        client.auth.register_signing_key()
        done = client.onboard("testing-cm", signer=Wallet.random())
        assert done.account.status == "active"
        assert [c["externalId"] for c in emulator.state()["customers"]] == ["testing-cm"]
        root = emulator.root_url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(root + "/_sandbox/state", timeout=5)


def test_emulator_options_are_passed_on() -> None:
    with sandbox(["--api-key", "my-key", "--api-secret", "my-secret"]) as emulator:
        assert (emulator.api_key, emulator.api_secret) == ("my-key", "my-secret")


def test_a_missing_binary_is_reported_with_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OFFBLOCKS_SANDBOX_BIN", str(tmp_path / "nowhere"))
    with pytest.raises(SandboxNotFound, match="nowhere"):
        sandbox()


def test_the_pytest_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["offblocks.testing"]\n')
    pytester.makepyfile(
        """
        from offblocks import Wallet

        def test_onboard(offblocks_client, offblocks_sandbox):
            done = offblocks_client.onboard("fixture-1", signer=Wallet.random())
            assert done.account.status == "active"
            ids = [c["id"] for c in offblocks_sandbox.state()["customers"]]
            assert done.customer.id in ids

        def test_same_emulator_other_client(offblocks_client, offblocks_sandbox):
            # The session shares one emulator: the first test's customer is there.
            names = [c["externalId"] for c in offblocks_sandbox.state()["customers"]]
            assert names == ["fixture-1"]
            assert offblocks_client.key_id
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


@pytest.mark.skipif(not os.environ.get("OFFBLOCKS_TEST_INSTALLED"), reason="run-tests.sh only")
def test_the_installed_package_bundles_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under run-tests.sh the package is installed from the source tree, which bundles the
    emulator too; without OFFBLOCKS_SANDBOX_BIN that copy is the one found."""
    package = Path(offblocks.__file__).resolve().parent
    assert bundled_binary() == package / bundled_binary().name
    assert bundled_binary().is_file() and os.access(bundled_binary(), os.X_OK)
    monkeypatch.delenv("OFFBLOCKS_SANDBOX_BIN", raising=False)
    assert find_sandbox_binary() == bundled_binary()
