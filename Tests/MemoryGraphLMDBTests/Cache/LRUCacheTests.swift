import MemoryGraph
import SeededRandom
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@Suite("LRU cache")
struct LRUCacheTests {
    @Test("random operations match a recency-list model", arguments: [1, 2, 3] as [UInt64])
    func againstModel(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let capacity = Int.random(in: 1...12, using: &generator)
        var cache = LRUCache<Int, Int>(capacity: capacity)
        var model: [(key: Int, value: Int)] = []  // most recent first
        for step in 0..<20_000 {
            let key = Int.random(in: 0..<20, using: &generator)
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<4:
                let expected = model.firstIndex { $0.key == key }.map { model.remove(at: $0) }
                if let expected { model.insert(expected, at: 0) }
                #expect(cache.value(for: key) == expected?.value, "seed \(seed) step \(step)")
            case 4..<8:
                let value = Int.random(in: 0..<1000, using: &generator)
                let existing = model.firstIndex { $0.key == key }
                if let existing { model.remove(at: existing) }
                let shouldEvict = existing == nil && model.count == capacity
                if shouldEvict { model.removeLast() }
                model.insert((key, value), at: 0)
                #expect(cache.insert(value, for: key) == shouldEvict, "seed \(seed) step \(step)")
            case 8:
                model.removeAll { $0.key == key }
                cache.removeValue(for: key)
            default:
                if Int.random(in: 0..<50, using: &generator) == 0 {
                    model.removeAll()
                    cache.removeAll()
                }
            }
            #expect(cache.count == model.count)
            #expect(cache.count <= capacity)
        }
        #expect(cache.keysByRecency == model.map(\.key))
    }
}
