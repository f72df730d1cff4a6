import Logging
import Synchronization

/// The service's logs: to standard error (standard output may carry the MCP protocol), from
/// the given level up.
enum ServiceLogging {
    private static let bootstrapped = Mutex(false)

    /// Sends every logger of the process to standard error at `level`; only the first call
    /// has an effect.
    static func bootstrap(level: Logger.Level) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
