"""Builds the Rust library and the emulator with cargo and bundles them into `offblocks`.

`pip install ./bindings/python` runs, in the repository root (two levels up from this
file), `cargo build --release --locked -p offblocks` and `cargo build --release --locked
-p offblocks-sandbox --bin offblocks-sandbox`, then copies the shared library
(`liboffblocks.so`, `liboffblocks.dylib` or `offblocks.dll`) and the emulator
(`offblocks-sandbox`) next to the Python modules. The package's version is the `version`
of the repository's Cargo.toml, written into the built `offblocks/_version.py`.

Environment:

- `CARGO` : the cargo to run (default `cargo` on the PATH);
- `CARGO_TARGET_DIR` : where cargo builds, as usual (default `<repo>/target`);
- `OFFBLOCKS_PREBUILT_LIB` : the path of an already built library to bundle instead of
  running cargo (for packagers who build it separately; scripts/build-wheel.sh does);
- `OFFBLOCKS_PREBUILT_SANDBOX` : likewise for the emulator binary. When only
  `OFFBLOCKS_PREBUILT_LIB` is given, cargo is not run at all and no emulator is bundled.
"""

from __future__ import annotations

import json
import os
import re
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
SANDBOX_NAMES = ("offblocks-sandbox", "offblocks-sandbox.exe")


def _crate_version() -> str:
    """The `version` of the `[package]` table of the repository's Cargo.toml: the one
    version of the crate, the C header and this package.

    Outside a checkout (a packager building with OFFBLOCKS_PREBUILT_LIB from a copy of
    this directory alone) the committed offblocks/_version.py is used instead.
    """
    cargo_toml = REPO / "Cargo.toml"
    if cargo_toml.is_file():
        text = cargo_toml.read_text(encoding="utf-8")
        # The [package] table runs from its header to the next table header.
        package = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
        version = package and re.search(r'^version\s*=\s*"([^"]+)"', package.group(1), re.M)
        if not version:
            raise SystemExit(f"offblocks: no version in the [package] table of {cargo_toml}")
        return version.group(1)
    committed = (HERE / "offblocks" / "_version.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', committed, re.M)
    if not found:
        raise SystemExit("offblocks: no __version__ in offblocks/_version.py")
    return found.group(1)


VERSION = _crate_version()


def _cargo_build(package: str, target: str, kind: str, names: tuple[str, ...]) -> Path:
    """Runs `cargo build --release --locked -p PACKAGE` and returns the path of the
    artifact of target TARGET, of crate kind KIND (`cdylib`, `bin`), named one of NAMES."""
    if not (REPO / "Cargo.toml").is_file():
        raise SystemExit(
            f"offblocks: cannot build the Rust library: no Cargo.toml in {REPO}. Install "
            "from a checkout of the repository (pip install ./bindings/python), or set "
            "OFFBLOCKS_PREBUILT_LIB to a built liboffblocks."
        )
    cargo = os.environ.get("CARGO", "cargo")
    cmd = [cargo, "build", "--release", "--locked", "-p", package]
    if kind == "bin":
        cmd += ["--bin", target]
    cmd.append("--message-format=json-render-diagnostics")
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
        if msg.get("target", {}).get("name") != target:
            continue
        if kind not in msg["target"].get("kind", []):
            continue
        for name in msg.get("filenames", []):
            if Path(name).name in names:
                found = Path(name)
    if found is None or not found.is_file():
        raise SystemExit(f"offblocks: cargo did not report the {kind} {target}")
    return found


def _prebuilt(variable: str) -> Path | None:
    value = os.environ.get(variable)
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise SystemExit(f"offblocks: {variable}={path} does not exist")
    return path


def _bundle(source: Path, dest_dir: Path, stale: tuple[str, ...]) -> None:
    for name in stale:
        (dest_dir / name).unlink(missing_ok=True)
    # Keep the platform's file name: the loader and the finder look for exactly these.
    dest = dest_dir / source.name
    shutil.copyfile(source, dest)
    os.chmod(dest, 0o755)
    print(f"offblocks: bundled {source} as {dest}", file=sys.stderr)


class BuildWithCargo(build_py):
    """`build_py` that also builds the library and the emulator, copies them into the
    package, and writes the crate's version into `offblocks/_version.py`."""

    def run(self) -> None:
        super().run()
        dest_dir = Path(self.build_lib) / "offblocks"
        dest_dir.mkdir(parents=True, exist_ok=True)
        (dest_dir / "_version.py").write_text(
            '"""The package\'s version: always the version of the Rust crate it bundles\n'
            '(written from Cargo.toml by setup.py)."""\n\n'
            f'__version__ = "{VERSION}"\n',
            encoding="utf-8",
        )

        lib = _prebuilt("OFFBLOCKS_PREBUILT_LIB")
        sandbox = _prebuilt("OFFBLOCKS_PREBUILT_SANDBOX")
        if lib is None:
            lib = _cargo_build("offblocks", "offblocks", "cdylib", LIB_NAMES)
            if sandbox is None:
                sandbox = _cargo_build(
                    "offblocks-sandbox", "offblocks-sandbox", "bin", SANDBOX_NAMES
                )
        _bundle(lib, dest_dir, LIB_NAMES)
        if sandbox is None:
            for name in SANDBOX_NAMES:
                (dest_dir / name).unlink(missing_ok=True)
            print(
                "offblocks: no emulator bundled (OFFBLOCKS_PREBUILT_LIB without "
                "OFFBLOCKS_PREBUILT_SANDBOX)",
                file=sys.stderr,
            )
        else:
            _bundle(sandbox, dest_dir, SANDBOX_NAMES)


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

setup(version=VERSION, cmdclass=cmdclass, distclass=BinaryDistribution)
