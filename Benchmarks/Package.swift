// swift-tools-version: 6.1
// The benchmark: the reference workload on MemoryGraph, side by side with SQLite (through GRDB)
// and raw LMDB — and, when built with the agent service, on the PostgreSQL backend beside raw
// SQL. A package of its own, as swift-nio keeps its benchmarks, so that building and testing
// MemoryGraph never builds GRDB. Run it from the root with `make bench` (`make bench-postgres`).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Whether the PostgreSQL comparison (`--compare postgres`) is built: only when the root package
/// has its network backends, that is without MEMORY_GRAPH_WITHOUT_SERVICE (see its Package.swift).
let includesPostgres = Context.environment["MEMORY_GRAPH_WITHOUT_SERVICE"] == nil

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

if includesPostgres {
    package.dependencies += [
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ]
    for target in package.targets where target.name == "memory-graph-bench" {
        target.dependencies += [
            .product(name: "MemoryGraphPostgres", package: "MemoryGraph"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]
    }
}
