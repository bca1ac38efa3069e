#!/usr/bin/env bash
# Assembles an Android library archive (AAR) of the Kotlin binding from per-ABI builds of
# liboffblocks.so:
#
#   bash bindings/kotlin/package-aar.sh --classes target/offblocks-kotlin-0.2.0.jar \
#       --out build/offblocks.aar \
#       arm64-v8a=target/aarch64-linux-android/release/liboffblocks.so \
#       armeabi-v7a=target/armv7-linux-androideabi/release/liboffblocks.so \
#       x86_64=target/x86_64-linux-android/release/liboffblocks.so
#
# --classes is the binding's jar (`mvn package`) or its compiled classes directory (then it
# is jarred here). The AAR holds, at its root (the AAR format):
#
#   AndroidManifest.xml   package xyz.offblocks, minSdk 26 (java.time), INTERNET permission
#   classes.jar           the binding's classes only: JNA is a dependency of the app
#                         (net.java.dev.jna:jna:<version>@aar, which ships libjnidispatch.so)
#   R.txt, res/           empty: the library has no Android resources
#   proguard.txt          keep rules: JNA binds native methods and callbacks by name
#   jni/<abi>/liboffblocks.so
#
# (A Gradle project keeps such libraries in src/main/jniLibs/<abi>/; inside the packaged
# AAR the folder is jni/<abi>/, and the app's APK gets them in lib/<abi>/.)
#
# Each .so is checked against its ABI (ELF class and machine) so that a library built for
# the wrong target cannot slip into the wrong folder; --allow-arch-mismatch skips that
# check (the layout test uses copies of the host library).
set -euo pipefail

usage() {
    sed -n '2,30p' "$0" >&2
    exit 2
}

classes="" out="" check_arch=1
abis=()
while [ $# -gt 0 ]; do
    case "$1" in
        --classes) classes=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        --allow-arch-mismatch) check_arch=0; shift ;;
        -h | --help) usage ;;
        *=*) abis+=("$1"); shift ;;
        *) echo "package-aar.sh: unexpected argument '$1'" >&2; usage ;;
    esac
done
[ -n "$classes" ] && [ -n "$out" ] && [ ${#abis[@]} -gt 0 ] || usage
case "$classes" in /*) ;; *) classes="$PWD/$classes" ;; esac
command -v jar >/dev/null || { echo "package-aar.sh: the JDK's jar tool is needed" >&2; exit 1; }

# The ELF class (1: 32-bit, 2: 64-bit) and machine (e_machine) each ABI must have.
expected_elf() {
    case "$1" in
        arm64-v8a) echo "2 183" ;;   # EM_AARCH64
        armeabi-v7a) echo "1 40" ;;  # EM_ARM
        x86_64) echo "2 62" ;;       # EM_X86_64
        x86) echo "1 3" ;;           # EM_386
        *) return 1 ;;
    esac
}

elf_of() {
    local magic class machine
    magic=$(od -An -c -N 4 "$1" | tr -d ' ')
    [ "$magic" = '177ELF' ] || { echo "not-elf"; return; }
    class=$(od -An -t u1 -j 4 -N 1 "$1" | tr -d ' ')
    machine=$(od -An -t u2 -j 18 -N 2 "$1" | tr -d ' ')
    echo "$class $machine"
}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

for pair in "${abis[@]}"; do
    abi=${pair%%=*}
    so=${pair#*=}
    want=$(expected_elf "$abi") || { echo "package-aar.sh: unknown ABI '$abi' (arm64-v8a, armeabi-v7a, x86_64, x86)" >&2; exit 1; }
    [ -f "$so" ] || { echo "package-aar.sh: $so (for $abi) does not exist" >&2; exit 1; }
    [ -d "$stage/jni/$abi" ] && { echo "package-aar.sh: $abi given twice" >&2; exit 1; }
    got=$(elf_of "$so")
    if [ "$got" = "not-elf" ]; then
        echo "package-aar.sh: $so is not an ELF shared library" >&2
        exit 1
    fi
    if [ "$check_arch" = 1 ] && [ "$got" != "$want" ]; then
        echo "package-aar.sh: $so is built for another architecture than $abi (ELF class/machine $got, want $want)" >&2
        exit 1
    fi
    mkdir -p "$stage/jni/$abi"
    cp "$so" "$stage/jni/$abi/liboffblocks.so"
done

if [ -d "$classes" ]; then
    jar cf "$stage/classes.jar" -C "$classes" .
elif [ -f "$classes" ]; then
    cp "$classes" "$stage/classes.jar"
else
    echo "package-aar.sh: --classes $classes is neither a jar nor a directory" >&2
    exit 1
fi

cat > "$stage/AndroidManifest.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="xyz.offblocks">
    <uses-sdk android:minSdkVersion="26" />
    <uses-permission android:name="android.permission.INTERNET" />
</manifest>
XML
: > "$stage/R.txt"
mkdir -p "$stage/res"
cat > "$stage/proguard.txt" <<'PRO'
# offblocks: JNA registers the native functions of xyz.offblocks.internal.OffblocksAbi and
# calls back through the single method of each Callback interface, all by name.
-keep class xyz.offblocks.internal.OffblocksAbi { native <methods>; }
-keep class xyz.offblocks.internal.SizeT { *; }
-keep interface xyz.offblocks.internal.SignFn { *; }
-keep interface xyz.offblocks.internal.ProgressFn { *; }
-keep class * implements xyz.offblocks.internal.SignFn { *; }
-keep class * implements xyz.offblocks.internal.ProgressFn { *; }
# JNA itself (as its Android notes ask).
-dontwarn java.awt.**
-keep class com.sun.jna.** { *; }
-keepclassmembers class * extends com.sun.jna.** { public *; }
PRO

mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
rm -f "$out"
# `jar cfM`: a plain zip (no META-INF/MANIFEST.MF), every entry at the root.
(cd "$stage" && jar cfM "$out" AndroidManifest.xml classes.jar R.txt res proguard.txt jni)
echo "wrote $out: $(cd "$stage" && find jni -name '*.so' | sort | tr '\n' ' ')"
