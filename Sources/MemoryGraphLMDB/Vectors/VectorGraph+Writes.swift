import LMDB
import MemoryGraphCore

/// Linking nodes into the vector index and taking them out, in the write's transaction.
extension VectorGraph {
    /// Links node `id`, whose embedding is `vector`, into every layer up to its top one: in each,
    /// a search `constructionBreadth` wide finds its candidates, the heuristic of the HNSW paper
    /// picks `neighbors` of them, and each picked node links back (pruning its own list by the
    /// same heuristic when it overflows).
    func insert(_ id: NodeID, vector: [Float]) throws {
        let top = topLayer(of: id)
        let probe = VectorProbe(vector, metric: parameters.metric)
        let entry = try entryPoint()
        if let entry, let score = try score(entry.id, probe) {
            var visits = 0
            var current = GraphCandidate(score: score, id: entry.id)
            for layer in stride(from: entry.layer, to: top, by: -1) {
                current = try descend(from: current, probe, layer: layer, visits: &visits)
            }
            var entries = [current]
            for layer in stride(from: min(top, entry.layer), through: 0, by: -1) {
                let found = try search(
                    probe, from: entries, breadth: parameters.constructionBreadth, layer: layer, accepts: nil,
                    visits: &visits
                ).filter { $0.id != id }
                let chosen = try select(found, count: parameters.neighbors)
                try putNeighbors(chosen, of: id, in: layer)
                for neighbor in chosen { try link(neighbor, to: id, in: layer) }
                if !found.isEmpty { entries = found }
            }
        }
        // The layers above the old entry point's: this node alone, and the new entry point.
        for layer in stride(from: entry.map { min(top, $0.layer) + 1 } ?? 0, through: top, by: 1) {
            try putNeighbors([], of: id, in: layer)
        }
        try txn.put([UInt8](), forKey: Self.levelKey(id, layer: top), in: levels)
    }

    /// Takes node `id` out of the graph while its embedding is still stored: each node it lists
    /// drops it and picks its neighbours again from its own list and `id`'s.
    func remove(_ id: NodeID) throws {
        let top = topLayer(of: id)
        guard try txn.delete(Self.levelKey(id, layer: top), in: levels) else { return }
        for layer in 0...top {
            let listed = try neighbors(of: id, in: layer)
            for neighbor in listed where neighbor != id {
                var list = try neighbors(of: neighbor, in: layer)
                guard let position = list.firstIndex(of: id) else { continue }
                list.remove(at: position)
                if let base = try vector(of: neighbor) {
                    let probe = VectorProbe(base, metric: parameters.metric)
                    var pool = Set(list)
                    pool.formUnion(listed)
                    pool.subtract([id, neighbor])
                    list = try select(
                        scored(pool, probe).sorted(by: >), count: parameters.maximumNeighbors(in: layer))
                }
                try putNeighbors(list, of: neighbor, in: layer)
            }
            _ = try txn.delete(Self.graphKey(id, layer: layer), in: graph)
        }
    }

    /// Empties the graph and links every stored embedding into it again.
    func rebuild() throws {
        try txn.removeAll(in: graph)
        try txn.removeAll(in: levels)
        var ids: [NodeID] = []
        try txn.scan(vectors) { key, _ in
            if key.count == 16 { ids.append(NodeID(key, at: 0)) }
            return true
        }
        for id in ids {
            if let vector = try vector(of: id) { try insert(id, vector: vector) }
        }
    }

    // MARK: - Neighbour lists

    /// Links `neighbor` to `id` in `layer`, pruning `neighbor`'s list by ``select(_:count:)``
    /// when it grows past the layer's maximum.
    private func link(_ neighbor: NodeID, to id: NodeID, in layer: Int) throws {
        var list = try neighbors(of: neighbor, in: layer)
        guard !list.contains(id) else { return }
        list.append(id)
        if list.count > parameters.maximumNeighbors(in: layer), let base = try vector(of: neighbor) {
            let probe = VectorProbe(base, metric: parameters.metric)
            list = try select(scored(Set(list), probe).sorted(by: >), count: parameters.maximumNeighbors(in: layer))
        }
        try putNeighbors(list, of: neighbor, in: layer)
    }

    /// `ids` with their scores against `probe`, leaving out those without an embedding.
    private func scored(_ ids: Set<NodeID>, _ probe: VectorProbe) throws -> [GraphCandidate] {
        try ids.compactMap { id in try score(id, probe).map { GraphCandidate(score: $0, id: id) } }
    }

    /// At most `count` of `candidates` (best first, scored against a base node): each in turn
    /// unless it is nearer one already picked than the base, which spreads the links over
    /// directions (the HNSW paper's heuristic).
    private func select(_ candidates: [GraphCandidate], count: Int) throws -> [NodeID] {
        guard candidates.count > count else { return candidates.map(\.id) }
        let metric = parameters.metric
        var picked: [(id: NodeID, vector: [Float])] = []
        for candidate in candidates {
            guard picked.count < count else { break }
            guard var vector = try vector(of: candidate.id) else { continue }
            let crowded: Bool
            if metric == .cosine {
                // Unit vectors: their dot product is the cosine, without the lengths each time.
                let length = VectorMath.dot(vector, vector).squareRoot()
                if length > 0 { vector = vector.map { $0 / length } }
                crowded = picked.contains { Double(VectorMath.dot(vector, $0.vector)) > candidate.score }
            } else {
                crowded = picked.contains { metric.score(vector, $0.vector) > candidate.score }
            }
            if !crowded { picked.append((candidate.id, vector)) }
        }
        return picked.map(\.id)
    }

    /// Stores `ids` as node `id`'s list in `layer`.
    private func putNeighbors(_ ids: [NodeID], of id: NodeID, in layer: Int) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 16)
        for neighbor in ids { neighbor.write(to: &bytes) }
        try txn.put(bytes, forKey: Self.graphKey(id, layer: layer), in: graph)
    }
}
