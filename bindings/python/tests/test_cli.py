"""`python -m offblocks onboard`, against the emulator binary and against a server given by
the OFFBLOCKS_* variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import offblocks
from offblocks.sandbox import LocalSandbox

from conftest import HARDHAT_ADDRESS, HARDHAT_KEY, _sandbox_binary

STEPS = [
    "create_customer",
    "sign_customer_challenge",
    "verify_customer",
    "wait_customer",
    "create_account",
    "sign_account_challenge",
    "wait_account",
    "done",
]


def run(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OFFBLOCKS_") or k == "OFFBLOCKS_LIB"}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "offblocks", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_onboard_with_plain_http() -> None:
    proc = run({"OFFBLOCKS_SANDBOX_BIN": str(_sandbox_binary())}, "onboard", "--plain-http")
    assert proc.returncode == 0, proc.stderr
    assert "local OffBlocks emulator at http://127.0.0.1:" in proc.stdout
    assert "done: customer" in proc.stdout


def test_onboard_starts_the_emulator() -> None:
    proc = run({"OFFBLOCKS_SANDBOX_BIN": str(_sandbox_binary())}, "onboard")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # Over HTTPS, as production: the emulator's throwaway CA is given as ca_file.
    assert "local OffBlocks emulator at https://127.0.0.1:" in out
    assert "registered the request-signing key as" in out
    # The steps end in this order (the waits are also reported at each poll).
    positions = [out.rindex(f" {step} ") for step in STEPS]
    assert positions == sorted(positions), out
    assert "done: customer" in out and "(active)" in out


def test_onboard_observe_prints_every_attempt() -> None:
    proc = run({"OFFBLOCKS_SANDBOX_BIN": str(_sandbox_binary())}, "onboard", "--observe")
    assert proc.returncode == 0, proc.stderr
    attempts = [line for line in proc.stdout.splitlines() if "request-id" in line]
    assert any(" POST   /v1/customers " in a and " #1 201 " in a for a in attempts), proc.stdout
    assert all("request-id -" not in a for a in attempts), "every answer carries one"
    assert "Bearer" not in proc.stdout


def test_onboard_against_a_configured_server(sandbox: LocalSandbox, tmp_path: Path) -> None:
    key = tmp_path / "signing.pem"
    key.write_text(offblocks.generate_signing_key())
    env = {
        "OFFBLOCKS_BASE_URL": sandbox.base_url,
        "OFFBLOCKS_API_KEY": sandbox.api_key,
        "OFFBLOCKS_API_SECRET": sandbox.api_secret,
        "OFFBLOCKS_SIGNING_KEY": str(key),
        "OFFBLOCKS_WALLET_KEY": HARDHAT_KEY,
        "OFFBLOCKS_CHAIN": "eip155:280",
    }
    proc = run(env, "onboard", "--external-id", "cli-configured")
    assert proc.returncode == 0, proc.stderr
    assert "local OffBlocks emulator" not in proc.stdout
    assert f"wallet: {HARDHAT_ADDRESS} on eip155:280" in proc.stdout
    assert "onboarding external id cli-configured" in proc.stdout
    assert " done " in proc.stdout
    # With the key id given, nothing is registered again.
    with sandbox.client(signing_key_pem=key.read_text()) as c:
        key_id = c.auth.register_signing_key()
    proc = run({**env, "OFFBLOCKS_KEY_ID": key_id}, "onboard", "--external-id", "cli-configured")
    assert proc.returncode == 0, proc.stderr
    assert "registered" not in proc.stdout


def test_onboard_without_verification_fails_clearly(sandbox: LocalSandbox, tmp_path: Path) -> None:
    key = tmp_path / "signing.pem"
    key.write_text(offblocks.generate_signing_key())
    env = {
        "OFFBLOCKS_BASE_URL": sandbox.base_url,
        "OFFBLOCKS_API_KEY": sandbox.api_key,
        "OFFBLOCKS_API_SECRET": sandbox.api_secret,
        "OFFBLOCKS_SIGNING_KEY": str(key),
        "OFFBLOCKS_SIMULATE_VERIFY": "off",
    }
    proc = run(env, "onboard", "--timeout", "0.5")
    assert proc.returncode == 1
    assert "onboarding failed: OffblocksTimeoutError" in proc.stderr


def test_missing_settings_and_binary_fail_clearly(tmp_path: Path) -> None:
    proc = run({"OFFBLOCKS_BASE_URL": "http://127.0.0.1:9/v1"}, "onboard")
    assert proc.returncode == 2
    assert "OFFBLOCKS_API_KEY" in proc.stderr
    proc = run({"OFFBLOCKS_SANDBOX_BIN": str(tmp_path / "nowhere")}, "onboard", cwd=tmp_path)
    assert proc.returncode == 2
    assert "cannot find the offblocks-sandbox binary" in proc.stderr
    assert str(tmp_path / "nowhere") in proc.stderr
    proc = run(
        {"OFFBLOCKS_SANDBOX_BIN": str(_sandbox_binary()), "OFFBLOCKS_WALLET_KEY": "nope"}, "onboard"
    )
    assert proc.returncode == 2
    assert "OFFBLOCKS_WALLET_KEY" in proc.stderr and "nope" not in proc.stderr.replace(
        "OFFBLOCKS_WALLET_KEY", ""
    )


def test_version_command() -> None:
    proc = run({}, "version")
    assert proc.returncode == 0
    assert f"offblocks {offblocks.__version__}" in proc.stdout
