import Foundation
import MemoryGraphCore
import MemoryGraphService
import Testing

/// The tokens file: only digests, private, and read strictly (a damaged entry never grants more).
@Suite struct TokenStoreTests {
    let directory = FileManager.default.temporaryDirectory.appending(path: "tokens-\(UUID())").path

    init() throws { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }

    @Test func tokensRoundTripAsDigests() throws {
        var store = TokenStore()
        let critic = AgentCredential(agentID: "critic", scope: ReadScope(agentIDs: ["planner"]), readOnly: true)
        let first = store.add(AgentCredential(agentID: "planner"))
        let second = store.add(critic)
        let path = directory + "/tokens.json"
        try store.write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(first) && !text.contains(second))
        let read = try TokenStore(contentsOf: path)
        #expect(read.credential(for: first) == AgentCredential(agentID: "planner"))
        #expect(read.credential(for: second) == critic)
        #expect(read.credential(for: first + "0") == nil && read.credential(for: "") == nil)
    }

    @Test(arguments: [
        #"{"tokens": [{"sha256": "DIGEST", "agent": "a", "read_agents": "critic"}]}"#,
        #"{"tokens": [{"sha256": "DIGEST", "agent": "a", "read_only": "true"}]}"#,
        #"{"tokens": [{"sha256": "DIGEST", "agent": "a", "read_contexts": [1]}]}"#,
        #"{"tokens": [{"sha256": "DIGEST", "agent": "a", "read_agent": ["x"]}]}"#,
        #"{"tokens": [{"sha256": "abc", "agent": "a"}]}"#,
        #"{"tokens": [{"sha256": "DIGEST"}]}"#,
        #"{"tokenz": []}"#,
        #"[]"#,
    ])
    func damagedEntriesAreRefused(text: String) throws {
        let path = directory + "/damaged.json"
        let digest = String(repeating: "ab", count: 32)
        try text.replacingOccurrences(of: "DIGEST", with: digest).write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: MemoryGraphError.self) { try TokenStore(contentsOf: path) }
        #expect(error?.code == .invalidConfiguration)
    }
}
