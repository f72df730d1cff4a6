public import AsyncHTTPClient
public import Foundation
public import MemoryGraphCore
import NIOConcurrencyHelpers
import NIOCore

/// A store behind `memory-graph serve` on another host, reached over its store endpoints
/// (`/v1/store/…`): the same ``MemoryGraph`` facade, on a store that other hosts share.
///
/// ```swift
/// let store = try RemoteGraphStore(url: URL(string: "http://memory.internal:8080")!, token: token)
/// let graph = try MemoryGraph(store: store)
/// let plan = try await graph.addNode(agentID: "planner", taskContext: "trip-42", result: ["type": "plan"])
/// ```
///
/// The token must be one with store access (`memory-graph token add --store`): the store
/// endpoints read the whole store and write as any agent. Every call is one HTTP request (a
/// batch of mutations is one); every method is `async`, so the facade's synchronous forms throw
/// ``MemoryGraphError/Code/unsupported``.
///
/// ## Errors and retries
/// An error of the store behind the service comes back with its own code and message. When the
/// service cannot be reached — refused, dropped or timed out — the error is
/// ``MemoryGraphError/Code/unavailable``, its transport error as ``MemoryGraphError/underlyingError``.
/// Such a request is repeated (see ``Configuration/maximumAttempts``) when repeating it cannot
/// write twice: reads; a batch of adds (each carries its id, and an add that repeats a stored
/// node is a no-op), compare-and-set updates (an update that already landed is recognised by
/// its version and update time), additions to a bundle and creation times. Other writes are
/// sent once: after ``MemoryGraphError/Code/unavailable`` they may or may not have been applied.
public final class RemoteGraphStore: GraphStore {
    /// How a ``RemoteGraphStore`` talks to the service.
    public struct Configuration: Sendable {
        /// The longest one call may take — connecting, waiting for a pooled connection and every
        /// repeated attempt included — before it fails with ``MemoryGraphError/Code/unavailable``.
        /// Default: 60 s.
        public var requestTimeout: Duration = .seconds(60)
        /// How long connecting may take. Default: 10 s.
        public var connectTimeout: Duration = .seconds(10)
        /// How many times a request that may be repeated is sent before its connection failure
        /// is reported; 1 never repeats. Default: 3.
        public var maximumAttempts = 3
        /// The pause before the second attempt; it doubles for each further one. Default: 50 ms.
        public var retryDelay: Duration = .milliseconds(50)
        /// The largest answer read, in bytes. Default: 1 GiB.
        public var maximumResponseSize = 1 << 30
        /// How many connections to the service the store keeps open at most (when it makes its
        /// own HTTP client); more requests at once wait for one, within their timeout.
        /// Default: 16.
        public var maximumConnections = 16

        /// The defaults.
        public init() {}
    }

    let transport: RemoteTransport
    private let ownsClient: Bool
    private let state = NIOLockedValueBox(State())

    /// Whether the store was closed, and the requests still running.
    private struct State {
        var isClosed = false
        var inFlight = 0
    }

    /// A store on the service at `url` (such as `http://memory.internal:8080`), sending `token`
    /// as its bearer token (`nil` for a loopback service run without tokens, with `--store`).
    ///
    /// - Parameters:
    ///   - httpClient: The client to send requests with; `nil` makes one that ``close()`` shuts
    ///     down. A given client stays open: its owner shuts it down, after closing the store.
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` when `url` is not an `http` or
    ///   `https` URL, or a limit of `configuration` is not positive.
    public init(
        url: URL, token: String?, configuration: Configuration = Configuration(), httpClient: HTTPClient? = nil
    ) throws {
        guard let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw MemoryGraphError(
                .invalidConfiguration, "\(url) is not the http or https URL of a memory-graph service")
        }
        guard configuration.maximumAttempts >= 1, configuration.maximumResponseSize > 0,
            configuration.requestTimeout > .zero, configuration.connectTimeout > .zero,
            configuration.maximumConnections >= 1
        else {
            throw MemoryGraphError(
                .invalidConfiguration,
                "the timeouts, maximumAttempts, maximumResponseSize and maximumConnections must be positive")
        }
        ownsClient = httpClient == nil
        let client =
            httpClient
            ?? HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: HTTPClient.Configuration(
                    timeout: .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds)),
                    connectionPool: .init(
                        idleTimeout: .seconds(60),
                        concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maximumConnections)))
        transport = RemoteTransport(client: client, base: url, token: token, configuration: configuration)
    }

    deinit {
        close()
    }

    /// Always zero: the store keeps no cache of its own.
    public var cacheStatistics: MemoryGraph.CacheStatistics {
        MemoryGraph.CacheStatistics(hits: 0, misses: 0, evictions: 0, entries: 0, capacity: 0, externalInvalidations: 0)
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { state.withLockedValue(\.isClosed) }

    /// Closes the store: later calls fail with ``MemoryGraphError/Code/closed``. The requests
    /// in flight finish; then the HTTP client the store made is shut down, without blocking the
    /// caller. Calling it twice is harmless.
    public func close() {
        let idle = state.withLockedValue { state -> Bool in
            guard !state.isClosed else { return false }
            state.isClosed = true
            return state.inFlight == 0
        }
        if idle { shutDownClient() }
    }

    private func shutDownClient() {
        guard ownsClient else { return }
        transport.client.shutdown { _ in }
    }

    /// Runs `body` as one operation of the open store: refused once it is closed, and counted
    /// so that ``close()`` lets it finish before the client goes.
    func operation<T>(_ body: () async throws -> T) async throws -> T {
        try state.withLockedValue { state in
            guard !state.isClosed else {
                throw MemoryGraphError(.closed, "the remote store was closed; open a new RemoteGraphStore")
            }
            state.inFlight += 1
        }
        defer {
            let last = state.withLockedValue { state -> Bool in
                state.inFlight -= 1
                return state.isClosed && state.inFlight == 0
            }
            if last { shutDownClient() }
        }
        return try await body()
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
