import LMDB
import MemoryGraphCore

/// One LMDB transaction seen through the store's schema: the domain operations every public
/// call is made of. Write operations check everything that can fail before their first put, so
/// a rejected operation leaves nothing behind even when it shares a transaction with others.
struct StoreTransaction {
    let txn: Transaction
    let schema: Schema
    let interner: Interner
    /// The strings this transaction interned; `nil` until it interns one, so that reads never
    /// build it.
    private var interns: InternSession?
    /// The node cache, in read transactions of a graph that caches.
    let cache: NodeCache?
    /// What a write changed: for the cache and the change log; `nil` in read-only transactions,
    /// which change nothing.
    let changes: WriteEffects?
    /// Write new nodes' index entries later (``MemoryGraph/IndexUpdateStrategy/lazy``).
    var defersIndexing = false
    /// In read transactions: the time that decides which nodes have expired. `nil` in write
    /// transactions, which remove the expired nodes first.
    let expiry: ExpiryView?

    init(
        _ txn: Transaction, schema: Schema, interner: Interner, cache: NodeCache? = nil, expiry: ExpiryView? = nil
    ) {
        self.txn = txn
        self.schema = schema
        self.interner = interner
        self.cache = cache
        self.expiry = expiry
        changes = txn.isReadOnly ? nil : WriteEffects()
    }

    /// Whether, in this snapshot, the lists keyed by interned ids carry ``FilterFields`` in their
    /// entries (schema version 3 on). Read from the store each time, since another process may
    /// upgrade a store this one opened read-only.
    func entriesCarryFields() throws -> Bool {
        try (schema.storedVersion(in: txn) ?? Schema.version) >= Schema.filterFieldsVersion
    }

    /// What a write changed: the node ids whose decoded form changed (record or out-links), for
    /// cache invalidation after its commit, and the changes for the log.
    final class WriteEffects {
        var nodes: Set<NodeID> = []
        /// Nodes inserted without their index entries.
        var deferredNodes = 0
        /// The changes to log, in order.
        var entries: [PendingChange] = []
    }

    // MARK: Interning

    /// The id of `string`, interning it when it is new.
    mutating func intern(_ string: String, kind: InternKind) throws -> UInt32 {
        var session = interns.take() ?? InternSession(interner: interner)
        defer { interns = session }
        return try session.intern(string, kind: kind, in: txn, schema: schema)
    }

    /// The mappings this transaction created, for the interner's cache once it committed.
    var createdNames: [InternSession.Created] { interns?.created ?? [] }

    /// The id of `string` if it is interned.
    func existingID(_ string: String, kind: InternKind) throws -> UInt32? {
        if let interns { return try interns.existingID(string, kind: kind, in: txn) }
        return try interner.id(of: string, kind: kind, in: txn)
    }

    // MARK: Counters

    func counter(_ key: [UInt8]) throws -> Int {
        try txn.withValue(forKey: key, in: schema.meta) { bytes in
            guard let bytes, bytes.count == 8 else { return 0 }
            return Int(truncatingIfNeeded: bytes.bigEndianUInt64(at: 0))
        }
    }

    func adjustCounter(_ key: [UInt8], by delta: Int) throws {
        var value: [UInt8] = []
        value.appendBigEndian(UInt64(max(0, try counter(key) + delta)))
        try txn.put(value, forKey: key, in: schema.meta)
    }

    // MARK: Reading nodes

    /// Whether node `id` is stored (in a read: and has not expired).
    func nodeExists(_ id: NodeID) throws -> Bool {
        guard try id.withUnsafeBytes({ try txn.contains($0, in: schema.nodes) }) else { return false }
        return try expiry == nil || !hidden().contains(id)
    }

    /// The header of node `id`, or `nil` when it does not exist.
    func header(of id: NodeID) throws -> NodeHeader? {
        try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: schema.nodes) { bytes in
                guard let bytes else { return nil }
                do {
                    return try NodeHeader(bytes)
                } catch {
                    throw MemoryGraphError.corrupt(error, node: id)
                }
            }
        }
    }

    /// Node `id` decoded, with its links, or `nil` when it does not exist; from the cache when
    /// it holds the node.
    func node(_ id: NodeID) throws -> MemoryNode? {
        var names: ResolvedNames? = nil
        var hidden: Set<NodeID>? = nil
        return try node(id, names: &names, hidden: &hidden)
    }

    /// The nodes `ids` in order, `nil` for each that does not exist. Each distinct agent and
    /// context name is resolved once for the whole list, and the expired nodes looked up once.
    func nodes(_ ids: some Sequence<NodeID>) throws -> [MemoryNode?] {
        var names: ResolvedNames? = ResolvedNames()
        var hidden: Set<NodeID>? = nil
        return try ids.map { try node($0, names: &names, hidden: &hidden) }
    }

    /// Node `id`, its agent and context names from `names` when given (which keeps them for the
    /// next node) or else from the interner; without links to the nodes in `hidden`, which is
    /// looked up when first needed.
    private func node(_ id: NodeID, names: inout ResolvedNames?, hidden: inout Set<NodeID>?) throws -> MemoryNode? {
        guard let node = try storedNode(id, names: &names), !hasExpired(node) else { return nil }
        guard !node.links.isEmpty, expiry != nil else { return node }
        if hidden == nil { hidden = try self.hidden() }
        return Self.withoutLinks(to: hidden ?? [], node)
    }

    /// `node` without its links to the nodes in `hidden` (expired, not swept yet).
    private static func withoutLinks(to hidden: Set<NodeID>, _ node: MemoryNode) -> MemoryNode {
        guard !hidden.isEmpty, node.links.contains(where: hidden.contains) else { return node }
        var visible = node
        visible.links.removeAll(where: hidden.contains)
        return visible
    }

    /// Node `id` as stored, expired or not.
    private func storedNode(_ id: NodeID, names: inout ResolvedNames?) throws -> MemoryNode? {
        if let cache, let cached = cache.node(id) { return cached }
        let decoded = try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: schema.nodes) { bytes -> MemoryNode? in
                guard let bytes else { return nil }
                do {
                    return try decodeNode(id, bytes, names: &names)
                } catch let error as RecordCorruption {
                    throw MemoryGraphError.corrupt(error, node: id)
                }
            }
        }
        guard let node = decoded else { return nil }
        cache?.fill(node, snapshot: txn.id)
        return node
    }

    /// The node in `bytes`: its header and links now, its result and metadata checked now and
    /// decoded when first used.
    private func decodeNode(_ id: NodeID, _ bytes: UnsafeRawBufferPointer, names: inout ResolvedNames?) throws
        -> MemoryNode
    {
        let record = try NodeRecord(bytes)
        let names =
            try names?.names(of: record.header, interner: interner, in: txn)
            ?? interner.names(agent: record.header.agent, context: record.header.context, in: txn)
        return MemoryNode(
            id: id, agentID: names.agent, taskContext: names.context,
            timestamp: record.header.timestamp.date, links: try record.links ?? links(from: id),
            revision: record.header.revision, payload: record.payload, expiresAt: record.header.expiresAt?.date)
    }

    /// The node ids stored under `key` in a 16-byte DUPFIXED list, in order.
    func idList<ID: StoredIdentifier>(_ key: some StoredIdentifier, in database: Database) throws -> [ID] {
        let cursor = try txn.cursor(database)
        defer { cursor.close() }
        var ids: [ID] = []
        try forEachID(under: key, with: cursor) { id in
            ids.append(id)
            return true
        }
        return ids
    }

    /// Calls `body` with each id in the 16-byte DUPFIXED list under `key`, in order, read in
    /// place through `cursor` (which a caller reuses across keys), until `body` returns `false`.
    func forEachID<ID: StoredIdentifier>(
        under key: some StoredIdentifier, with cursor: Cursor, _ body: (ID) throws -> Bool
    ) throws {
        guard try key.withUnsafeBytes({ try cursor.seek(to: $0) }) else { return }
        try cursor.forEachDuplicateBatch { page in
            for offset in stride(from: 0, to: page.count - 15, by: 16) {
                guard try body(ID(page, at: offset)) else { return false }
            }
            return true
        }
    }

    /// The out-links of `id` (in a read, without those from or to expired nodes).
    func links(from id: NodeID) throws -> [NodeID] { try visible(idList(id, in: schema.linksOut), of: id) }

    /// The nodes that link to `id` (in a read, without those from or to expired nodes).
    func backlinks(to id: NodeID) throws -> [NodeID] { try visible(idList(id, in: schema.linksIn), of: id) }

    /// `ids`, the links of node `id`, without expired nodes: none at all when `id` expired.
    private func visible(_ ids: [NodeID], of id: NodeID) throws -> [NodeID] {
        guard expiry != nil, !ids.isEmpty else { return ids }
        let hidden = try hidden()
        guard !hidden.isEmpty else { return ids }
        return hidden.contains(id) ? [] : ids.filter { !hidden.contains($0) }
    }
}

/// A 16-byte identifier stored in keys and DUPFIXED lists.
protocol StoredIdentifier: Hashable, Sendable {
    /// Decodes the 16 bytes at `offset`; the caller checked the bounds.
    init(_ buffer: UnsafeRawBufferPointer, at offset: Int)
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension TimeOrderedID: StoredIdentifier {
    init(_ buffer: UnsafeRawBufferPointer, at offset: Int) {
        self.init(high: buffer.bigEndianUInt64(at: offset), low: buffer.bigEndianUInt64(at: offset + 8))
    }
}

extension MemoryGraphError {
    static func corrupt(_ error: any Error, node id: NodeID) -> MemoryGraphError {
        if let error = error as? MemoryGraphError { return error }
        return MemoryGraphError(
            .corruption, "the record of node \(id) is damaged (\(error)); run `memory-graph verify`",
            underlyingError: error)
    }
}
