"""Shared fixtures: the emulator binary (one per test session) and clients for it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import offblocks
from offblocks import Client
from offblocks.sandbox import LocalSandbox, SandboxNotFound, find_sandbox_binary

# pytester runs the fixtures of offblocks.testing inside a pytest of their own.
pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[3]
HEADER = Path(os.environ.get("OFFBLOCKS_HEADER", REPO / "include" / "offblocks.h"))


def pytest_report_header() -> list[str]:
    return [
        f"offblocks {offblocks.__version__}: library {offblocks.library_path()} "
        f"(version {offblocks.library_version()})"
    ]


def _sandbox_binary() -> Path:
    """The emulator binary, found as the package finds it (run-tests.sh sets
    OFFBLOCKS_SANDBOX_BIN to the one it builds)."""
    try:
        return find_sandbox_binary()
    except SandboxNotFound as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def sandbox() -> Iterator[LocalSandbox]:
    """The emulator, started once: `offblocks-sandbox --port 0 --exit-on-stdin-close
    --proxy` (with its CONNECT proxy, for test_proxy.py)."""
    with LocalSandbox.start(_sandbox_binary(), proxy=True) as running:
        yield running


@pytest.fixture(scope="session")
def client(sandbox: LocalSandbox) -> Iterator[Client]:
    """A client with a registered signing key, shared by the session."""
    with sandbox.client() as c:
        c.auth.register_signing_key()
        yield c


@pytest.fixture
def fresh_client(sandbox: LocalSandbox) -> Iterator[Client]:
    """A client of its own, with a registered signing key."""
    with sandbox.client() as c:
        c.auth.register_signing_key()
        yield c


@pytest.fixture
def wallet() -> "offblocks.Wallet":
    return offblocks.Wallet.random()


@pytest.fixture
def external_id() -> str:
    return f"py-{uuid.uuid4()}"


CHAIN = "eip155:300"
HARDHAT_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
HARDHAT_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
