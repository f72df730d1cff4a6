import Logging

/// The service's logs: to standard error (standard output may carry the MCP protocol), from
/// the given level up.
enum ServiceLogging {
    /// Sends every logger of the process to standard error at `level`. Call it once, first
    /// thing in a command's `run()`: the logging system takes one bootstrap per process.
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
