import LMDB
import MemoryGraphCore

/// The change log: writes note their changes here (``log(_:)``); the writer numbers and stores
/// them with ``LogAppender`` once the write succeeded, in the same transaction. Reads page
/// through it and read node histories from it.
extension StoreTransaction {
    // MARK: Noting changes

    /// Notes `change` for the log of this write transaction (nothing in a read transaction).
    func log(_ change: PendingChange) {
        changes?.entries.append(change)
    }

    /// Notes a change of node `id` (with header `header`, at `version`), keeping `previous`, the
    /// node's record before the change.
    func logNode(_ kind: GraphChange.Kind, _ id: NodeID, _ header: NodeHeader, version: Int, previous: [UInt8]? = nil) {
        log(
            PendingChange(
                kind: kind, node: id, names: (header.agent, header.context), version: version, previous: previous))
    }

    /// Notes a link change, with the agent and context of its source — none when the source's
    /// record is damaged, which must not block changes to its links.
    func logLink(_ kind: GraphChange.Kind, from source: NodeID, to target: NodeID) throws {
        let names = (try? header(of: source))?.map { ($0.agent, $0.context) }
        log(PendingChange(kind: kind, node: source, target: target, names: names))
    }

    /// A copy of node `id`'s stored record, or `nil` when it does not exist.
    func record(of id: NodeID) throws -> [UInt8]? {
        try id.withUnsafeBytes { try txn.get($0, in: schema.nodes) }
    }

    // MARK: Reading

    /// The sequence number of the newest entry ever appended; 0 when none was.
    func lastSequence() throws -> UInt64 { try schema.lastSequence(in: txn) }

    /// The sequence number of the oldest entry kept, `nil` when the log is empty.
    func oldestSequence() throws -> UInt64? {
        guard let log = schema.log else { return nil }
        let cursor = try txn.cursor(log)
        defer { cursor.close() }
        guard try cursor.first() else { return nil }
        return cursor.withCurrent { key, _ in key.count == 8 ? key.bigEndianUInt64(at: 0) : nil }
    }

    /// The entries after `sequence` matching `filter`: see ``GraphStore/changes(after:matching:limit:)``.
    func changePage(after sequence: UInt64, matching filter: ChangeFilter, limit: Int) throws -> ChangePage {
        let last = try lastSequence()
        let oldest = try oldestSequence() ?? last &+ 1
        if sequence < last, sequence &+ 1 < oldest {
            throw MemoryGraphError.changesTruncated(after: sequence, oldest: oldest)
        }
        var page = ChangePage(changes: [], scannedThrough: sequence)
        guard let log = schema.log, sequence < last, limit > 0 else { return page }
        var names: ResolvedNames? = ResolvedNames()
        let cursor = try txn.cursor(log)
        defer { cursor.close() }
        var examined = 0
        var more = try cursor.seek(atLeast: logKey(sequence + 1))
        while more, examined < ChangePage.maximumScanned, page.changes.count < limit {
            let change = try cursor.withCurrent { key, value in try self.change(key, value, names: &names) }
            examined += 1
            page.scannedThrough = change.sequence
            if filter.matches(change) { page.changes.append(change) }
            more = try cursor.next()
        }
        return page
    }

    /// The public form of the entry at `key`.
    private func change(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, names: inout ResolvedNames?)
        throws -> GraphChange
    {
        guard key.count == 8 else {
            throw MemoryGraphError(
                .corruption, "a change log key is \(key.count) bytes, not 8; run `memory-graph verify`")
        }
        let sequence = key.bigEndianUInt64(at: 0)
        let record = try Self.decodeChange(value, sequence: sequence)
        var change = GraphChange(
            sequence: sequence, committedAt: record.committedAt.date, kind: record.kind, nodeID: record.node,
            targetID: record.target, bundleID: record.bundle, version: record.version)
        if let (agent, context) = record.names {
            let resolved =
                try names?.names(agent: agent, context: context, interner: interner, in: txn)
                ?? interner.names(agent: agent, context: context, in: txn)
            change.agentID = resolved.agent
            change.taskContext = resolved.context
        }
        return change
    }

    static func decodeChange(_ value: UnsafeRawBufferPointer, sequence: UInt64) throws -> ChangeRecord {
        do {
            return try ChangeRecord(value)
        } catch {
            throw MemoryGraphError(
                .corruption, "change log entry \(sequence) is damaged (\(error)); run `memory-graph verify`",
                underlyingError: error)
        }
    }

    /// Node `id` now and as the retained log remembers it, newest first: see
    /// ``GraphStore/history(of:)``.
    func history(of id: NodeID) throws -> [MemoryNode] {
        var versions: [MemoryNode] = []
        if let current = try node(id) { versions.append(current) }
        guard let logByNode = schema.logByNode, let log = schema.log else { return versions }
        let packed = try id.withUnsafeBytes { try txn.duplicates(of: $0, in: logByNode) }
        let sequences = packed.withUnsafeBytes { buffer in
            stride(from: 0, to: buffer.count - 7, by: 8).map { buffer.bigEndianUInt64(at: $0) }
        }
        for sequence in sequences.reversed() {
            let earlier = try txn.withValue(forKey: logKey(sequence), in: log) { bytes -> MemoryNode? in
                guard let bytes else { return nil }
                let record = try Self.decodeChange(bytes, sequence: sequence)
                guard let offset = record.previousOffset else { return nil }
                return try earlierNode(id, UnsafeRawBufferPointer(rebasing: bytes[offset...]), sequence: sequence)
            }
            if let earlier { versions.append(earlier) }
        }
        return versions
    }

    /// The node kept in a log entry, without links.
    private func earlierNode(_ id: NodeID, _ bytes: UnsafeRawBufferPointer, sequence: UInt64) throws -> MemoryNode {
        let record: NodeRecord
        do {
            record = try NodeRecord(bytes)
        } catch {
            throw MemoryGraphError(
                .corruption,
                "the node kept by change log entry \(sequence) is damaged (\(error)); run `memory-graph verify`",
                underlyingError: error)
        }
        let names = try interner.names(agent: record.header.agent, context: record.header.context, in: txn)
        return MemoryNode(
            id: id, agentID: names.agent, taskContext: names.context, timestamp: record.header.timestamp.date,
            links: [], revision: record.header.revision, payload: record.payload,
            expiresAt: record.header.expiresAt?.date)
    }
}

/// Numbers the changes of one write transaction and stores them in `log` (and those that keep an
/// earlier version of a node in `log.node`), then drops what retention no longer keeps.
struct LogAppender {
    /// The commit time of every entry of the transaction.
    let committedAt: Microseconds
    /// The sequence number of the newest entry.
    private(set) var last: UInt64
    private(set) var appended = 0

    init(_ txn: Transaction, schema: Schema, committedAt: Microseconds) throws {
        self.committedAt = committedAt
        last = try schema.lastSequence(in: txn)
    }

    /// Appends `changes`, numbered on from ``last``; unchanged when it throws.
    mutating func append(_ changes: [PendingChange], in txn: Transaction, schema: Schema) throws {
        guard !changes.isEmpty, let log = schema.log, let logByNode = schema.logByNode else { return }
        var next = last
        for change in changes {
            next += 1
            let key = logKey(next)
            try txn.put(ChangeRecord.encode(change, committedAt: committedAt), forKey: key, in: log, flags: .append)
            if change.keepsVersion, let node = change.node {
                try node.withUnsafeBytes { _ = try txn.put(key, forKey: $0, in: logByNode) }
            }
        }
        last = next
        appended += changes.count
    }

    /// Drops the oldest entries beyond `retention`: at most as many as the transaction appended
    /// plus 1 024, so that one commit stays short after the bounds were lowered (the next
    /// commits drop the rest). When that empties the log, ``last`` goes to `meta`, so that
    /// numbering goes on after it.
    func finish(retention: MemoryGraph.ChangeRetention, in txn: Transaction, schema: Schema) throws {
        guard let log = schema.log, let logByNode = schema.logByNode else { return }
        let dropped = try drop(beyond: retention, in: txn, log: log, logByNode: logByNode)
        if dropped > 0, last > 0, try txn.statistics(of: log).entries == 0 {
            var bytes: [UInt8] = []
            bytes.appendBigEndian(last)
            try txn.put(bytes, forKey: MetaKey.lastSequence, in: schema.meta)
        }
    }

    /// Drops the oldest entries beyond `retention`, within the budget; returns how many.
    private func drop(
        beyond retention: MemoryGraph.ChangeRetention, in txn: Transaction, log: Database, logByNode: Database
    ) throws -> Int {
        let oldestKept = retention.maximumAgeMicroseconds.map { committedAt.value &- $0 }
        var entries = retention.maximumEntries == nil ? 0 : try txn.statistics(of: log).entries
        var budget = appended + 1024
        let cursor = try txn.cursor(log)
        defer { cursor.close() }
        while budget > 0, try cursor.first() {
            let (key, record) = try cursor.withCurrent { key, value in
                (
                    Array(key),
                    try StoreTransaction.decodeChange(value, sequence: key.count == 8 ? key.bigEndianUInt64(at: 0) : 0)
                )
            }
            let tooMany = retention.maximumEntries.map { entries > $0 } ?? false
            let tooOld = oldestKept.map { record.committedAt.value < $0 } ?? false
            guard tooMany || tooOld else { break }
            if record.keepsVersion, let node = record.node {
                try node.withUnsafeBytes { _ = try txn.delete($0, value: key, in: logByNode) }
            }
            try cursor.deleteCurrent()
            entries -= 1
            budget -= 1
        }
        return appended + 1024 - budget
    }
}
