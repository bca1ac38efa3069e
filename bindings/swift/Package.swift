// swift-tools-version:5.9
// The Swift face of the OffBlocks SDK, over its C ABI (include/offblocks.h, liboffblocks).
//
// This manifest builds against the library of this repository: `cargo build --release -p
// offblocks` writes target/release/liboffblocks.{so,dylib,a}; OFFBLOCKS_LIB_DIR names
// another directory. Apps consuming the XCFramework use Package.binary.swift instead (see
// README.md). run-tests.sh runs `swift test` here.
import Foundation
import PackageDescription

let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let libDir = ProcessInfo.processInfo.environment["OFFBLOCKS_LIB_DIR"] ?? "\(here)/../../target/release"
let linkLibrary: [LinkerSetting] = [
    .unsafeFlags(["-L\(libDir)", "-Xlinker", "-rpath", "-Xlinker", libDir]),
]

let package = Package(
    name: "OffBlocks",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "OffBlocks", targets: ["OffBlocks"]),
    ],
    targets: [
        .systemLibrary(name: "COffBlocks", path: "Sources/COffBlocks"),
        .target(name: "OffBlocks", dependencies: ["COffBlocks"], linkerSettings: linkLibrary),
        .executableTarget(name: "OffBlocksBench", dependencies: ["OffBlocks", "COffBlocks"], linkerSettings: linkLibrary),
        .testTarget(name: "OffBlocksTests", dependencies: ["OffBlocks", "COffBlocks"], linkerSettings: linkLibrary),
    ]
)
