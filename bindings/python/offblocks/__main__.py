"""``python -m offblocks``: the OffBlocks SDK from the shell.

    python -m offblocks onboard      # the whole onboarding flow, printing each step
    python -m offblocks version      # package and library versions

``onboard`` runs against the local emulator by default: it starts the
``offblocks-sandbox`` binary (``OFFBLOCKS_SANDBOX_BIN``, else the copy bundled with the
package, else ``target/release`` of the repository around the working directory). Against another server (the real OffBlocks
sandbox, say) set the same variables as the Rust example:

- ``OFFBLOCKS_BASE_URL``, ``OFFBLOCKS_API_KEY``, ``OFFBLOCKS_API_SECRET``;
- ``OFFBLOCKS_SIGNING_KEY``: the path of a P-384 private key PEM;
- ``OFFBLOCKS_KEY_ID``: its registered id (else the key is registered);
- ``OFFBLOCKS_WALLET_KEY``: the customer's secp256k1 key as hex (else a random one);
- ``OFFBLOCKS_CHAIN``: the CAIP-2 chain (``eip155:300``);
- ``OFFBLOCKS_SIMULATE_VERIFY``: ``0``/``false``/``off``/``no`` to skip the simulator;
- ``OFFBLOCKS_CA_FILE``: a PEM file of extra trust anchors (a gateway's private CA).

The local emulator serves HTTPS with a throwaway CA, as production does; ``--plain-http``
runs it on plain http.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import uuid
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .observer import Attempt


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _show_attempt(a: Attempt) -> None:
    outcome = str(a.status) if a.status is not None else f"failed: {a.error}"
    print(
        f"    {a.method:<6} {a.path:<48} #{a.attempt} {outcome:<4} {a.duration * 1000:>6.1f} ms"
        f"  request-id {a.request_id or '-'}  idempotency-key {a.idempotency_key or '-'}"
    )


def _onboard(args: argparse.Namespace) -> int:
    from . import Client, OffblocksError, Progress, Wallet
    from .sandbox import LocalSandbox, SandboxNotFound

    observer = _show_attempt if args.observe else None
    with contextlib.ExitStack() as stack:
        url = _env("OFFBLOCKS_BASE_URL")
        try:
            if url is None:
                try:
                    sandbox = stack.enter_context(LocalSandbox.start(tls=not args.plain_http))
                except SandboxNotFound as e:
                    print(f"onboarding failed: {e}", file=sys.stderr)
                    return 2
                print(f"local OffBlocks emulator at {sandbox.base_url}")
                client = stack.enter_context(sandbox.client(observer=observer))
                api = sandbox.base_url
            else:
                missing = [
                    n
                    for n in ("OFFBLOCKS_API_KEY", "OFFBLOCKS_API_SECRET", "OFFBLOCKS_SIGNING_KEY")
                    if not _env(n)
                ]
                if missing:
                    print(
                        f"onboarding failed: OFFBLOCKS_BASE_URL is set but {', '.join(missing)} "
                        "is not",
                        file=sys.stderr,
                    )
                    return 2
                client = stack.enter_context(Client.from_env(observer=observer))
                api = url
            print(f"api: {api}")
            if client.key_id is None:
                key_id = client.auth.register_signing_key()
                print(f"registered the request-signing key as {key_id}")
            wallet_hex = _env("OFFBLOCKS_WALLET_KEY")
            try:
                wallet = Wallet.from_hex(wallet_hex) if wallet_hex else Wallet.random()
            except OffblocksError as e:
                print(f"onboarding failed: OFFBLOCKS_WALLET_KEY: {e}", file=sys.stderr)
                return 2
            stack.callback(wallet.close)
            chain = args.chain or _env("OFFBLOCKS_CHAIN") or "eip155:300"
            simulate = (_env("OFFBLOCKS_SIMULATE_VERIFY") or "on").lower() not in (
                "0",
                "false",
                "off",
                "no",
            )
            if args.no_simulate:
                simulate = False
            external_id = args.external_id or str(uuid.uuid4())
            print(f"wallet: {wallet.address} on {chain}")
            print(f"onboarding external id {external_id}")

            def show(p: Progress) -> None:
                print(f"[{p.elapsed * 1000:>9.1f} ms] {p.step:<24} {p.status:<11} {p.message}")
                sys.stdout.flush()

            done = client.onboard(
                external_id,
                signer=wallet,
                chain=chain,
                progress=show,
                simulate_verification=simulate,
                timeout=args.timeout,
            )
        except OffblocksError as e:
            print(f"onboarding failed: {type(e).__name__}: {e}", file=sys.stderr)
            if getattr(e, "body", None):
                print(f"response body: {e.body}", file=sys.stderr)
            return 1
        print(
            f"done: customer {done.customer.id} ({done.customer.status}), account "
            f"{done.account.id} ({done.account.status}) at {done.account.chain_id or '-'}"
        )
    return 0


def _version(_args: argparse.Namespace) -> int:
    from . import __version__, library_path, library_version

    print(f"offblocks {__version__} (library {library_version()} at {library_path()})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m offblocks",
        description="The OffBlocks SDK from the shell.",
        epilog="See `python -m offblocks onboard --help` for the OFFBLOCKS_* variables.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    onboard = commands.add_parser(
        "onboard",
        help="run the whole onboarding flow, printing each step",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    onboard.add_argument("--external-id", help="the customer's external id (default: a UUID)")
    onboard.add_argument(
        "--plain-http", action="store_true", help="run the local emulator on plain http"
    )
    onboard.add_argument("--chain", help="CAIP-2 chain (default: OFFBLOCKS_CHAIN or eip155:300)")
    onboard.add_argument(
        "--no-simulate", action="store_true", help="do not call the sandbox simulator's verify"
    )
    onboard.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for statuses (120)"
    )
    onboard.add_argument(
        "--observe",
        action="store_true",
        help="also print every HTTP attempt (status, time, request id, Idempotency-Key)",
    )
    onboard.set_defaults(run=_onboard)
    version = commands.add_parser("version", help="print the package and library versions")
    version.set_defaults(run=_version)
    args = parser.parse_args(argv)
    try:
        import offblocks  # noqa: F401 - loads the library: fail here, clearly
    except ImportError as e:
        print(f"offblocks: {e}", file=sys.stderr)
        return 2
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
