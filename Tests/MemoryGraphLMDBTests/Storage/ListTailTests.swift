import Foundation
import LMDB
import MemoryGraphCore
import SeededRandom
import Testing

@testable import MemoryGraphLMDB

/// Values put through a ``ListTail`` end up in their lists exactly as ordinary puts would leave
/// them, and a list that grows at its end fills its pages.
@Suite("List tails")
struct ListTailTests {
    /// A fresh environment with one DUPFIXED list database, removed after `body`.
    private static func withList<R>(_ body: (Environment, Database) throws -> R) throws -> R {
        let store = TemporaryStore()
        defer { store.remove() }
        var options = Environment.Options()
        options.durability = .noSync
        let environment = try Environment.open(path: store.path, options: options)
        defer { environment.close() }
        let database = try environment.openDatabase("list", flags: [.create, .dupSort, .dupFixed])
        return try body(environment, database)
    }

    /// `value` as 12 big-endian bytes, as the full-text postings are.
    private static func entry(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(value)
        bytes.appendBigEndian(UInt32(7))
        return bytes
    }

    @Test("a list written in order, 20 000 values, takes the fewest pages")
    func appendsFillPages() throws {
        try Self.withList { environment, database in
            let key = Array("term".utf8)
            try environment.write { txn in
                var tail = try ListTail(of: database, in: txn)
                defer { tail.close() }
                for value in 0..<20_000 { try tail.put(Self.entry(UInt64(value)), under: key) }
            }
            let info = try environment.info()
            // 20 000 values of 12 bytes fit in 59 leaf pages of 4 080 bytes; besides them the file
            // holds two meta pages, a branch page and a few pages of the trees above the list.
            // Pages split in half, as ordinary puts leave them, would be about 118.
            let fewest = (20_000 * 12 + info.pageSize - 17) / (info.pageSize - 16)
            let used = info.lastPageNumber + 1
            #expect(used <= fewest + fewest / 20 + 6, "\(used) pages for a list that fits in \(fewest)")
            let stored = try environment.read { txn in try txn.duplicates(of: key, in: database) }
            #expect(stored == (0..<20_000).flatMap { Self.entry(UInt64($0)) })
        }
    }

    @Test("values in any order, repeated, under several keys, in several commits: the lists an oracle expects")
    func anyOrderMatchesOracle() throws {
        var random = SplitMix64(seed: 23)
        try Self.withList { environment, database in
            var oracle: [[UInt8]: Set<UInt64>] = [:]
            let keys = (0..<5).map { Array("key-\($0)".utf8) }
            for _ in 0..<30 {
                // Each commit puts sorted runs per key, as the index writers do, drawn mostly
                // above what the list holds and sometimes below it or already there.
                var writes: [(key: [UInt8], value: UInt64)] = []
                for key in keys {
                    let top = oracle[key]?.max() ?? 0
                    for _ in 0..<Int.random(in: 0..<40, using: &random) {
                        let value =
                            Bool.random(using: &random) || top < 10
                            ? top + UInt64.random(in: 1...50, using: &random)
                            : UInt64.random(in: 0...top, using: &random)
                        writes.append((key, value))
                    }
                }
                if Bool.random(using: &random) {
                    writes.sort { $0.key == $1.key ? $0.value < $1.value : $0.key.lexicographicallyPrecedes($1.key) }
                } else {
                    writes.shuffle(using: &random)
                }
                try environment.write { txn in
                    var tail = try ListTail(of: database, in: txn)
                    defer { tail.close() }
                    for (key, value) in writes {
                        let isNewKey = try tail.put(Self.entry(value), under: key)
                        #expect(isNewKey == (oracle[key] == nil))
                        oracle[key, default: []].insert(value)
                    }
                }
            }
            try environment.read { txn in
                for key in keys {
                    let expected = (oracle[key] ?? []).sorted().flatMap { Self.entry($0) }
                    let stored = try txn.duplicates(of: key, in: database)
                    #expect(stored == expected, "the list under \(String(decoding: key, as: UTF8.self))")
                }
            }
        }
    }
}
