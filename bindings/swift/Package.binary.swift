// swift-tools-version:5.9
// The Swift face of the OffBlocks SDK over COffBlocks.xcframework (build-xcframework.sh),
// for apps on iOS and macOS: the manifest of a distribution of this directory. To publish
// one, copy Sources/OffBlocks and this file (as Package.swift) next to the XCFramework, or
// replace `path:` by the `url:` and `checksum:` of its zip (build-xcframework.sh prints
// the checksum). Package.swift, beside it, builds against the repository's own library
// instead, for the tests on Linux.
import PackageDescription

let package = Package(
    name: "OffBlocks",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "OffBlocks", targets: ["OffBlocks"]),
    ],
    targets: [
        .binaryTarget(name: "COffBlocks", path: "build/COffBlocks.xcframework"),
        .target(name: "OffBlocks", dependencies: ["COffBlocks"], path: "Sources/OffBlocks"),
    ]
)
