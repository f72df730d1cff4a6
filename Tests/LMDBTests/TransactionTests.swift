import Foundation
import LMDB
import SeededRandom
import Testing

/// An open environment in a temporary directory, with two databases: a plain one and a
/// DUPSORT/DUPFIXED one.
final class Fixture {
    let directory: TemporaryDirectory
    let environment: Environment
    let plain: Database
    let dups: Database

    init(options: Environment.Options = Environment.Options()) throws {
        directory = try TemporaryDirectory()
        environment = try Environment.open(path: directory.path, options: options)
        let databases = try environment.openDatabases([
            ("plain", .create), ("dups", [.create, .dupSort, .dupFixed]),
        ])
        plain = databases[0]
        dups = databases[1]
    }

    deinit {
        environment.close()
        directory.remove()
    }

    /// Every entry of `database`, copied, in key order.
    func entries(_ database: Database) throws -> [([UInt8], [UInt8])] {
        var result: [([UInt8], [UInt8])] = []
        try environment.read { (txn: Transaction) throws in
            try txn.scan(database) { key, value in
                result.append((Array(key), Array(value)))
                return true
            }
        }
        return result
    }
}

struct Failure: Error {}

@Suite("Transactions")
struct TransactionTests {
    @Test("put flags: no-overwrite, no-dup-data, append")
    func putFlags() throws {
        let fixture = try Fixture()
        try fixture.environment.write { (txn: Transaction) throws in
            #expect(try txn.put([1], forKey: [1], in: fixture.plain))
            #expect(try txn.put([2], forKey: [1], in: fixture.plain, flags: .noOverwrite) == false)
            #expect(try txn.get([1], in: fixture.plain) == [1])
            #expect(try txn.put([9], forKey: [1], in: fixture.dups))
            #expect(try txn.put([9], forKey: [1], in: fixture.dups, flags: .noDuplicateData) == false)
            #expect(try txn.put([1], forKey: [5], in: fixture.plain, flags: .append))
        }
        // An out-of-order append is an error, and the failed transaction writes nothing.
        expectError(.keyExists) {
            try fixture.environment.write { (txn: Transaction) throws in
                try txn.put([7], forKey: [9], in: fixture.plain)
                try txn.put([1], forKey: [2], in: fixture.plain, flags: .append)
            }
        }
        #expect(try fixture.entries(fixture.plain).map(\.0) == [[1], [5]])
    }

    @Test("a throwing write closure leaves every database unchanged")
    func throwingWriteRollsBack() throws {
        let fixture = try Fixture()
        try fixture.environment.write { (txn: Transaction) throws in
            try txn.put([1], forKey: [1], in: fixture.plain)
            try txn.put([1], forKey: [1], in: fixture.dups)
        }
        let before = (try fixture.entries(fixture.plain), try fixture.entries(fixture.dups))
        #expect(throws: Failure.self) {
            try fixture.environment.write { (txn: Transaction) throws in
                try txn.put([2], forKey: [2], in: fixture.plain)
                try txn.delete([1], in: fixture.plain)
                try txn.put([2], forKey: [1], in: fixture.dups)
                throw Failure()
            }
        }
        let after = (try fixture.entries(fixture.plain), try fixture.entries(fixture.dups))
        #expect(before.0.map(\.0) == after.0.map(\.0) && before.0.map(\.1) == after.0.map(\.1))
        #expect(before.1.map(\.0) == after.1.map(\.0) && before.1.map(\.1) == after.1.map(\.1))
    }

    @Test("a nested transaction joins its parent when it returns and leaves no trace when it throws")
    func nestedTransactions() throws {
        let fixture = try Fixture()
        struct Failure: Error {}
        try fixture.environment.write { (txn: Transaction) throws in
            try txn.put([1], forKey: [1], in: fixture.plain)
            try txn.nested { child in
                try child.put([2], forKey: [2], in: fixture.plain)
                try child.put([9], forKey: [1], in: fixture.dups)
            }
            #expect(throws: Failure.self) {
                try txn.nested { child in
                    try child.put([3], forKey: [3], in: fixture.plain)
                    try child.delete([1], in: fixture.plain)
                    throw Failure()
                }
            }
            // A failed LMDB call inside a nested transaction does not poison the parent.
            _ = try? txn.nested { child in
                try child.put([1], forKey: [UInt8](repeating: 1, count: 600), in: fixture.plain)
            }
            try txn.put([4], forKey: [4], in: fixture.plain)
        }
        #expect(try fixture.entries(fixture.plain).map(\.0) == [[1], [2], [4]])
        #expect(try fixture.entries(fixture.dups).map(\.1) == [[9]])
    }

    @Test("a transaction whose LMDB call failed is not committed even if the closure caught it")
    func poisonedTransactionIsNotCommitted() throws {
        let fixture = try Fixture()
        let error = #expect(throws: LMDBError.self) {
            try fixture.environment.write { (txn: Transaction) throws in
                try txn.put([1], forKey: [1], in: fixture.plain)
                // A 600-byte key is too long: LMDB fails the call.
                _ = try? txn.put([1], forKey: [UInt8](repeating: 1, count: 600), in: fixture.plain)
            }
        }
        #expect(error?.code == .badValueSize)
        #expect(try fixture.entries(fixture.plain).isEmpty)
    }

    @Test("duplicates are sorted, counted, deleted one by one and read in bulk")
    func duplicates() throws {
        let fixture = try Fixture()
        var generator = SplitMix64(seed: 7)
        let values = (0..<5_000).map { _ in [UInt8](bigEndian: generator.next()) }
        try fixture.environment.write { (txn: Transaction) throws in
            for value in values { try txn.put(value, forKey: [1], in: fixture.dups) }
            try txn.put([UInt8](bigEndian: 5), forKey: [2], in: fixture.dups)
        }
        let sorted = values.sorted { $0.lexicographicallyPrecedes($1) }
        try fixture.environment.read { (txn: Transaction) throws in
            #expect(try txn.count(duplicatesOf: [1], in: fixture.dups) == values.count)
            #expect(try txn.count(duplicatesOf: [3], in: fixture.dups) == 0)
            var forward: [[UInt8]] = []
            try txn.forEachDuplicate(of: [1], in: fixture.dups) {
                forward.append(Array($0)); return true
            }
            #expect(forward == sorted)
            var backward: [[UInt8]] = []
            try txn.forEachDuplicate(of: [1], in: fixture.dups, direction: .backward) {
                backward.append(Array($0)); return true
            }
            #expect(backward == sorted.reversed())
            // Bounded: from the 100th value on (forward), up to it (backward).
            var fromBound: [[UInt8]] = []
            try txn.forEachDuplicate(of: [1], in: fixture.dups, from: sorted[100]) {
                fromBound.append(Array($0)); return fromBound.count < 3
            }
            #expect(fromBound == Array(sorted[100..<103]))
            var toBound: [[UInt8]] = []
            var probe = sorted[100]
            probe[7] &+= 1  // between sorted[100] and sorted[101] (values are random 64-bit)
            try txn.forEachDuplicate(of: [1], in: fixture.dups, direction: .backward, from: probe) {
                toBound.append(Array($0)); return toBound.count < 2
            }
            #expect(toBound == [sorted[100], sorted[99]])
            let bulk = try txn.duplicates(of: [1], in: fixture.dups)
            #expect(bulk == sorted.flatMap { $0 })
            #expect(try txn.duplicates(of: [2], in: fixture.dups) == [UInt8](bigEndian: 5))
            #expect(try txn.duplicates(of: [9], in: fixture.dups).isEmpty)
        }
        try fixture.environment.write { (txn: Transaction) throws in
            #expect(try txn.delete([1], value: sorted[0], in: fixture.dups))
            #expect(try txn.delete([1], value: sorted[0], in: fixture.dups) == false)
        }
        #expect(try fixture.environment.read { try $0.count(duplicatesOf: [1], in: fixture.dups) } == values.count - 1)
    }

    @Test("range scans match a sorted model at every boundary", arguments: [1, 2, 3])
    func rangeScansMatchModel(seed: UInt64) throws {
        let fixture = try Fixture()
        var generator = SplitMix64(seed: seed)
        // Short keys over a small alphabet so bounds often hit existing keys exactly.
        func randomKey() -> [UInt8] {
            (0..<Int.random(in: 1...3, using: &generator)).map { _ in UInt8.random(in: 0...4, using: &generator) * 63 }
        }
        var model: [[UInt8]: [UInt8]] = [:]
        try fixture.environment.write { (txn: Transaction) throws in
            for _ in 0..<80 {
                let key = randomKey()
                model[key] = key.reversed()
                try txn.put(key.reversed(), forKey: key, in: fixture.plain)
            }
        }
        let sortedKeys = model.keys.sorted { $0.lexicographicallyPrecedes($1) }
        for round in 0..<400 {
            var range = KeyRange(
                from: Bool.random(using: &generator) ? randomKey() : nil,
                to: Bool.random(using: &generator) ? randomKey() : nil,
                includingUpper: Bool.random(using: &generator))
            if round % 10 == 0 { range = .prefix(randomKey()) }
            let expected = sortedKeys.filter { key in
                (range.lower.map { !key.lexicographicallyPrecedes($0) } ?? true)
                    && (range.upper.map { upper in
                        key.lexicographicallyPrecedes(upper) || (range.includesUpper && key == upper)
                    } ?? true)
            }
            for direction in [ScanDirection.forward, .backward] {
                var seen: [[UInt8]] = []
                try fixture.environment.read { (txn: Transaction) throws in
                    try txn.scan(fixture.plain, in: range, direction: direction) { key, value in
                        #expect(Array(value) == Array(key).reversed())
                        seen.append(Array(key))
                        return true
                    }
                }
                let want = direction == .forward ? expected : expected.reversed()
                #expect(seen == want, "seed \(seed) round \(round) range \(range) \(direction)")
            }
        }
    }

    @Test("a backward scan with an inclusive upper bound visits every duplicate of the bound key")
    func backwardScanOverDuplicates() throws {
        let fixture = try Fixture()
        try fixture.environment.write { (txn: Transaction) throws in
            for key: UInt8 in 1...3 {
                for value: UInt8 in 1...3 { try txn.put([value], forKey: [key], in: fixture.dups) }
            }
        }
        var seen: [[UInt8]] = []
        try fixture.environment.read { (txn: Transaction) throws in
            try txn.scan(fixture.dups, in: KeyRange(from: [2], to: [3], includingUpper: true), direction: .backward) {
                key, value in
                seen.append([key[0], value[0]])
                return true
            }
        }
        #expect(seen == [[3, 3], [3, 2], [3, 1], [2, 3], [2, 2], [2, 1]])
    }

    @Test("prefix ranges handle 0xFF bytes")
    func prefixSuccessor() {
        #expect(KeyRange.prefix([1, 0xFF]) == KeyRange(from: [1, 0xFF], to: [2]))
        #expect(KeyRange.prefix([0xFF, 0xFF]) == KeyRange(from: [0xFF, 0xFF]))
    }

    @Test("cursor positioning by exact key, range and duplicate")
    func cursorPositioning() throws {
        let fixture = try Fixture()
        try fixture.environment.write { (txn: Transaction) throws in
            for key: UInt8 in [10, 20, 30] {
                for value: UInt8 in [1, 5, 9] { try txn.put([value], forKey: [key], in: fixture.dups) }
            }
        }
        try fixture.environment.read { (txn: Transaction) throws in
            let cursor = try txn.cursor(fixture.dups)
            #expect(try cursor.seek(to: [20]))
            #expect(cursor.currentKey == [20] && cursor.currentValue == [1])
            #expect(try cursor.duplicateCount() == 3)
            #expect(try cursor.seek(to: [15]) == false)
            #expect(cursor.hasCurrent == false)
            #expect(try cursor.seek(atLeast: [15]))
            #expect(cursor.currentKey == [20])
            #expect(try cursor.seek(to: [20], duplicateAtLeast: [6]))
            #expect(cursor.currentValue == [9])
            #expect(try cursor.nextDuplicate() == false)
            #expect(try cursor.seek(to: [30], duplicate: [5]))
            #expect(try cursor.previousKey())
            #expect(cursor.currentKey == [20] && cursor.currentValue == [9])
            #expect(try cursor.seek(atLeast: [31]) == false)
            #expect(try cursor.last())
            #expect(cursor.currentKey == [30] && cursor.currentValue == [9])
        }
    }
}
