import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// The names cache answers as a dictionary would, for ids below and past the dense limit.
@Suite("Interned names by id")
struct InternedNamesTests {
    @Test("random ids of every kind read back as a dictionary model says", arguments: [1, 2, 3])
    func matchesDictionaryModel(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var names = InternedNames()
        var model: [UInt64: String] = [:]
        let limit = UInt32(InternedNames.denseLimit)
        for step in 0..<2_000 {
            let kind = InternKind.allCases.randomElement(using: &generator) ?? .agent
            let id: UInt32 =
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: UInt32.random(in: 0..<64, using: &generator)
                case 1: UInt32.random(in: 0..<5_000, using: &generator)
                case 2: UInt32.random(in: limit - 2...limit + 2, using: &generator)
                default: UInt32.random(in: limit...UInt32.max, using: &generator)
                }
            let key = UInt64(kind.rawValue) << 32 | UInt64(id)
            if Bool.random(using: &generator) {
                let name = "name-\(step)"
                names.remember(name, as: id, kind: kind)
                model[key] = name
            }
            #expect(names.name(of: id, kind: kind) == model[key], "\(kind) \(id)")
        }
        for (key, name) in model {
            let kind = InternKind(rawValue: UInt8(key >> 32)) ?? .agent
            #expect(names.name(of: UInt32(truncatingIfNeeded: key), kind: kind) == name)
        }
    }
}
