import Foundation
import MemoryGraph
import SeededRandom
import Testing

@Suite("NodeID")
struct NodeIDTests {
    @Test("ids made in a row are strictly increasing, version 7, variant 10, and carry the time")
    func generation() {
        let before = Date()
        let ids = (0..<10_000).map { _ in NodeID() }
        let after = Date()
        for (earlier, later) in zip(ids, ids.dropFirst()) {
            #expect(earlier < later)
        }
        for id in ids.prefix(100) {
            #expect(id.bytes[6] >> 4 == 7)
            #expect(id.bytes[8] >> 6 == 0b10)
            #expect(id.timestamp >= before.addingTimeInterval(-0.001))
            #expect(id.timestamp <= after.addingTimeInterval(0.002))
        }
    }

    @Test("ids from many threads are unique")
    func concurrentUniqueness() async {
        let all = await withTaskGroup(of: [NodeID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<5_000).map { _ in NodeID() } } }
            return await group.reduce(into: [NodeID]()) { $0 += $1 }
        }
        #expect(Set(all).count == all.count)
    }

    @Test("string, bytes and Codable forms round-trip; order is byte order")
    func forms() throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<1_000 {
            let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let id = try #require(NodeID(bytes: bytes))
            #expect(id.bytes == bytes)
            #expect(NodeID(id.description) == id)
            #expect(NodeID(id.description.uppercased()) == id)
            #expect(id.description == id.description.lowercased())
            let encoded = try JSONEncoder().encode([id])
            #expect(try JSONDecoder().decode([NodeID].self, from: encoded) == [id])
            let other = try #require(NodeID(bytes: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }))
            #expect((id < other) == id.bytes.lexicographicallyPrecedes(other.bytes))
        }
        let known = try #require(NodeID("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"))
        #expect(known.description == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
        #expect(known.timestamp == Date(timeIntervalSince1970: 1_645_557_742.000))
    }

    @Test("malformed strings and byte counts are rejected")
    func malformed() {
        for text in [
            "", "017f22e2-79b0-7cc3-98c4-dc0c0c07398", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0",
            "017f22e279b0-7cc3-98c4-dc0c0c07398f-", "017f22e2-79b0-7cc3-98c4-dc0c0c07398g",
            "017f22e2_79b0_7cc3_98c4_dc0c0c07398f", "{017f22e2-79b0-7cc3-98c4-dc0c0c0739}",
        ] {
            #expect(NodeID(text) == nil, "\(text)")
        }
        #expect(NodeID(bytes: [UInt8](repeating: 0, count: 15)) == nil)
        #expect(NodeID(bytes: [UInt8](repeating: 0, count: 17)) == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([NodeID].self, from: Data(#"["nope"]"#.utf8)) }
    }
}
