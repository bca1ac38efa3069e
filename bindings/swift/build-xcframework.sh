#!/usr/bin/env bash
# Builds COffBlocks.xcframework, the C ABI for Apple platforms as one binary package, on a
# Mac with Xcode (xcodebuild, lipo) and rustup:
#
#   bash bindings/swift/build-xcframework.sh [OUT_DIR]     (default: bindings/swift/build)
#
# 1. static libraries for iOS devices (aarch64-apple-ios), the iOS simulator on Apple
#    silicon (aarch64-apple-ios-sim) and on Intel (x86_64-apple-ios), and, unless
#    XCFRAMEWORK_MACOS=0, macOS (aarch64-apple-darwin, x86_64-apple-darwin);
# 2. one file per platform that has two architectures (lipo): the simulator, macOS;
# 3. a Headers directory with offblocks.h and a module map naming it beside itself
#    (module COffBlocks, as Sources/COffBlocks/module.modulemap);
# 4. `xcodebuild -create-xcframework` over the slices; a checksum for a remote
#    binaryTarget (`swift package compute-checksum`) when the zip is made.
#
# Package.binary.swift consumes the result as a binaryTarget (see README.md). Static
# libraries need no embedding or signing of their own in an app. Environment:
# CARGO_TARGET_DIR (default <repo>/target), IPHONEOS_DEPLOYMENT_TARGET (default 13.0),
# MACOSX_DEPLOYMENT_TARGET (default 10.15).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out=${1:-$here/build}
export IPHONEOS_DEPLOYMENT_TARGET=${IPHONEOS_DEPLOYMENT_TARGET:-13.0}
export MACOSX_DEPLOYMENT_TARGET=${MACOSX_DEPLOYMENT_TARGET:-10.15}

if [ "$(uname -s)" != Darwin ]; then
    echo "build-xcframework.sh: needs macOS with Xcode (xcodebuild, lipo, the iOS SDKs)" >&2
    exit 1
fi
for tool in xcodebuild lipo cargo rustup; do
    command -v "$tool" >/dev/null || { echo "build-xcframework.sh: $tool is not installed" >&2; exit 1; }
done

ios=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
macos=(aarch64-apple-darwin x86_64-apple-darwin)
targets=("${ios[@]}")
[ "${XCFRAMEWORK_MACOS:-1}" = 0 ] || targets+=("${macos[@]}")

echo "== rustup targets: ${targets[*]}"
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
    echo "== cargo build --release --lib --target $t"
    (cd "$root" && cargo build --release --locked -p offblocks --lib --target "$t")
done

rm -rf "$out"
mkdir -p "$out/headers" "$out/lib"
cp "$root/include/offblocks.h" "$out/headers/"
cat > "$out/headers/module.modulemap" <<'EOF'
module COffBlocks [system] {
    header "offblocks.h"
    link "offblocks"
    export *
}
EOF

lib() { echo "$target/$1/release/liboffblocks.a"; }
slices=(-library "$(lib aarch64-apple-ios)" -headers "$out/headers")
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$out/lib/liboffblocks-ios-sim.a"
slices+=(-library "$out/lib/liboffblocks-ios-sim.a" -headers "$out/headers")
if [ "${XCFRAMEWORK_MACOS:-1}" != 0 ]; then
    lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$out/lib/liboffblocks-macos.a"
    slices+=(-library "$out/lib/liboffblocks-macos.a" -headers "$out/headers")
fi
for a in "$out"/lib/*.a "$(lib aarch64-apple-ios)"; do
    echo "$(basename "$a"): $(lipo -archs "$a")"
done

echo "== xcodebuild -create-xcframework"
xcodebuild -create-xcframework "${slices[@]}" -output "$out/COffBlocks.xcframework"
(cd "$out" && rm -f COffBlocks.xcframework.zip && zip -qry COffBlocks.xcframework.zip COffBlocks.xcframework)
if command -v swift >/dev/null; then
    echo "checksum (for a remote binaryTarget): $(cd "$here" && swift package compute-checksum "$out/COffBlocks.xcframework.zip")"
fi
echo "== $out/COffBlocks.xcframework (and .zip)"
