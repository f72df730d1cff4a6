import Foundation
import LMDB
import Synchronization
import Testing

@Suite("Map growth")
struct MapGrowthTests {
    static func options(mapSize: Int, maximum: Int) -> Environment.Options {
        var options = Environment.Options()
        options.mapSize = mapSize
        options.maximumMapSize = maximum
        options.durability = .noSync
        return options
    }

    @Test("the map grows from 1 MiB through 200 MiB of writes without an error")
    func growsTransparently() throws {
        let fixture = try Fixture(options: Self.options(mapSize: 1 << 20, maximum: 1 << 30))
        let value = [UInt8](repeating: 0xAB, count: 4_000)
        var runs = 0
        for batch in 0..<200 {
            try fixture.environment.write { (txn: Transaction) throws in
                runs += 1
                for index in 0..<256 {
                    try txn.put(value, forKey: [UInt8](bigEndian: UInt64(batch * 256 + index)), in: fixture.plain)
                }
            }
        }
        #expect(runs > 200, "some write closures must have been re-run after growing the map")
        let info = try fixture.environment.info()
        #expect(info.mapSize >= 200 << 20)
        #expect(try fixture.environment.read { try $0.statistics(of: fixture.plain) }.entries == 200 * 256)
    }

    @Test("past the maximum a write fails with mapFull and earlier data is intact")
    func mapFullKeepsCommittedData() throws {
        let fixture = try Fixture(options: Self.options(mapSize: 1 << 20, maximum: 4 << 20))
        let value = [UInt8](repeating: 0xCD, count: 4_000)
        var committed = 0
        var failure: LMDBError?
        for batch in 0..<100 {
            do {
                try fixture.environment.write { (txn: Transaction) throws in
                    for index in 0..<64 {
                        try txn.put(value, forKey: [UInt8](bigEndian: UInt64(batch * 64 + index)), in: fixture.plain)
                    }
                }
                committed += 64
            } catch let error as LMDBError {
                failure = error
                break
            }
        }
        #expect(failure?.code == .mapFull)
        #expect(failure?.message.contains("maximumMapSize") == true)
        #expect(committed > 0)
        try fixture.environment.read { (txn: Transaction) throws in
            #expect(try txn.statistics(of: fixture.plain).entries == committed)
            for key in 0..<committed {
                #expect(try txn.get([UInt8](bigEndian: UInt64(key)), in: fixture.plain) == value)
            }
        }
        // Small writes that fit still work, and deleting frees room.
        try fixture.environment.write { txn in try txn.delete([UInt8](bigEndian: 0), in: fixture.plain) }
    }

    @Test("invalid options are refused with a clear message")
    func invalidOptions() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: LMDBError.self) {
            try Environment.open(path: directory.path, options: Self.options(mapSize: 1 << 30, maximum: 1 << 20))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("maximumMapSize") == true)
    }
}

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("readers on 8 threads see only whole snapshots while one thread writes")
    func readersSeeWholeSnapshots() throws {
        let fixture = try Fixture(options: MapGrowthTests.options(mapSize: 1 << 20, maximum: 1 << 30))
        let keyA: [UInt8] = [0xA]
        let keyB: [UInt8] = [0xB]
        try fixture.environment.write { (txn: Transaction) throws in
            try txn.put([UInt8](bigEndian: 0), forKey: keyA, in: fixture.plain)
            try txn.put([UInt8](bigEndian: 0), forKey: keyB, in: fixture.dups)
        }
        let writes = 3_000
        let torn = Counter()
        let reads = Counter()
        let group = DispatchGroup()
        let environment = fixture.environment
        let plain = fixture.plain
        let dups = fixture.dups
        let done = Flag()
        for _ in 0..<8 {
            DispatchQueue.global().async(group: group) {
                while !done.value {
                    do {
                        try environment.read { (txn: Transaction) throws in
                            let a = try txn.get(keyA, in: plain)
                            let b = try txn.count(duplicatesOf: keyB, in: dups)
                            // Writer keeps: value of A == number of duplicates of B - 1.
                            let expected = a.map { Int(UInt64(bigEndianBytes: $0)) + 1 }
                            if expected != b { torn.increment() }
                            reads.increment()
                        }
                    } catch {
                        torn.increment()
                    }
                }
            }
        }
        // Large values make the map grow while readers run.
        let filler = [UInt8](repeating: 1, count: 2_000)
        while reads.value < 8 { usleep(100) }
        var step = 0
        while step < writes || reads.value < 20_000 {
            step += 1
            try environment.write { (txn: Transaction) throws in
                try txn.put([UInt8](bigEndian: UInt64(step)), forKey: keyA, in: plain)
                try txn.put([UInt8](bigEndian: UInt64(step)), forKey: keyB, in: dups)
                try txn.put(filler, forKey: [UInt8](bigEndian: UInt64(step)), in: plain)
            }
        }
        done.set()
        group.wait()
        #expect(torn.value == 0)
        #expect(reads.value > 0)
        #expect(try environment.info().mapSize > 1 << 20, "the map grew while readers were active")
    }
}

/// A thread-safe counter for tests.
final class Counter: Sendable {
    private let storage = Atomic(0)
    func increment() { storage.add(1, ordering: .relaxed) }
    var value: Int { storage.load(ordering: .relaxed) }
}

/// A thread-safe flag for tests.
final class Flag: Sendable {
    private let storage = Atomic(false)
    func set() { storage.store(true, ordering: .releasing) }
    var value: Bool { storage.load(ordering: .acquiring) }
}

extension UInt64 {
    init(bigEndianBytes bytes: [UInt8]) {
        self = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
