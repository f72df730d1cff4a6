// swift-tools-version: 6.3
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Whether the agent service — `memory-graph mcp`, `serve` and `token`, with their dependencies
/// (the MCP SDK, Hummingbird, …) — is built. The sanitizer builds and the benchmark set
/// MEMORY_GRAPH_WITHOUT_SERVICE=1 to leave it out: it is large, and its tests run in the plain build.
let includesService = Context.environment["MEMORY_GRAPH_WITHOUT_SERVICE"] == nil

let package = Package(
    name: "MemoryGraph",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "MemoryGraph", targets: ["MemoryGraph"]),
        .library(name: "MemoryGraphCore", targets: ["MemoryGraphCore"]),
        .library(name: "MemoryGraphLMDB", targets: ["MemoryGraphLMDB"]),
        .library(name: "MemoryGraphTesting", targets: ["MemoryGraphTesting"]),
        .library(name: "MemoryGraphWorkload", targets: ["MemoryGraphWorkload"]),
        .library(name: "SeededRandom", targets: ["SeededRandom"]),
        .executable(name: "memory-graph", targets: ["memory-graph"]),
        .executable(name: "memory-graph-stress", targets: ["memory-graph-stress"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            path: "Sources/CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(
            name: "LMDB",
            dependencies: ["CLMDB", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MemoryGraphCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MemoryGraphLMDB",
            dependencies: [
                "LMDB", "MemoryGraphCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MemoryGraph",
            dependencies: ["MemoryGraphCore", "MemoryGraphLMDB"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MemoryGraphTesting",
            dependencies: [
                "MemoryGraphCore", "SeededRandom",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // What an agent can ask of the memory: the tools' names, arguments, schemas and JSON
        // results, shared by MCP and REST.
        .target(
            name: "MemoryGraphTools",
            dependencies: ["MemoryGraphCore", .product(name: "Tracing", package: "swift-distributed-tracing")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MemoryGraphCommands",
            dependencies: [
                "MemoryGraph", "MemoryGraphTools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/MemoryGraphCommands",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "memory-graph",
            dependencies: ["MemoryGraphCommands"],
            path: "Tools/memory-graph",
            swiftSettings: swiftSettings
        ),
        // SplitMix64, the one seedable generator of randomized tests, workloads and writers.
        .target(name: "SeededRandom", swiftSettings: swiftSettings),
        // The reference workload W(N, seed) and a shared counter: what the stress tool, the
        // benchmark (the nested package in Benchmarks/) and the tests share.
        .target(
            name: "MemoryGraphWorkload",
            dependencies: ["MemoryGraph", "SeededRandom"],
            path: "Tools/MemoryGraphWorkload",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "memory-graph-stress",
            dependencies: [
                "MemoryGraph", "LMDB", "MemoryGraphWorkload", "SeededRandom",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tools/memory-graph-stress",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemoryGraphCommandsTests",
            dependencies: [
                "MemoryGraphCommands", "MemoryGraph", "MemoryGraphCore", "MemoryGraphLMDB", "LMDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemoryGraphToolsTests",
            dependencies: ["MemoryGraphTools", "MemoryGraph", "MemoryGraphCore", "MemoryGraphTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LMDBTests",
            dependencies: ["LMDB", "SeededRandom"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemoryGraphLMDBTests",
            dependencies: [
                "MemoryGraph", "MemoryGraphCore", "MemoryGraphLMDB", "LMDB", "MemoryGraphTesting",
                "SeededRandom",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemoryGraphConformanceTests",
            dependencies: ["MemoryGraph", "MemoryGraphCore", "MemoryGraphLMDB", "MemoryGraphTesting", "LMDB", "SeededRandom"],
            swiftSettings: swiftSettings
        ),
    ]
)

if includesService {
    package.dependencies += [
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ]
    package.products += [.library(name: "MemoryGraphPostgres", targets: ["MemoryGraphPostgres"])]
    package.targets += [
        // The PostgreSQL backend: one database that several service instances share.
        .target(
            name: "MemoryGraphPostgres",
            dependencies: [
                "MemoryGraphCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Collections", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // The remote backend: a store behind `memory-graph serve`, reached over its REST API.
        .target(
            name: "MemoryGraphClient",
            dependencies: [
                "MemoryGraphCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The agent service: MCP over stdio and HTTP, REST, tokens, metrics and tracing.
        .target(
            name: "MemoryGraphService",
            dependencies: [
                "MemoryGraph", "MemoryGraphTools", "MemoryGraphPostgres",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemoryGraphPostgresTests",
            dependencies: [
                "MemoryGraphPostgres", "MemoryGraph", "MemoryGraphCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemoryGraphServiceTests",
            dependencies: [
                "MemoryGraphService", "MemoryGraph", "MemoryGraphCore", "MemoryGraphTools", "MemoryGraphTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemoryGraphClientTests",
            dependencies: [
                "MemoryGraphClient", "MemoryGraphService", "MemoryGraph", "MemoryGraphCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
    for target in package.targets where target.name == "MemoryGraphCommands" {
        target.dependencies += ["MemoryGraphService"]
    }
    // The conformance suite holds the network backends to the same contract.
    for target in package.targets where target.name == "MemoryGraphConformanceTests" {
        target.dependencies += [
            "MemoryGraphPostgres", "MemoryGraphClient", "MemoryGraphService",
            // A live service for the remote subject.
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]
    }
}
