import Foundation
import LMDB
import MemoryGraph
import MemoryGraphTesting

@testable import MemoryGraphLMDB

#if canImport(MemoryGraphPostgres)
    import MemoryGraphPostgres
#endif

extension ConformanceSubject {
    /// Every backend the conformance suite runs against: a backend joins with one line.
    /// `MEMORY_GRAPH_CONFORMANCE_SUBJECTS=NAME,…` runs it on the subjects so named instead.
    static let all: [ConformanceSubject] = {
        let standard: [ConformanceSubject] =
            [
                .lmdb(.immediate),
                .lmdb(.batch),
                .lmdb(.lazy),
                .inMemory,
            ] + postgresSubjects + networked
        guard let names = ProcessInfo.processInfo.environment["MEMORY_GRAPH_CONFORMANCE_SUBJECTS"] else {
            return standard
        }
        let chosen = Set(names.split(separator: ",").map(String.init))
        return standard.filter { chosen.contains($0.name) }
    }()

    /// LMDB stores in temporary directories, commits not synced, writes grouped as `strategy`
    /// says; they reopen, and show every entry of every database as their raw contents.
    static func lmdb(_ strategy: LMDBConfiguration.IndexUpdateStrategy) -> ConformanceSubject {
        ConformanceSubject("LMDB (\(strategy))") { configuration in
            let path = NSTemporaryDirectory() + "memory-graph-conformance-" + UUID().uuidString
            var lmdb = LMDBConfiguration()
            lmdb.durability = .noSync
            lmdb.indexUpdateStrategy = strategy
            let open: @Sendable () throws -> MemoryGraph = { [lmdb] in
                try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
            }
            return ConformanceStore(
                graph: try open(), reopen: open, rawContents: { try $0.rawLMDBContents() },
                cleanup: { try? FileManager.default.removeItem(atPath: path) })
        }
    }
}

extension MemoryGraph {
    /// Every entry of every named database of the LMDB store, key and value.
    func rawLMDBContents() throws -> ConformanceStore.RawContents {
        guard let store = lmdbStore else { preconditionFailure("not an LMDB graph") }
        return try store.environment.read { txn in
            var contents: ConformanceStore.RawContents = [:]
            for database in store.schema.all {
                var entries: [[UInt8]] = []
                try txn.scan(database) { key, value in
                    entries.append(Array(key) + [0xFF, 0xFE] + Array(value))
                    return true
                }
                contents[database.name ?? ""] = entries
            }
            return contents
        }
    }
}

#if canImport(MemoryGraphPostgres)
    extension ConformanceSubject {
        /// PostgreSQL, when a server is given (see ``postgres``).
        static var postgresSubjects: [ConformanceSubject] {
            PostgresTestServer.configuration != nil || PostgresTestServer.isRequired ? [.postgres] : []
        }

        /// Each store a new schema in the test server's database (`PGHOST`, `PGPORT`, `PGUSER`,
        /// `PGPASSWORD`, `PGDATABASE`, as `pg_virtualenv` sets them); it reopens.
        static let postgres = ConformanceSubject("PostgreSQL") { configuration in
            var postgres = try PostgresTestServer.required()
            postgres.schema = "conformance_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            postgres.maximumConnections = 4
            // Generous: a loaded CI machine runs many tests at once, and slowness is not failure here.
            postgres.connectTimeout = .seconds(120)
            postgres.operationTimeout = .seconds(300)
            let open: @Sendable () async throws -> MemoryGraph = { [postgres] in
                try await MemoryGraph.postgres(postgres, configuration: configuration)
            }
            return ConformanceStore(graph: try await open(), reopen: open)
        }
    }
#else
    extension ConformanceSubject {
        /// None: the PostgreSQL backend is not built.
        static var postgresSubjects: [ConformanceSubject] { [] }
    }
#endif
