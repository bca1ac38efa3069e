"""Onboarding latency: the `offblocks` package against the same flow in pure Python.

    bindings/python/bench/run.sh [--runs 30] [--warmup 3] [--mode fresh|reused]
                                 [--poll-interval 0] [--json PATH] [--profile DIR]

One emulator process (`offblocks-sandbox`) serves both sides. After a warm-up, the two
flows run interleaved (ours, pure, ours, pure…), each onboarding a distinct user (own
external id, own wallet, own request-signing key). Then the package runs alone, first
with the bench's poll interval, then with its default one (100 ms).

What is timed, identically on both sides:
- `--mode fresh` (default): a new client from the signing key's PEM text, its token,
  the registration of its signing key (`PUT /auth/signing`), the whole onboarding, and
  closing the client: a first onboarding, 14 requests on one new keep-alive connection.
- `--mode reused`: one client per side, made and registered before the timed runs; the
  timed region is the onboarding alone (12 requests, the token already cached).
Outside it on both sides: generating the P-384 and secp256k1 keys (the wallet object
exists before the flow: `offblocks.Wallet.from_hex` / `eth_account.Account.from_key`),
starting the emulator, and checking the results.

The emulator answers `pending`/`screening` to a fixed number of reads before the
account/customer moves on, so both sides make the same requests; with the default
`--poll-interval 0` the pure-Python flow never sleeps between polls, while the package
waits its floor of 10 ms, doubling between polls (about 40–60 ms of each onboarding;
with 0.1 s, the package's default, about 0.6 s).

Besides wall-clock latency it reports CPU time per onboarding: of this process (the
client side: Python plus, for ours, the Rust library) and of the emulator (the same work
for both sides). The flow is serial, so on an idle machine client + emulator CPU is its
latency; on a busy one, wall-clock times grow with every request's wake-ups while the
CPU times stay put, which makes them the steadier comparison. The emulator's share also
bounds the ratio: a client costing nothing would still wait for it.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import secrets
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from eth_account import Account

import offblocks
from offblocks.sandbox import LocalSandbox

import pure_onboarding as pure

CHAIN = "eip155:300"
TARGET_RATIO = 5.0


@dataclass
class Samples:
    """Per-onboarding measurements of one flow."""

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "median_ms": round(statistics.median(self.wall_ms), 3),
            "p90_ms": round(p90(self.wall_ms), 3),
            "min_ms": round(min(self.wall_ms), 3),
            "mean_ms": round(statistics.fmean(self.wall_ms), 3),
            "client_cpu_median_ms": round(statistics.median(self.cpu_ms), 3),
        }


def p90(values: list[float]) -> float:
    """The 90th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def emulator_cpu_ms(sandbox: LocalSandbox) -> float | None:
    """User + system CPU time of the emulator process so far (Linux, in clock ticks of
    usually 10 ms: only meaningful over many onboardings), else None."""
    pid = sandbox._process.pid  # noqa: SLF001 (LocalSandbox exposes no pid)
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def new_signing_pem() -> str:
    """A P-384 key as `openssl ecparam -name secp384r1 -genkey -noout` makes it."""
    key = ec.generate_private_key(ec.SECP384R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


class Bench:
    def __init__(self, sandbox: LocalSandbox, mode: str, poll_interval: float) -> None:
        self.sandbox = sandbox
        self.mode = mode
        self.poll_interval = poll_interval
        self.onboarded: dict[str, str] = {}  # external id -> "ours" | "pure"
        self.ours_client: offblocks.Client | None = None
        self.pure_client: pure.PureClient | None = None
        if mode == "reused":
            self.ours_client = sandbox.client(signing_key_pem=new_signing_pem())
            self.ours_client.auth.register_signing_key()
            self.pure_client = self._pure_client(new_signing_pem())
            self.pure_client.register_signing_key()

    def _pure_client(self, pem: str) -> pure.PureClient:
        s = self.sandbox
        return pure.PureClient(s.base_url, s.api_key, s.api_secret, pem.encode())

    def close(self) -> None:
        if self.ours_client is not None:
            self.ours_client.close()
        if self.pure_client is not None:
            self.pure_client.close()

    def prepare(self, side: str, poll_interval: float | None = None) -> Callable[[], str]:
        """Everything untimed (keys, wallet, ids); returns the timed onboarding, which
        returns the account's final status."""
        poll = self.poll_interval if poll_interval is None else poll_interval
        pem = new_signing_pem()
        wallet_hex = "0x" + secrets.token_bytes(32).hex()
        external_id = f"bench-{side}-{uuid.uuid4()}"
        self.onboarded[external_id] = side
        if side == "ours":
            wallet = offblocks.Wallet.from_hex(wallet_hex)
            shared = self.ours_client

            def ours() -> str:
                if shared is not None:
                    return shared.onboard(external_id, signer=wallet, chain=CHAIN, poll_interval=poll).account.status
                with self.sandbox.client(signing_key_pem=pem) as client:
                    client.auth.register_signing_key()
                    done = client.onboard(external_id, signer=wallet, chain=CHAIN, poll_interval=poll)
                    return done.account.status

            return ours
        account = Account.from_key(wallet_hex)
        shared_pure = self.pure_client

        def pure_python() -> str:
            if shared_pure is not None:
                return str(pure.onboard(shared_pure, external_id, account, CHAIN, poll).account["status"])
            with self._pure_client(pem) as client:
                client.register_signing_key()
                return str(pure.onboard(client, external_id, account, CHAIN, poll).account["status"])

        return pure_python

    def measure(self, side: str, into: Samples, poll_interval: float | None = None) -> None:
        run = self.prepare(side, poll_interval)
        gc.collect()
        c0 = time.process_time()
        t0 = time.perf_counter()
        status = run()
        t1 = time.perf_counter()
        c1 = time.process_time()
        if str(status) != "active":
            raise SystemExit(f"{side}: the account ended {status}, not active")
        into.wall_ms.append((t1 - t0) * 1000)
        into.cpu_ms.append((c1 - c0) * 1000)

    def count_requests(self, side: str) -> int:
        """Onboards once (untimed) and counts the requests the emulator received."""
        before = len(self.sandbox.requests())
        self.prepare(side)()
        return len(self.sandbox.requests()) - before

    def check_state(self) -> int:
        """Every onboarded user has exactly one customer and one account, both active."""
        state = self.sandbox.state()
        customers = {c["externalId"]: c for c in state["customers"] if c["externalId"] in self.onboarded}
        missing = set(self.onboarded) - set(customers)
        if missing:
            raise SystemExit(f"the emulator has no customer for {sorted(missing)[:3]}…")
        by_customer: dict[str, list[dict[str, Any]]] = {}
        for account in state["accounts"]:
            by_customer.setdefault(account["customerId"], []).append(account)
        for external_id, customer in customers.items():
            accounts = by_customer.get(customer["id"], [])
            if customer["status"] != "active" or [a["status"] for a in accounts] != ["active"]:
                raise SystemExit(f"{external_id}: customer {customer['status']}, accounts {accounts}")
        return len(customers)


def versions() -> dict[str, str]:
    out = {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "offblocks": offblocks.__version__,
        "offblocks_library": offblocks.library_version(),
    }
    for dist in ("requests", "urllib3", "cryptography", "http-message-signatures", "eth-account", "eth-keys"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    from cryptography.hazmat.backends.openssl import backend

    out["openssl"] = backend.openssl_version_text()
    from eth_keys.backends import get_backend

    out["eth_keys_backend"] = type(get_backend()).__name__
    return out


def profile(bench: Bench, directory: Path, runs: int) -> None:
    """pyinstrument profiles of `runs` onboardings per side (text and HTML)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit("--profile needs pyinstrument (pip install -r requirements-bench.txt)")
    directory.mkdir(parents=True, exist_ok=True)
    for side in ("ours", "pure"):
        flows = [bench.prepare(side) for _ in range(runs)]
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for flow in flows:
            flow()
        profiler.stop()
        (directory / f"{side}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
        (directory / f"{side}.html").write_text(profiler.output_html())
        print(f"profile of {runs} {side} onboardings: {directory / (side + '.txt')}")


def fmt(name: str, s: dict[str, Any]) -> str:
    return (
        f"{name:<32} median {s['median_ms']:7.1f} ms   p90 {s['p90_ms']:7.1f} ms   "
        f"min {s['min_ms']:7.1f} ms   client CPU {s['client_cpu_median_ms']:5.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed onboardings per side (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed onboardings per side first (3)")
    parser.add_argument("--mode", choices=("fresh", "reused"), default="fresh",
                        help="a new client per onboarding (token + key registration timed), "
                        "or one client per side made beforehand (fresh)")
    parser.add_argument("--poll-interval", type=float, default=0.0,
                        help="seconds between status polls, both sides (0)")
    parser.add_argument("--alone-runs", type=int, default=None,
                        help="runs of the package alone, per poll interval (--runs)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="also profile onboardings of each side with pyinstrument into DIR")
    parser.add_argument("--sandbox-bin", help="the offblocks-sandbox binary (else found as LocalSandbox does)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be ≥ 1 and --warmup ≥ 0")
    alone_runs = args.runs if args.alone_runs is None else args.alone_runs
    load_start = os.getloadavg()

    with LocalSandbox.start(args.sandbox_bin) as sandbox:
        bench = Bench(sandbox, args.mode, args.poll_interval)
        try:
            requests_per = {side: bench.count_requests(side) for side in ("ours", "pure")}
            for _ in range(args.warmup):
                bench.prepare("ours")()
                bench.prepare("pure")()
            ours, pure_samples = Samples(), Samples()
            e0 = emulator_cpu_ms(sandbox)
            for _ in range(args.runs):  # interleaved: ours, pure, ours, pure…
                bench.measure("ours", ours)
                bench.measure("pure", pure_samples)
            e1 = emulator_cpu_ms(sandbox)
            alone = Samples()
            for _ in range(alone_runs):
                bench.measure("ours", alone)
            alone_default = Samples()
            for _ in range(alone_runs):
                bench.measure("ours", alone_default, poll_interval=0.1)
            if args.profile:
                profile(bench, args.profile, max(5, args.runs // 3))
            checked = bench.check_state()
        finally:
            bench.close()

    s_ours, s_pure = ours.summary(), pure_samples.summary()
    s_alone, s_default = alone.summary(), alone_default.summary()
    ratio = s_pure["median_ms"] / s_ours["median_ms"]
    ratio_p90 = s_pure["p90_ms"] / s_ours["p90_ms"]
    cpu_ratio = s_pure["client_cpu_median_ms"] / s_ours["client_cpu_median_ms"]
    info = versions()
    timed = (
        "new client + token + signing-key registration + onboarding"
        if args.mode == "fresh"
        else "onboarding only (client made and key registered beforehand)"
    )
    print(f"offblocks {info['offblocks']} vs pure Python (requests {info['requests']}, "
          f"cryptography {info['cryptography']}, http-message-signatures "
          f"{info['http-message-signatures']}, eth-account {info['eth-account']} with "
          f"{info['eth_keys_backend']}), {info['python']}")
    print(f"mode {args.mode}: timed = {timed}; poll interval {args.poll_interval} s; "
          f"{args.runs} runs per side after {args.warmup} warm-up, interleaved")
    print(f"requests per onboarding: ours {requests_per['ours']}, pure {requests_per['pure']}")
    print(fmt("ours (offblocks package)", s_ours))
    print(fmt("pure Python", s_pure))
    emulator_cpu = None if e0 is None or e1 is None else (e1 - e0) / (2 * args.runs)
    serial: dict[str, float] = {}
    if emulator_cpu is not None:
        # The flow is serial (each request waits for the previous answer), so on an idle
        # machine its latency is about the client's CPU plus the emulator's.
        serial = {
            "ours_ms": s_ours["client_cpu_median_ms"] + emulator_cpu,
            "pure_ms": s_pure["client_cpu_median_ms"] + emulator_cpu,
            "ratio": (s_pure["client_cpu_median_ms"] + emulator_cpu) / (s_ours["client_cpu_median_ms"] + emulator_cpu),
            "ratio_bound_zero_cost_client": (s_pure["client_cpu_median_ms"] + emulator_cpu) / emulator_cpu,
        }
        print(f"emulator CPU per onboarding (both sides, the same work): {emulator_cpu:.1f} ms")
        print(f"client + emulator CPU: ours {serial['ours_ms']:.1f} ms, pure {serial['pure_ms']:.1f} ms, "
              f"ratio {serial['ratio']:.2f}x (the idle-machine latency of a serial flow); a client "
              f"costing nothing would reach {serial['ratio_bound_zero_cost_client']:.2f}x")
    print(f"ratio pure/ours: median {ratio:.2f}x, p90 {ratio_p90:.2f}x, client CPU {cpu_ratio:.2f}x "
          f"(target ≥ {TARGET_RATIO:.0f}x on the median: {'met' if ratio >= TARGET_RATIO else 'NOT met'})")
    print(fmt(f"ours alone, poll {args.poll_interval} s", s_alone))
    print(fmt("ours alone, default poll 0.1 s", s_default))
    print(f"onboarding latency in Python (offblocks package, alone, {args.mode}): "
          f"median {s_alone['median_ms']:.1f} ms, p90 {s_alone['p90_ms']:.1f} ms")
    print(f"checked: {checked} users onboarded, each with one active customer and one active account")
    load_end = os.getloadavg()
    print(f"load average: {load_start[0]:.2f} at start, {load_end[0]:.2f} at end "
          f"({os.cpu_count()} CPUs)")

    if args.json:
        result = {
            "runs": args.runs,
            "warmup": args.warmup,
            "mode": args.mode,
            "timed": timed,
            "poll_interval_s": args.poll_interval,
            "requests_per_onboarding": requests_per,
            "ours_median_ms": s_ours["median_ms"],
            "ours_p90_ms": s_ours["p90_ms"],
            "pure_median_ms": s_pure["median_ms"],
            "pure_p90_ms": s_pure["p90_ms"],
            "ratio": round(ratio, 3),
            "ratio_p90": round(ratio_p90, 3),
            "client_cpu_ratio": round(cpu_ratio, 3),
            "target_ratio": TARGET_RATIO,
            "meets_target": ratio >= TARGET_RATIO,
            "emulator_cpu_per_onboarding_ms": None if emulator_cpu is None else round(emulator_cpu, 3),
            "cpu_serial_estimate": {k: round(v, 3) for k, v in serial.items()},
            "ours": s_ours,
            "pure": s_pure,
            "ours_alone_median_ms": s_alone["median_ms"],
            "ours_alone_p90_ms": s_alone["p90_ms"],
            "ours_alone": s_alone,
            "ours_alone_default_poll": s_default,
            "samples_ms": {
                "ours": [round(x, 3) for x in ours.wall_ms],
                "pure": [round(x, 3) for x in pure_samples.wall_ms],
                "ours_alone": [round(x, 3) for x in alone.wall_ms],
                "ours_alone_default_poll": [round(x, 3) for x in alone_default.wall_ms],
            },
            "users_checked": checked,
            "versions": info,
            "machine": {
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "loadavg_start": load_start[0],
                "loadavg_end": load_end[0],
            },
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
