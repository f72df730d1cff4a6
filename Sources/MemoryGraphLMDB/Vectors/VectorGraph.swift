import Foundation
import HeapModule
import LMDB
import MemoryGraphCore

/// A node met on a walk of the vector index, with its score against the walk's vector (higher
/// is nearer); ties order by id.
struct GraphCandidate: Comparable {
    var score: Double
    var id: NodeID

    static func < (a: Self, b: Self) -> Bool { a.score != b.score ? a.score < b.score : a.id < b.id }
}

/// The approximate vector index (HNSW, Malkov and Yashunin 2016) as one transaction sees it.
///
/// Every node with an embedding is a node of the graph, in layers 0 to its top layer, which
/// follows from its id (so every build and every process agrees on it). `vectors.graph` holds
/// its neighbours in each layer; `vectors.levels` lists the nodes by top layer, so its first key
/// is the entry point. Scores are read from the embeddings where they lie in the map.
///
/// A removal takes the node out of the lists of its neighbours and relinks each of them; an
/// edge from a node it did not list may stay behind, and walks step over it.
struct VectorGraph {
    let txn: Transaction
    let graph: Database
    let levels: Database
    let vectors: Database
    let parameters: VectorIndexParameters

    /// The highest layer any node reaches.
    static let highestLayer = 15

    // MARK: - Reading

    /// The node whose walk every search starts from: one with the highest top layer.
    func entryPoint() throws -> (id: NodeID, layer: Int)? {
        let cursor = try txn.cursor(levels)
        defer { cursor.close() }
        guard try cursor.first() else { return nil }
        return cursor.withCurrent { key, _ in
            key.count == 17 ? (NodeID(key, at: 1), 255 - Int(key[0])) : nil
        }
    }

    /// Node `id`'s top layer, which its id decides.
    func topLayer(of id: NodeID) -> Int {
        let hash = id.withUnsafeBytes { bytes in
            var state = bytes.loadUnaligned(as: UInt64.self) ^ bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            // SplitMix64's finaliser: ids that differ in a bit give unrelated layers.
            state = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
            state = (state ^ (state >> 27)) &* 0x94D0_49BB_1331_11EB
            return state ^ (state >> 31)
        }
        let uniform = (Double(hash >> 11) + 1) / Double(1 << 53)
        let layer = -log(uniform) / log(Double(parameters.neighbors))
        return min(Int(layer), Self.highestLayer)
    }

    /// Node `id`'s neighbours in `layer`, none when it has no list there.
    func neighbors(of id: NodeID, in layer: Int) throws -> [NodeID] {
        try txn.withValue(forKey: Self.graphKey(id, layer: layer), in: graph) { bytes in
            guard let bytes else { return [] }
            return stride(from: 0, to: bytes.count - bytes.count % 16, by: 16).map { NodeID(bytes, at: $0) }
        }
    }

    /// Node `id`'s score against `probe`, `nil` when it has no embedding (an edge left by a
    /// removal).
    func score(_ id: NodeID, _ probe: VectorProbe) throws -> Double? {
        try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: vectors) { bytes in bytes.flatMap(probe.score) }
        }
    }

    /// Node `id`'s embedding.
    func vector(of id: NodeID) throws -> [Float]? {
        try id.withUnsafeBytes { key in
            try txn.withValue(forKey: key, in: vectors) { bytes in bytes.flatMap(VectorProbe.vector(from:)) }
        }
    }

    // MARK: - Walking

    /// From `start`, moves to a nearer neighbour in `layer` while there is one.
    func descend(from start: GraphCandidate, _ probe: VectorProbe, layer: Int, visits: inout Int) throws
        -> GraphCandidate
    {
        var current = start
        var moved = true
        while moved {
            moved = false
            for neighbor in try neighbors(of: current.id, in: layer) {
                visits += 1
                guard let score = try score(neighbor, probe) else { continue }
                let candidate = GraphCandidate(score: score, id: neighbor)
                if current < candidate {
                    current = candidate
                    moved = true
                }
            }
        }
        return current
    }

    /// The best `breadth` nodes of `layer` that `accepts` takes (every node when `nil`), found by
    /// a best-first walk from `entries`, best first. Nodes it refuses are walked through but not
    /// kept, so a filter applies during the walk.
    func search(
        _ probe: VectorProbe, from entries: [GraphCandidate], breadth: Int, layer: Int,
        accepts: ((NodeID) throws -> Bool)?, visits: inout Int
    ) throws -> [GraphCandidate] {
        var visited = Set(entries.map(\.id))
        var candidates = Heap(entries)
        var kept = Heap<GraphCandidate>()
        for entry in entries where try accepts?(entry.id) ?? true { kept.insert(entry) }
        while let nearest = candidates.popMax() {
            if kept.count >= breadth, let worst = kept.min, nearest < worst { break }
            for neighbor in try neighbors(of: nearest.id, in: layer) where visited.insert(neighbor).inserted {
                visits += 1
                guard let score = try score(neighbor, probe) else { continue }
                let candidate = GraphCandidate(score: score, id: neighbor)
                if kept.count < breadth || kept.min.map({ $0 < candidate }) == true {
                    candidates.insert(candidate)
                    guard try accepts?(neighbor) ?? true else { continue }
                    kept.insert(candidate)
                    if kept.count > breadth { kept.removeMin() }
                }
            }
        }
        return kept.unordered.sorted(by: >)
    }

    /// The best `limit` nodes that `accepts` takes, nearest `probe` by the index's metric: the
    /// walk down from the entry point, then a search of the bottom layer `breadth` wide, and how
    /// many nodes it scored.
    func nearest(
        _ probe: VectorProbe, limit: Int, breadth: Int, accepts: ((NodeID) throws -> Bool)?
    ) throws -> (hits: [ScoredNodeID], visits: Int) {
        guard limit > 0, let entry = try entryPoint(), let score = try score(entry.id, probe) else { return ([], 0) }
        var visits = 1
        var current = GraphCandidate(score: score, id: entry.id)
        for layer in stride(from: entry.layer, to: 0, by: -1) {
            current = try descend(from: current, probe, layer: layer, visits: &visits)
        }
        let found = try search(
            probe, from: [current], breadth: max(breadth, limit), layer: 0, accepts: accepts, visits: &visits)
        var top = TopScores(limit: limit)
        for candidate in found { top.offer(candidate.id, score: candidate.score) }
        return (top.best, visits)
    }

    // MARK: - Keys

    /// The `vectors.graph` key of node `id`'s list in `layer`.
    static func graphKey(_ id: NodeID, layer: Int) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(17)
        id.write(to: &key)
        key.append(UInt8(layer))
        return key
    }

    /// The `vectors.levels` key of node `id`, whose top layer is `layer`.
    static func levelKey(_ id: NodeID, layer: Int) -> [UInt8] {
        var key: [UInt8] = [UInt8(255 - layer)]
        key.reserveCapacity(17)
        id.write(to: &key)
        return key
    }
}
