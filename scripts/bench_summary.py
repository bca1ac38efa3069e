"""Prints the table of `scripts/bench.sh`'s figures, each against its target.

    python3 scripts/bench_summary.py RESULTS.jsonl PYTHON.json

RESULTS.jsonl holds one JSON object per line from the Rust and C benches and the size
step; PYTHON.json is what bindings/python/bench/bench_onboarding.py wrote. The same
table is written as Markdown next to RESULTS.jsonl (summary.md), for BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path


def main() -> int:
    results = Path(sys.argv[1])
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    py = json.loads(Path(sys.argv[2]).read_text())

    def one(bench: str, **match: str) -> dict:
        found = [r for r in rows if r.get("bench") == bench and all(r.get(k) == v for k, v in match.items())]
        if not found:
            raise SystemExit(f"no {bench} {match} figure in {results}")
        return found[-1]

    signing = one("signing")
    first = one("first_sign")
    openssl = one("openssl_sign")
    throughput = one("throughput")
    rust = one("onboarding", lang="rust")
    c = one("onboarding", lang="c")
    size = one("size")
    mib = size["stripped_so_bytes"] / (1 << 20)
    linked = size["normal_crates"] - size["proc_macro_crates"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    ossl_us = openssl["openssl_sign_us"]
    table = [
        (f"Our P-384 sign (Rust) / OpenSSL's ({openssl['openssl']}, via `cryptography`)",
         f"{signing['bare_us'] / ossl_us:.2f}× ({signing['bare_us']:.0f} vs {ossl_us:.0f} µs)",
         "≤ 1.5×", verdict(signing["bare_us"] / ossl_us <= 1.5)),
        ("Our prepared signed POST (Rust) / OpenSSL's P-384 sign",
         f"{signing['prepared_us'] / ossl_us:.2f}× ({signing['prepared_us']:.0f} vs {ossl_us:.0f} µs)",
         "—", "—"),
        ("Prepared signed POST via the Python package / OpenSSL's sign via `cryptography` (one process)",
         f"{openssl['ratio_median']:.2f}× ({openssl['python_prepared_us']:.0f} vs {ossl_us:.0f} µs)",
         "—", "—"),
        ("First P-384 sign in a fresh process / steady sign (key load / steady)",
         f"{first['p384_sign_first_us'] / first['p384_sign_steady_us']:.2f}× "
         f"({first['p384_load_first_us'] / first['p384_sign_steady_us']:.1f}×: load {first['p384_load_first_us']:.0f} µs, "
         f"again {first['p384_load_again_us']:.0f} µs)",
         "—", "—"),
        ("Prepared signed POST / bare p384 sign (median of rounds)",
         f"{signing['ratio_median']:.3f}× ({signing['prepared_us']:.0f} vs {signing['bare_us']:.0f} µs)",
         "≤ 1.10×", verdict(signing["ratio_median"] <= 1.10)),
        ("Signed GETs/s, SDK / bare ureq + one sign (one keep-alive connection)",
         f"{throughput['ratio_median']:.3f}× ({throughput['sdk_rps']:.0f} vs {throughput['bare_rps']:.0f} req/s)",
         "≥ 0.8×", verdict(throughput["ratio_median"] >= 0.8)),
        ("Onboarding latency, Rust (median / p90)",
         f"{rust['median_ms']:.1f} / {rust['p90_ms']:.1f} ms", "—", "—"),
        ("Onboarding latency, C through the library (median / p90)",
         f"{c['median_ms']:.1f} / {c['p90_ms']:.1f} ms ({c['median_ms'] / rust['median_ms']:.2f}× Rust)", "—", "—"),
        ("Onboarding latency, Python package (median / p90)",
         f"{py['ours_median_ms']:.1f} / {py['ours_p90_ms']:.1f} ms ({py['ours_median_ms'] / rust['median_ms']:.2f}× Rust)", "—", "—"),
        ("Onboarding latency, pure Python (median / p90)",
         f"{py['pure_median_ms']:.1f} / {py['pure_p90_ms']:.1f} ms", "—", "—"),
        ("Pure Python / Python package, latency (median)",
         f"{py['ratio']:.2f}×", "—", "—"),
        ("Pure Python / Python package, client CPU per onboarding (median)",
         f"{py['client_cpu_ratio']:.2f}×", "≥ 5×", verdict(py["client_cpu_ratio"] >= 5)),
        ("Stripped liboffblocks.so", f"{mib:.2f} MiB ({size['stripped_so_bytes']} bytes)",
         "≤ 3 MiB", verdict(mib <= 3)),
        ("Crates in the normal dependency tree",
         f"{size['normal_crates']} ({linked} linked + {size['proc_macro_crates']} proc-macro)",
         "—", "—"),
    ]
    serial = py.get("cpu_serial_estimate") or {}
    width = max(len(r[0]) for r in table)
    for name, value, target, ok in table:
        print(f"{name:<{width}}  {value:<42} {target:<8} {ok.replace('*', '')}")
    if serial:
        print(f"(Python, CPU-based idle-machine estimate: {serial['ratio']:.2f}×; a client costing "
              f"nothing would reach {serial['ratio_bound_zero_cost_client']:.2f}× against this emulator)")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    md = [
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}; "
        f"load average at the end {load:.2f}.",
        "",
        "| Figure | Value | Target | |",
        "|---|---|---|---|",
        *[f"| {n} | {v} | {t} | {o} |" for n, v, t, o in table],
    ]
    out = results.with_name("summary.md")
    out.write_text("\n".join(md) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
