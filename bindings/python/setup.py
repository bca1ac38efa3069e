"""Builds the Rust library with cargo and bundles it into the `offblocks` package.

`pip install ./bindings/python` runs `cargo build --release --locked -p offblocks` in the
repository root (two levels up from this file) and copies the shared library
(`liboffblocks.so`, `liboffblocks.dylib` or `offblocks.dll`) next to the Python modules.

Environment:

- `CARGO` : the cargo to run (default `cargo` on the PATH);
- `CARGO_TARGET_DIR` : where cargo builds, as usual (default `<repo>/target`);
- `OFFBLOCKS_PREBUILT_LIB` : the path of an already built library to bundle instead of
  running cargo (for packagers who build it separately).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LIB_NAMES = ("liboffblocks.so", "liboffblocks.dylib", "offblocks.dll")


def _cargo_build() -> Path:
    """Runs cargo and returns the path of the cdylib it produced."""
    if not (REPO / "Cargo.toml").is_file():
        raise SystemExit(
            f"offblocks: cannot build the Rust library: no Cargo.toml in {REPO}. Install "
            "from a checkout of the repository (pip install ./bindings/python), or set "
            "OFFBLOCKS_PREBUILT_LIB to a built liboffblocks."
        )
    cargo = os.environ.get("CARGO", "cargo")
    cmd = [cargo, "build", "--release", "--locked", "-p", "offblocks",
           "--message-format=json-render-diagnostics"]
    print("offblocks: running " + " ".join(cmd) + f" in {REPO}", file=sys.stderr)
    try:
        proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, check=False)
    except FileNotFoundError as e:
        raise SystemExit(
            f"offblocks: cannot run {cargo!r} ({e}). Installing this package builds its "
            "Rust library: install Rust (https://rustup.rs) or set CARGO."
        ) from e
    if proc.returncode != 0:
        raise SystemExit(f"offblocks: cargo build failed (exit {proc.returncode})")
    found: Path | None = None
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        try:
            msg: Any = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") != "compiler-artifact":
            continue
        if msg.get("target", {}).get("name") != "offblocks":
            continue
        if "cdylib" not in msg["target"].get("kind", []):
            continue
        for name in msg.get("filenames", []):
            if Path(name).name in LIB_NAMES:
                found = Path(name)
    if found is None or not found.is_file():
        raise SystemExit("offblocks: cargo did not report the offblocks shared library")
    return found


class BuildWithCargo(build_py):
    """`build_py` that also builds and copies the shared library into the package."""

    def run(self) -> None:
        super().run()
        prebuilt = os.environ.get("OFFBLOCKS_PREBUILT_LIB")
        lib = Path(prebuilt) if prebuilt else _cargo_build()
        if not lib.is_file():
            raise SystemExit(f"offblocks: OFFBLOCKS_PREBUILT_LIB={lib} does not exist")
        dest_dir = Path(self.build_lib) / "offblocks"
        dest_dir.mkdir(parents=True, exist_ok=True)
        for stale in LIB_NAMES:
            (dest_dir / stale).unlink(missing_ok=True)
        # Keep the platform's file name: the loader looks for exactly these names.
        dest = dest_dir / lib.name
        shutil.copyfile(lib, dest)
        os.chmod(dest, 0o755)
        print(f"offblocks: bundled {lib} as {dest}", file=sys.stderr)


class BinaryDistribution(Distribution):
    """Marks the wheel as platform-specific: it carries a native library."""

    def has_ext_modules(self) -> bool:
        return True


cmdclass: dict[str, Any] = {"build_py": BuildWithCargo}

try:  # The library does not use Python's C API: one wheel serves every Python 3.
    try:
        from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
    except ImportError:  # setuptools < 70.1
        from wheel.bdist_wheel import bdist_wheel as _bdist_wheel  # type: ignore[no-redef]

    class BdistWheel(_bdist_wheel):  # type: ignore[misc,valid-type]
        def get_tag(self) -> tuple[str, str, str]:
            _python, _abi, plat = super().get_tag()
            return "py3", "none", plat

    cmdclass["bdist_wheel"] = BdistWheel
except ImportError:
    pass

setup(cmdclass=cmdclass, distclass=BinaryDistribution)
