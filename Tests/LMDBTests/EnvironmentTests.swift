import Foundation
import LMDB
import Testing

@Suite("Environment")
struct EnvironmentTests {
    @Test("data survives close and reopen")
    func persistenceAcrossReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let environment = try Environment.open(path: directory.path)
            let database = try environment.openDatabase("items", flags: .create)
            try environment.write { (txn: Transaction) throws in
                for index in 0..<100 {
                    try txn.put(
                        [UInt8](utf8: "value-\(index)"), forKey: [UInt8](bigEndian: UInt64(index)), in: database)
                }
            }
            environment.close()
        }
        let reopened = try Environment.open(path: directory.path)
        defer { reopened.close() }
        let database = try reopened.openDatabase("items")
        let values = try reopened.read { (txn: Transaction) throws in
            try (0..<100).map { try txn.get([UInt8](bigEndian: UInt64($0)), in: database) }
        }
        #expect(values == (0..<100).map { [UInt8](utf8: "value-\($0)") })
    }

    @Test("an environment released without close() is closed and can be reopened")
    func implicitClose() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for round in 0..<3 {
            let environment = try Environment.open(path: directory.path)
            let database = try environment.openDatabase("a", flags: .create)
            try environment.write { (txn: Transaction) throws in
                try txn.put([UInt8(round)], forKey: [UInt8(round)], in: database)
            }
            #expect(try environment.read { try $0.statistics(of: database) }.entries == round + 1)
        }
    }

    @Test("named databases are independent")
    func namedDatabasesAreIndependent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = try Environment.open(path: directory.path)
        defer { environment.close() }
        let databases = try environment.openDatabases([("a", .create), ("b", .create)])
        let key = [UInt8](utf8: "k")
        try environment.write { (txn: Transaction) throws in
            try txn.put([UInt8](utf8: "in-a"), forKey: key, in: databases[0])
        }
        try environment.read { (txn: Transaction) throws in
            #expect(try txn.get(key, in: databases[0]) == [UInt8](utf8: "in-a"))
            #expect(try txn.get(key, in: databases[1]) == nil)
            #expect(try txn.statistics(of: databases[1]).entries == 0)
        }
        try environment.write { (txn: Transaction) throws in
            #expect(try txn.delete(key, in: databases[1]) == false)
            try txn.removeAll(in: databases[1])
        }
        #expect(try environment.read { try $0.get(key, in: databases[0]) } == [UInt8](utf8: "in-a"))
    }

    @Test("opening a database that does not exist without .create fails clearly")
    func missingDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = try Environment.open(path: directory.path)
        defer { environment.close() }
        expectError(.notFound) { try environment.openDatabase("nope") }
    }

    @Test("a read-only open of a missing path is a clear error")
    func readOnlyMissingPath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var options = Environment.Options()
        options.readOnly = true
        let error = #expect(throws: LMDBError.self) {
            try Environment.open(path: directory.child("missing"), options: options)
        }
        #expect(error?.code == .noSuchFile)
        #expect(error?.message.contains("missing") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.child("missing")))
    }

    @Test("a directory whose data file is not LMDB is a clear error")
    func notAnEnvironment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<16_384).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(garbage).write(to: URL(fileURLWithPath: directory.child("data.mdb")))
        let error = #expect(throws: LMDBError.self) { try Environment.open(path: directory.path) }
        #expect(error?.code == .invalid)
        #expect(error?.message.contains("not an LMDB data file") == true)
    }

    @Test("a plain file instead of a directory is a clear error")
    func fileInsteadOfDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.child("file")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: LMDBError.self) { try Environment.open(path: file) }
        #expect(error?.message.contains("not a directory") == true)
    }

    @Test("a second open in one process is refused by default and shared on request")
    func secondOpenInProcess() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try Environment.open(path: directory.path)
        expectError(.alreadyOpen) { try Environment.open(path: directory.path) }
        // Another spelling of the same directory is the same environment.
        expectError(.alreadyOpen) { try Environment.open(path: directory.path + "/./") }
        var sharing = Environment.Options()
        sharing.sharing = .shareExisting
        let second = try Environment.open(path: directory.path, options: sharing)
        #expect(second === first)
        first.close()
        #expect(first.isClosed)
        // After close the directory can be opened again.
        let third = try Environment.open(path: directory.path)
        #expect(third !== first)
        third.close()
    }

    @Test("transactions after close fail with .closed")
    func useAfterClose() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = try Environment.open(path: directory.path)
        let database = try environment.openDatabase("a", flags: .create)
        environment.close()
        environment.close()
        expectError(.closed) { try environment.read { try $0.get([1], in: database) } }
        expectError(.closed) { try environment.write { try $0.put([1], forKey: [1], in: database) } }
    }

    @Test("files are created with mode 0600 by default")
    func fileMode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = try Environment.open(path: directory.child("store"))
        environment.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.child("store/data.mdb"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("info, statistics, copy and sync")
    func maintenance() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = try Environment.open(path: directory.child("source"))
        defer { environment.close() }
        let database = try environment.openDatabase("a", flags: .create)
        try environment.write { (txn: Transaction) throws in
            for index in 0..<1_000 {
                try txn.put([UInt8](repeating: 7, count: 100), forKey: [UInt8](bigEndian: UInt64(index)), in: database)
            }
        }
        let info = try environment.info()
        #expect(info.lastTransactionID >= 2)
        #expect(info.usedBytes > 100_000)
        #expect(try environment.read { try $0.statistics(of: database) }.entries == 1_000)
        try environment.sync()
        for compacting in [false, true] {
            let destination = directory.child("copy-\(compacting)")
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
            try environment.copy(to: destination, compacting: compacting)
            let copy = try Environment.open(path: destination)
            let copied = try copy.openDatabase("a")
            #expect(try copy.read { try $0.statistics(of: copied) }.entries == 1_000)
            copy.close()
        }
        #expect(try environment.checkStaleReaders() == 0)
    }

    @Test("the reader table lists this process's slot, with its snapshot only while a transaction runs")
    func readerSlots() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = try Environment.open(path: directory.path)
        defer { environment.close() }
        let database = try environment.openDatabase("a", flags: .create)
        try environment.write { (txn: Transaction) throws in try txn.put([1], forKey: [1], in: database) }
        #expect(try environment.readerSlots().isEmpty, "writers take no reader slot")
        let snapshot = try environment.lastCommittedTransaction()
        let during = try environment.read { _ in try environment.readerSlots() }
        #expect(during == [ReaderSlot(processID: getpid(), transactionID: snapshot)])
        #expect(
            try environment.readerSlots() == [ReaderSlot(processID: getpid(), transactionID: nil)],
            "the pooled transaction keeps its slot and pins nothing")
        #expect(try environment.checkStaleReaders() == 0 && environment.staleReadersFreed == 0)
        environment.close()
        expectError(.closed) { try environment.readerSlots() }
    }

    @Test("the reader table is sized by an open while nobody has the environment open, and never shrinks")
    func readerTableSize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var sizes: [Int] = []
        for maximumReaders in [126, 200, 126] {
            var options = Environment.Options()
            options.maximumReaders = maximumReaders
            let environment = try Environment.open(path: directory.path, options: options)
            sizes.append(try environment.info().maximumReaders)
            environment.close()
        }
        #expect(sizes == [126, 200, 200])
    }
}
