import Crypto
public import Foundation
import MemoryGraphCore
import MemoryGraphTools

/// The service's tokens: a JSON file (mode 0600) that keeps, for each token, only its SHA-256
/// and what it grants. A token is shown once, when it is made, and never stored or logged.
///
/// ```json
/// {"tokens": [{"sha256": "…", "agent": "planner", "read_agents": ["critic"], "read_contexts": null,
///              "read_only": false, "created_at": "2026-12-06T09:30:00Z"},
///             {"sha256": "…", "agent": "replica", "read_agents": null, "read_contexts": null,
///              "read_only": false, "store": true, "created_at": "2026-12-06T09:31:00Z"}]}
/// ```
/// `null` scopes mean all. `store` (absent: `false`) opens the store endpoints
/// (``AgentCredential/storeAccess``); a token with it reads all, so its scopes must be `null`.
public struct TokenStore: Sendable {
    /// One stored token.
    public struct Entry: Sendable, Hashable {
        /// The SHA-256 of the token.
        public var digest: [UInt8]
        /// What it grants.
        public var credential: AgentCredential
        /// When it was made.
        public var createdAt: Date
    }

    /// The tokens, in the order they were added.
    public private(set) var entries: [Entry]

    /// An empty store.
    public init() { entries = [] }

    /// Reads the tokens file at `path`.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidConfiguration`` when the file cannot be read or
    ///   is not a tokens file.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MemoryGraphError(.invalidConfiguration, "cannot read the tokens file \(path): \(error)")
        }
        let json: JSONValue
        do {
            json = try JSONValue(jsonData: data)
        } catch {
            throw MemoryGraphError(.invalidConfiguration, "the tokens file \(path) is not JSON: \(error)")
        }
        guard let items = json["tokens"]?.arrayValue, json.objectValue?.count == 1 else {
            throw MemoryGraphError(.invalidConfiguration, "the tokens file \(path) is not {\"tokens\": [...]}")
        }
        entries = try items.enumerated().map { index, item in try Self.entry(item, index: index, path: path) }
    }

    /// One entry of a tokens file, read strictly: a value of the wrong type or an unknown key is
    /// an error, never a wider grant.
    private static func entry(_ item: JSONValue, index: Int, path: String) throws -> Entry {
        func invalid(_ problem: String) -> MemoryGraphError {
            MemoryGraphError(.invalidConfiguration, "token \(index) of \(path): \(problem)")
        }
        guard let fields = item.objectValue else { throw invalid("not a JSON object") }
        let known: Set = ["sha256", "agent", "read_agents", "read_contexts", "read_only", "store", "created_at"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw invalid("unknown key \(unknown)")
        }
        guard let hex = fields["sha256"]?.stringValue, let digest = bytes(hex: hex), digest.count == 32 else {
            throw invalid("sha256 must be 64 hex digits")
        }
        guard let agent = fields["agent"]?.stringValue, !agent.isEmpty else { throw invalid("agent is missing") }
        func names(_ key: String) throws -> Set<String>? {
            guard let value = fields[key], value != .null else { return nil }
            guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue?.isEmpty == false }) else {
                throw invalid("\(key) must be null (all) or an array of names")
            }
            return Set(items.compactMap(\.stringValue))
        }
        let readOnly = fields["read_only"] ?? false
        guard let isReadOnly = readOnly.boolValue else { throw invalid("read_only must be true or false") }
        guard let storeAccess = (fields["store"] ?? false).boolValue else {
            throw invalid("store must be true or false")
        }
        let scope = ReadScope(agentIDs: try names("read_agents"), contexts: try names("read_contexts"))
        if storeAccess, !scope.isAll {
            throw invalid("a store token reads the whole store: read_agents and read_contexts must be null")
        }
        return Entry(
            digest: digest,
            credential: AgentCredential(agentID: agent, scope: scope, readOnly: isReadOnly, storeAccess: storeAccess),
            createdAt: fields["created_at"]?.stringValue.flatMap(MemoryJSON.date) ?? Date(timeIntervalSince1970: 0))
    }

    /// Adds a token granting `credential` and returns it: 32 random bytes, hex, after `mg_`.
    public mutating func add(_ credential: AgentCredential) -> String {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let token = "mg_" + secret.map { String(format: "%02x", $0) }.joined()
        entries.append(Entry(digest: Self.digest(token), credential: credential, createdAt: Date()))
        return token
    }

    /// What `token` grants, `nil` when it is not one of the store's. Every entry is compared,
    /// each in constant time, so the answer takes as long whichever matches.
    public func credential(for token: String) -> AgentCredential? {
        index(of: token).map { entries[$0].credential }
    }

    /// The position of `token`'s entry, `nil` when it is not one of the store's; compared as
    /// ``credential(for:)`` compares.
    func index(of token: String) -> Int? {
        let presented = Self.digest(token)
        var found: Int?
        for (index, entry) in entries.enumerated() where Self.constantTimeEqual(entry.digest, presented) {
            found = index
        }
        return found
    }

    /// Writes the store to `path`, readable by its owner only (0600), replacing the file atomically.
    public func write(to path: String) throws {
        let tokens: [JSONValue] = entries.map { entry in
            var fields: [String: JSONValue] = [
                "sha256": .string(entry.digest.map { String(format: "%02x", $0) }.joined()),
                "agent": .string(entry.credential.agentID),
                "read_agents": entry.credential.scope.agentIDs.map { .array($0.sorted().map { .string($0) }) } ?? .null,
                "read_contexts": entry.credential.scope.contexts.map { .array($0.sorted().map { .string($0) }) }
                    ?? .null,
                "read_only": .bool(entry.credential.isReadOnly),
                "created_at": .string(MemoryJSON.time(entry.createdAt)),
            ]
            // Written only when granted, so that files without store tokens stay as they were.
            if entry.credential.storeAccess { fields["store"] = true }
            return .object(fields)
        }
        let data = try JSONValue.object(["tokens": .array(tokens)]).jsonData()
        // Created 0600 from the start (never readable by others for a moment), then moved over
        // the old file.
        let temporary = path + ".new"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw MemoryGraphError(.invalidConfiguration, "cannot write the tokens file \(temporary): errno \(errno)")
        }
        let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        guard fchmod(descriptor, 0o600) == 0 else {
            throw MemoryGraphError(.invalidConfiguration, "cannot make \(temporary) private: errno \(errno)")
        }
        try file.write(contentsOf: data)
        try file.synchronize()
        try file.close()
        guard rename(temporary, path) == 0 else {
            throw MemoryGraphError(.invalidConfiguration, "cannot replace the tokens file \(path): errno \(errno)")
        }
    }

    static func digest(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        return stride(from: 0, to: digits.count, by: 2).reduce(into: [UInt8]?([])) { bytes, index in
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else {
                bytes = nil
                return
            }
            bytes?.append(high << 4 | low)
        }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
