import LMDB
import MemoryGraphCore
import NIOConcurrencyHelpers

/// The kinds of strings interned to 4-byte ids, each with its own id space.
enum InternKind: UInt8, Sendable, CaseIterable {
    case agent = 1
    case context = 2
    case type = 3
    case task = 4
}

/// Interns agent ids, contexts, types and task ids to fixed-width integer ids (`dict`,
/// `dict.rev`), with a process-wide cache in front.
///
/// A mapping never changes once committed (ids are never reused), so cached entries can never
/// be stale. Mappings created by a write transaction reach the cache only after it committed.
final class Interner: Sendable {
    private struct Name: Hashable, Sendable {
        let kind: InternKind
        let string: String
    }

    private struct Cache: Sendable {
        var ids: [Name: UInt32] = [:]
        var names = InternedNames()
    }

    private let cache = LockedValue(Cache())
    private let schema: Schema

    init(schema: Schema) {
        self.schema = schema
    }

    static func dictionaryKey(_ kind: InternKind, _ string: String) -> [UInt8] {
        var key: [UInt8] = [kind.rawValue]
        key.append(contentsOf: string.utf8)
        return key
    }

    static func reverseKey(_ kind: InternKind, _ id: UInt32) -> [UInt8] {
        var key: [UInt8] = [kind.rawValue]
        key.appendBigEndian(id)
        return key
    }

    /// The id of `string`, or `nil` when it was never interned.
    func id(of string: String, kind: InternKind, in txn: Transaction) throws -> UInt32? {
        let name = Name(kind: kind, string: string)
        if let id = cache.withLockedValue({ $0.ids[name] }) { return id }
        let found = try txn.withValue(forKey: Self.dictionaryKey(kind, string), in: schema.dictionary) { bytes in
            bytes.flatMap { $0.count == 4 ? $0.bigEndianUInt32(at: 0) : nil }
        }
        if let found, txn.isReadOnly {
            cache.withLockedValue { $0.ids[name] = found }
        }
        return found
    }

    /// The agent and context names of a node, with one look at the cache when it holds both.
    /// - Throws: ``MemoryGraphError/Code/corruption`` when an id is unknown.
    func names(agent: UInt32, context: UInt32, in txn: Transaction) throws -> (agent: String, context: String) {
        let cached = cache.withLockedValue { cache in
            (cache.names.name(of: agent, kind: .agent), cache.names.name(of: context, kind: .context))
        }
        return (
            try cached.0 ?? storedName(of: agent, kind: .agent, in: txn),
            try cached.1 ?? storedName(of: context, kind: .context, in: txn)
        )
    }

    /// The string interned as `id`, read from `dict.rev` (and cached when the transaction is
    /// read-only, so that the mapping is committed).
    private func storedName(of id: UInt32, kind: InternKind, in txn: Transaction) throws -> String {
        let name = try txn.withValue(forKey: Self.reverseKey(kind, id), in: schema.reverseDictionary) { bytes in
            bytes.flatMap { String(validating: $0, as: UTF8.self) }
        }
        guard let name else {
            throw MemoryGraphError(
                .corruption, "the \(kind) id \(id) has no entry in dict.rev; run `memory-graph verify`")
        }
        if txn.isReadOnly {
            cache.withLockedValue { $0.names.remember(name, as: id, kind: kind) }
        }
        return name
    }

    /// Remembers mappings that a committed write transaction created.
    func remember(_ created: [InternSession.Created]) {
        guard !created.isEmpty else { return }
        cache.withLockedValue { cache in
            for entry in created {
                cache.ids[Name(kind: entry.kind, string: entry.string)] = entry.id
                // Only agent and context names are looked up by id (to build nodes).
                if entry.kind == .agent || entry.kind == .context {
                    cache.names.remember(entry.string, as: entry.id, kind: entry.kind)
                }
            }
        }
    }

    /// The largest id of `kind` in use, or 0.
    func lastID(_ kind: InternKind, in txn: Transaction) throws -> UInt32 {
        let cursor = try txn.cursor(schema.reverseDictionary)
        defer { cursor.close() }
        let found = try cursor.seek(atLeast: [kind.rawValue + 1]) ? try cursor.previous() : try cursor.last()
        guard found else { return 0 }
        return cursor.withCurrent { key, _ in
            key.count == 5 && key[0] == kind.rawValue ? key.bigEndianUInt32(at: 1) : 0
        }
    }
}

/// The strings interned by one write transaction, published to the ``Interner`` after commit.
struct InternSession {
    /// A mapping created in this transaction.
    struct Created: Sendable {
        let kind: InternKind
        let string: String
        let id: UInt32
    }

    private(set) var created: [Created] = []
    private var createdIDs: [InternKind: [String: UInt32]] = [:]
    private var nextIDs: [InternKind: UInt32] = [:]
    let interner: Interner

    init(interner: Interner) {
        self.interner = interner
    }

    /// The id of `string`, interning it in `txn` when it is new.
    mutating func intern(_ string: String, kind: InternKind, in txn: Transaction, schema: Schema) throws -> UInt32 {
        if let id = createdIDs[kind]?[string] { return id }
        if let id = try interner.id(of: string, kind: kind, in: txn) { return id }
        let next: UInt32
        if let known = nextIDs[kind] {
            next = known
        } else {
            next = try interner.lastID(kind, in: txn) + 1
        }
        nextIDs[kind] = next + 1
        var value: [UInt8] = []
        value.appendBigEndian(next)
        try txn.put(value, forKey: Interner.dictionaryKey(kind, string), in: schema.dictionary)
        try txn.put(Array(string.utf8), forKey: Interner.reverseKey(kind, next), in: schema.reverseDictionary)
        createdIDs[kind, default: [:]][string] = next
        created.append(Created(kind: kind, string: string, id: next))
        return next
    }

    /// The id of `string` if it is interned (in the store or by this transaction).
    func existingID(_ string: String, kind: InternKind, in txn: Transaction) throws -> UInt32? {
        if let id = createdIDs[kind]?[string] { return id }
        return try interner.id(of: string, kind: kind, in: txn)
    }
}
