"""Testing your own code against the emulator bundled with this package.

The wheel (and ``pip install ./bindings/python``) carries ``offblocks-sandbox``, a local
OffBlocks emulator that checks every request the way the real API does (RFC 9421
signature, RFC 9530 digest, idempotency keys, EIP-4361/EIP-191 challenges), so tests need
neither credentials nor a network.

A context manager, for any test runner::

    from offblocks import Wallet
    from offblocks.testing import sandbox

    with sandbox() as emulator, emulator.client() as client:
        client.auth.register_signing_key()
        assert client.onboard("user-1", signer=Wallet.random()).account.status == "active"

With pytest, enable the fixtures in your ``conftest.py``::

    pytest_plugins = ["offblocks.testing"]

    def test_onboarding(offblocks_client):
        ...

Fixtures (this module imports pytest only when it is installed, and works without it):

``offblocks_sandbox``
    One emulator for the whole test session (a :class:`~offblocks.sandbox.LocalSandbox`:
    ``base_url``, ``api_key``, ``api_secret``, ``client()``, ``advance_clock()``,
    ``add_fault()``, ``clear_faults()``, ``state()``, ``requests()``).
``offblocks_client``
    A :class:`~offblocks.Client` of its own for each test, on that emulator, with a fresh
    signing key already registered; closed after the test.

The emulator is the one :func:`~offblocks.sandbox.find_sandbox_binary` finds:
``OFFBLOCKS_SANDBOX_BIN`` when set, else the bundled copy.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable, Sequence, TypeVar, cast

from .sandbox import LocalSandbox

if TYPE_CHECKING:
    from .client import Client

__all__ = ["offblocks_client", "offblocks_sandbox", "sandbox"]


def sandbox(
    args: Sequence[str] = (), binary: str | os.PathLike[str] | None = None
) -> LocalSandbox:
    """Starts an emulator and returns it; use it as a context manager, which stops it.

    ``args`` are extra command-line options of ``offblocks-sandbox``
    (``["--activation-polls", "0"]``…); ``binary`` overrides which emulator runs.

    Raises :class:`~offblocks.sandbox.SandboxNotFound` (listing the paths tried) when no
    emulator binary is found, ``RuntimeError`` when it does not start.
    """
    return LocalSandbox.start(binary=binary, args=args)


_Function = TypeVar("_Function", bound=Callable[..., Any])


def _fixture(**kwargs: Any) -> Callable[[_Function], _Function]:
    """``pytest.fixture(**kwargs)`` when pytest is installed; without pytest the fixtures
    stay plain generator functions, and :func:`sandbox` works all the same."""
    try:
        import pytest
    except ImportError:
        return lambda function: function
    return cast("Callable[[_Function], _Function]", pytest.fixture(**kwargs))


@_fixture(scope="session")
def offblocks_sandbox() -> Iterator[LocalSandbox]:
    """One emulator for the whole session, stopped at its end."""
    with sandbox() as running:
        yield running


@_fixture()
def offblocks_client(offblocks_sandbox: LocalSandbox) -> Iterator[Client]:
    """A client with a freshly registered signing key on the session's emulator."""
    with offblocks_sandbox.client() as client:
        client.auth.register_signing_key()
        yield client
