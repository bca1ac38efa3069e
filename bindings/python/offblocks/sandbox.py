"""Running the local OffBlocks emulator (the ``offblocks-sandbox`` binary) from Python.

The emulator serves the OffBlocks API on ``http://127.0.0.1:PORT/v1`` and checks every
request (RFC 9421 signature, RFC 9530 digest, idempotency keys, EIP-4361/191
challenges). The package carries its own copy (bundled by ``pip install`` and in the
wheel, next to the library); in a checkout it is also built with
``cargo build --release -p offblocks-sandbox``.

Example::

    from offblocks import Client, Wallet
    from offblocks.sandbox import LocalSandbox

    with LocalSandbox.start() as sandbox, sandbox.client() as client:
        client.auth.register_signing_key()
        print(client.onboard("user-1", signer=Wallet.random()).account.status)

The control API (loopback only) is wrapped too: :meth:`LocalSandbox.advance_clock`,
:meth:`LocalSandbox.add_fault`, :meth:`LocalSandbox.clear_faults`,
:meth:`LocalSandbox.state`. Started with ``proxy=True``, the emulator also runs a loopback
HTTP ``CONNECT`` proxy (:attr:`LocalSandbox.proxy_url`, :meth:`LocalSandbox.tunnels`), to
test a client's ``proxy`` setting.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import threading
import urllib.request
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from .client import Client

__all__ = ["LocalSandbox", "SandboxNotFound", "bundled_binary", "find_sandbox_binary"]

BINARY = "offblocks-sandbox.exe" if os.name == "nt" else "offblocks-sandbox"


class SandboxNotFound(FileNotFoundError):
    """The ``offblocks-sandbox`` binary is not where it was looked for (the message lists
    the paths)."""


def _repos(start: Path) -> list[Path]:
    """Checkouts of the repository at or above ``start``."""
    found = []
    for d in [start, *start.parents]:
        if (d / "Cargo.toml").is_file() and (d / "sandbox" / "Cargo.toml").is_file():
            found.append(d)
    return found


def bundled_binary() -> Path:
    """Where the copy bundled with this package sits (it may be absent: a package built
    with ``OFFBLOCKS_PREBUILT_LIB`` alone carries no emulator)."""
    return Path(__file__).resolve().parent / BINARY


def candidate_binaries() -> list[Path]:
    """Where the binary is looked for: ``OFFBLOCKS_SANDBOX_BIN`` alone when set; else the
    copy bundled with this package (it matches the bundled library), then
    ``target/release/offblocks-sandbox`` (under ``CARGO_TARGET_DIR`` when set) of the
    repository containing the working directory or this package."""
    explicit = os.environ.get("OFFBLOCKS_SANDBOX_BIN")
    if explicit:
        return [Path(explicit)]
    paths: list[Path] = [bundled_binary()]
    repos: list[Path] = []
    for start in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for repo in _repos(start):
            if repo not in repos:
                repos.append(repo)
    target = os.environ.get("CARGO_TARGET_DIR")
    if target:
        paths.append(Path(target) / "release" / BINARY)
    for repo in repos:
        paths.append(repo / "target" / "release" / BINARY)
    return paths


def find_sandbox_binary() -> Path:
    """The emulator binary, or :class:`SandboxNotFound` listing the paths tried."""
    tried = candidate_binaries()
    for path in tried:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    listed = "\n  ".join(str(p) for p in tried)
    raise SandboxNotFound(
        "cannot find the offblocks-sandbox binary; tried:\n  "
        + listed
        + "\nInstall a wheel (it bundles the emulator), build it with `cargo build --release "
        "-p offblocks-sandbox` in the repository, or set OFFBLOCKS_SANDBOX_BIN to its path "
        "(or OFFBLOCKS_BASE_URL and the other OFFBLOCKS_* variables to use a server "
        "instead)."
    )


class LocalSandbox:
    """A running ``offblocks-sandbox`` process (started with ``--port 0
    --exit-on-stdin-close``: it stops when this object closes its stdin, or when the
    Python process dies).

    Attributes:
        base_url: ``http://127.0.0.1:PORT/v1``.
        api_key, api_secret: the emulator's credentials.
        proxy_url: ``http://127.0.0.1:PORT`` of its CONNECT proxy when started with
            ``proxy=True`` (or ``--proxy``), else ``None``.
        ca_file: the PEM file of its throwaway CA when it serves HTTPS (``tls=``), else
            ``None``; :meth:`client` trusts it.
        webhook_public_key_pem: the public key (SPKI PEM) its webhook deliveries are
            signed with when started with ``webhook_signing=True``, else ``None``: what
            a :class:`~offblocks.WebhookInbox` is given as ``verify_with``.
    """

    def __init__(self, process: subprocess.Popen[bytes], values: dict[str, str]) -> None:
        self._process = process
        self.proxy_url = values.get("OFFBLOCKS_PROXY_URL")
        self.ca_file = values.get("OFFBLOCKS_CA_FILE")
        key_file = values.get("OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE")
        self.webhook_public_key_pem = (
            Path(key_file).read_text(encoding="ascii") if key_file else None
        )
        self.base_url = values["OFFBLOCKS_BASE_URL"]
        self.api_key = values["OFFBLOCKS_API_KEY"]
        self.api_secret = values["OFFBLOCKS_API_SECRET"]
        self.root_url = self.base_url.rsplit("/v1", 1)[0]

    @classmethod
    def start(
        cls,
        binary: str | os.PathLike[str] | None = None,
        args: Sequence[str] = (),
        timeout: float = 20.0,
        *,
        proxy: bool = False,
        tls: bool | str = False,
        webhook_signing: bool = False,
    ) -> LocalSandbox:
        """Starts the emulator (found with :func:`find_sandbox_binary` unless ``binary``
        is given) and waits until it prints its URL and credentials. ``args`` are extra
        command-line options (``--activation-polls 0``…); ``proxy`` adds ``--proxy``, a
        CONNECT proxy on loopback (:attr:`proxy_url`); ``tls=True`` serves HTTPS with a
        throwaway CA (:attr:`ca_file`), and a mode name (``"wrong-host"``, ``"expired"``,
        ``"untrusted"``, ``"plain"``) presents what clients must refuse;
        ``webhook_signing`` signs every webhook delivery with a fresh key
        (:attr:`webhook_public_key_pem`)."""
        path = Path(binary) if binary is not None else find_sandbox_binary()
        cmd = [str(path), "--port", "0", "--exit-on-stdin-close", *args]
        if proxy and "--proxy" not in cmd:
            cmd.append("--proxy")
        if tls is True:
            cmd.append("--tls")
        elif tls:
            cmd += ["--tls-mode", str(tls)]
        if webhook_signing:
            cmd += ["--webhook-signing-key", "generate"]
        process = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        values: dict[str, str] = {}
        done = threading.Event()

        def read(stream: IO[bytes]) -> None:
            for raw in stream:
                line = raw.decode("utf-8", "replace").strip()
                if "=" in line:
                    key, _, value = line.partition("=")
                    values[key] = value
                if "OFFBLOCKS_API_SECRET" in values:
                    break
            done.set()

        assert process.stdout is not None
        reader = threading.Thread(target=read, args=(process.stdout,), daemon=True)
        reader.start()
        if not done.wait(timeout) or "OFFBLOCKS_BASE_URL" not in values:
            process.kill()
            _, err = process.communicate(timeout=5)
            raise RuntimeError(
                f"offblocks-sandbox did not start ({' '.join(cmd)}): "
                + err.decode("utf-8", "replace").strip()
            )
        # Drain stderr so that a chatty emulator never blocks on a full pipe.
        assert process.stderr is not None
        threading.Thread(target=process.stderr.read, daemon=True).start()
        return cls(process, values)

    def client(self, **kwargs: Any) -> Client:
        """A :class:`~offblocks.Client` for this emulator (a fresh signing key unless
        ``signing_key_pem`` is given; other keyword arguments are passed on)."""
        from .client import Client

        kwargs.setdefault("base_url", self.base_url)
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("api_secret", self.api_secret)
        if "signing_key_pem" not in kwargs:
            kwargs.setdefault("generate_signing_key", True)
        if self.ca_file is not None:
            kwargs.setdefault("ca_file", self.ca_file)
        return Client(**kwargs)

    # -- control API -------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.root_url + "/_sandbox/" + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        context = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            raw = response.read()
        return json.loads(raw) if raw.strip() else None

    def advance_clock(self, seconds: int) -> Any:
        """Moves the emulator's clock forward (tokens and challenges expire)."""
        return self._control("POST", "clock/advance", {"seconds": seconds})

    def add_fault(self, **rule: Any) -> Any:
        """Adds a fault rule: ``kind`` (``"drop_after_commit"``, ``"drop_before_commit"``,
        ``"status"``, ``"too_many_requests"``, ``"slow"``) and optionally ``method``,
        ``pathPrefix``, ``status``, ``retryAfterSecs``, ``delayMs``, ``rate``,
        ``remaining``."""
        return self._control("POST", "faults", rule)

    def settings(
        self, *, verification_delay_ms: int | None = None, page_size: int | None = None
    ) -> Any:
        """Changes what the running emulator does from now on: how long the simulator's
        verify leaves a customer ``verifying`` (and a signed account ``pending``) before it
        moves on, and how many items a list answers per page (0: one bare array). Returns
        both settings as they now are."""
        body: dict[str, int] = {}
        if verification_delay_ms is not None:
            body["verificationDelayMs"] = verification_delay_ms
        if page_size is not None:
            body["pageSize"] = page_size
        return self._control("POST", "settings", body)

    def clear_faults(self) -> Any:
        """Removes every fault rule."""
        return self._control("DELETE", "faults")

    def state(self) -> Any:
        """The emulator's state (``{"customers": [..], "accounts": [..], "signingKeys":
        [..]}``, the last the ids of the request-signing keys registered now)."""
        return self._control("GET", "state")

    def requests(self) -> Any:
        """The emulator's request log: method, path, status, requestId, dropped, headers
        and body (as text) of each request it received."""
        return self._control("GET", "requests")

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery so far, oldest first: ``eventId``, ``webhookType``,
        ``entityId``, ``status``, ``callbackUrl``, ``attempts``, ``acknowledged``, the
        ``body``, and the last attempt's ``rawBody`` and ``headers``."""
        listed: list[dict[str, Any]] = self._control("GET", "webhooks")
        return listed

    def tunnels(self) -> list[dict[str, Any]]:
        """The tunnels its CONNECT proxy opened, oldest first: ``[{"target":
        "127.0.0.1:PORT", "proxyAuthorization": "Basic …" or None}]``. Raises
        :class:`RuntimeError` when the emulator runs without a proxy."""
        if self.proxy_url is None:
            raise RuntimeError("the emulator was started without proxy=True")
        with urllib.request.urlopen(self.proxy_url + "/tunnels", timeout=10) as response:
            listed: list[dict[str, Any]] = json.loads(response.read())
        return listed

    # -- lifetime ----------------------------------------------------------------------

    def close(self) -> None:
        """Stops the emulator (closes its stdin, then kills it if it lingers)."""
        if self._process.poll() is not None:
            return
        try:
            if self._process.stdin:
                self._process.stdin.close()
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        finally:
            for stream in (self._process.stdout, self._process.stderr):
                if stream:
                    stream.close()

    def __enter__(self) -> LocalSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
