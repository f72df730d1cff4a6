import Crypto
public import Foundation
import MemoryGraphCore
import MemoryGraphTools

/// The service's tokens: a JSON file (mode 0600) that keeps, for each token, only its SHA-256
/// and what it grants. A token is shown once, when it is made, and never stored or logged.
///
/// ```json
/// {"tokens": [{"sha256": "…", "agent": "planner", "read_agents": ["critic"], "read_contexts": null,
///              "read_only": false, "created_at": "2026-12-06T09:30:00Z"}]}
/// ```
/// `null` scopes mean all.
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
        entries = try (json["tokens"]?.arrayValue ?? []).enumerated().map { index, item in
            guard let hex = item["sha256"]?.stringValue, let digest = Self.bytes(hex: hex), digest.count == 32,
                let agent = item["agent"]?.stringValue, !agent.isEmpty
            else {
                throw MemoryGraphError(
                    .invalidConfiguration, "token \(index) of \(path) lacks a sha256 (64 hex digits) or an agent")
            }
            let scope = ReadScope(
                agentIDs: item["read_agents"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) },
                contexts: item["read_contexts"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) })
            return Entry(
                digest: digest,
                credential: AgentCredential(
                    agentID: agent, scope: scope, readOnly: item["read_only"]?.boolValue ?? false),
                createdAt: item["created_at"]?.stringValue.flatMap(MemoryJSON.date) ?? Date(timeIntervalSince1970: 0))
        }
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
        let presented = Self.digest(token)
        var found: AgentCredential?
        for entry in entries where Self.constantTimeEqual(entry.digest, presented) { found = entry.credential }
        return found
    }

    /// Writes the store to `path`, readable by its owner only (0600), replacing the file atomically.
    public func write(to path: String) throws {
        let tokens: [JSONValue] = entries.map { entry in
            [
                "sha256": .string(entry.digest.map { String(format: "%02x", $0) }.joined()),
                "agent": .string(entry.credential.agentID),
                "read_agents": entry.credential.scope.agentIDs.map { .array($0.sorted().map { .string($0) }) } ?? .null,
                "read_contexts": entry.credential.scope.contexts.map { .array($0.sorted().map { .string($0) }) }
                    ?? .null,
                "read_only": .bool(entry.credential.isReadOnly),
                "created_at": .string(MemoryJSON.time(entry.createdAt)),
            ]
        }
        let data = try JSONValue.object(["tokens": .array(tokens)]).jsonData()
        let temporary = path + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw MemoryGraphError(.invalidConfiguration, "cannot write the tokens file \(temporary)") }
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
