import LMDB
import MemoryGraphCore

/// The approximate vector index's parameters and upkeep: built, dropped or kept by an open,
/// changed with every embedding, checked by verify and rebuilt by repair.
extension StoreTransaction {
    /// The parameters of the store's vector index, `nil` when it has none.
    func vectorIndexParameters() throws -> VectorIndexParameters? {
        guard schema.vectorGraph != nil else { return nil }
        return try txn.withValue(forKey: MetaKey.vectorIndex, in: schema.meta) { bytes in
            guard let bytes else { return nil }
            guard let parameters = VectorIndexParameters(bytes: bytes) else {
                throw MemoryGraphError(.corruption, "the stored vector index parameters are damaged; run verify")
            }
            return parameters
        }
    }

    /// The store's vector index, `nil` when it has none.
    func vectorGraph() throws -> VectorGraph? {
        guard let graph = schema.vectorGraph, let levels = schema.vectorLevels, let vectors = schema.vectors,
            let parameters = try vectorIndexParameters()
        else { return nil }
        return VectorGraph(txn: txn, graph: graph, levels: levels, vectors: vectors, parameters: parameters)
    }

    /// Does what `setting` asks of the index: builds it from every stored embedding when the
    /// store has none or one built otherwise, drops it, or leaves it. Returns whether it built
    /// one.
    func apply(_ setting: VectorIndexSetting) throws -> Bool {
        guard let graph = schema.vectorGraph, let levels = schema.vectorLevels else { return false }
        switch setting {
        case .keep:
            return false
        case .drop:
            // Whatever the parameters hold, even damaged ones: dropping needs none of them.
            guard try txn.contains(MetaKey.vectorIndex, in: schema.meta) else { return false }
            try txn.removeAll(in: graph)
            try txn.removeAll(in: levels)
            _ = try txn.delete(MetaKey.vectorIndex, in: schema.meta)
            return false
        case .hnsw(let parameters):
            let stored = try? vectorIndexParameters()
            try txn.put(parameters.bytes, forKey: MetaKey.vectorIndex, in: schema.meta)
            if let stored, stored.buildsSameGraph(as: parameters) { return false }
            try vectorGraph()?.rebuild()
            return true
        }
    }

    /// Checks the index against `vectors`: every embedding's node is listed at its top layer
    /// with a list in each layer up to it, every listed node has an embedding, and no list is
    /// longer than its layer allows or names an unknown layer.
    func verifyVectorIndex(_ problem: (VerificationProblem.Kind, Database, String) -> Void) throws {
        let index: VectorGraph?
        do {
            index = try vectorGraph()
        } catch {
            problem(.wrongCounter, schema.meta, "vectors.index is damaged")
            return
        }
        guard let index else {
            if let graph = schema.vectorGraph, try txn.statistics(of: graph).entries > 0 {
                problem(.orphanIndexEntry, graph, "the store has no vector index, yet vectors.graph has entries")
            }
            return
        }
        try txn.scan(index.vectors) { key, _ in
            guard key.count == 16 else { return true }
            let id = NodeID(key, at: 0)
            let top = index.topLayer(of: id)
            if try !txn.contains(VectorGraph.levelKey(id, layer: top), in: index.levels) {
                problem(.missingIndexEntry, index.levels, "node \(id) has an embedding but is not in the vector index")
            }
            for layer in 0...top where try !txn.contains(VectorGraph.graphKey(id, layer: layer), in: index.graph) {
                problem(.missingIndexEntry, index.graph, "node \(id) has no neighbour list in layer \(layer)")
            }
            return true
        }
        try txn.scan(index.levels) { key, _ in
            let id = key.count == 17 ? NodeID(key, at: 1) : nil
            guard let id, 255 - Int(key[0]) == index.topLayer(of: id) else {
                problem(
                    .orphanIndexEntry, index.levels, "an entry of \(key.count) bytes is not a node at its top layer")
                return true
            }
            if try !id.withUnsafeBytes({ try txn.contains($0, in: index.vectors) }) {
                problem(.orphanIndexEntry, index.levels, "node \(id) is in the vector index but has no embedding")
            }
            return true
        }
        try txn.scan(index.graph) { key, value in
            let id = key.count == 17 ? NodeID(key, at: 0) : nil
            guard let id, Int(key[16]) <= index.topLayer(of: id) else {
                problem(
                    .orphanIndexEntry, index.graph,
                    "an entry of \(key.count) bytes is not a node's list in a layer it reaches")
                return true
            }
            if try !txn.contains(VectorGraph.levelKey(id, layer: index.topLayer(of: id)), in: index.levels) {
                problem(
                    .orphanIndexEntry, index.graph, "node \(id) has a neighbour list but is not in the vector index")
            }
            if value.count % 16 != 0 || value.count / 16 > index.parameters.maximumNeighbors(in: Int(key[16])) {
                problem(
                    .undecodableRecord, index.graph, "node \(id)'s list in layer \(key[16]) takes \(value.count) bytes")
            }
            return true
        }
    }

    /// Rebuilds the index, if the store has one, from the embeddings (after those were
    /// repaired); drops it when its parameters are damaged, since nothing says how to rebuild it.
    func repairVectorIndex() throws {
        guard (try? vectorIndexParameters()) != nil else {
            if let graph = schema.vectorGraph, let levels = schema.vectorLevels {
                try txn.removeAll(in: graph)
                try txn.removeAll(in: levels)
            }
            _ = try txn.delete(MetaKey.vectorIndex, in: schema.meta)
            return
        }
        try vectorGraph()?.rebuild()
    }
}
