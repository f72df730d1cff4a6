import Foundation
import MemoryGraphCore
import Testing

/// Expects `body` to throw a ``MemoryGraphError`` with `code` and returns it.
@discardableResult
func expectError<R>(
    _ code: MemoryGraphError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> R
) async -> MemoryGraphError? {
    do {
        let value = try await body()
        Issue.record("expected \(code), got \(value)", sourceLocation: sourceLocation)
        if let comment { Issue.record(comment, sourceLocation: sourceLocation) }
        return nil
    } catch let error as MemoryGraphError {
        #expect(error.code == code, "\(comment ?? "") got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error) \(comment ?? "")", sourceLocation: sourceLocation)
        return nil
    }
}

/// The result of running `body`, with a thrown ``MemoryGraphError`` reduced to its code, so
/// that two backends' answers compare with `==`.
enum Answer<Value: Equatable>: Equatable, CustomStringConvertible {
    case value(Value)
    case error(MemoryGraphError.Code)
    case otherError(String)

    init(_ body: () async throws -> Value) async {
        do {
            self = .value(try await body())
        } catch let error as MemoryGraphError {
            self = .error(error.code)
        } catch {
            self = .otherError("\(error)")
        }
    }

    var value: Value? {
        guard case .value(let value) = self else { return nil }
        return value
    }

    var description: String {
        switch self {
        case .value(let value): "\(value)"
        case .error(let code): "error \(code)"
        case .otherError(let text): "error \(text)"
        }
    }
}

extension Answer: Sendable where Value: Sendable {}

extension MemoryGraph {
    /// The lines of a dump, newlines removed.
    func dumpLines() async throws -> [String] {
        var lines: [String] = []
        _ = try await dump(to: { (line: String) async in lines.append(String(line.dropLast())) })
        return lines
    }

    /// The records of a dump: its lines between the header and the trailer (which hold the
    /// store's creation time and a checksum over it).
    func dumpedRecords() async throws -> [String] {
        Array(try await dumpLines().dropFirst().dropLast())
    }
}

/// Everything a store shows: its dump, its statistics and, when the backend shows them, its
/// raw contents. Equal before and after a refused operation, when nothing changed.
struct StoreContents: Equatable {
    var dump: [String]
    var statistics: GraphStatistics
    var raw: ConformanceStore.RawContents?

    init(_ store: ConformanceStore) async throws {
        dump = try await store.graph.dumpLines()
        statistics = try await store.graph.statistics()
        raw = try store.raw()
    }
}

/// A temporary directory for one test's files, removed when released.
final class Workspace {
    let directory = NSTemporaryDirectory() + "memory-graph-conformance-" + UUID().uuidString

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Writes `lines` as a dump file named `name` and returns its path.
    func write(_ lines: [String], to name: String) throws -> String {
        let file = path(name)
        try Data((lines.map { $0 + "\n" }.joined()).utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

extension Array where Element: Hashable {
    /// The elements without repeats, in first-seen order.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

extension Date {
    /// The date of a whole number of microseconds since 1970, as stores keep times.
    init(microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
