// swift-tools-version: 6.1
// The benchmark: the reference workload on MemoryGraph, side by side with SQLite (through GRDB)
// and raw LMDB. A package of its own, as swift-nio keeps its benchmarks, so that building and
// testing MemoryGraph never builds GRDB. Run it from the root with `make bench`.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "MemoryGraphBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "MemoryGraph", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "memory-graph-bench",
            dependencies: [
                .product(name: "MemoryGraph", package: "MemoryGraph"),
                .product(name: "LMDB", package: "MemoryGraph"),
                .product(name: "MemoryGraphWorkload", package: "MemoryGraph"),
                .product(name: "SeededRandom", package: "MemoryGraph"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        )
    ]
)
