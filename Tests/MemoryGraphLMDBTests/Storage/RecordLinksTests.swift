import Foundation
import LMDB
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Node records carry their out-links (schema version 2 on), stay equal to `links.out` through
/// every change, and stores of schema version 1, whose records do not carry them, still read.
@Suite("Out-links in node records")
struct RecordLinksTests {
    /// A small graph: a chain with a fan-out, so nodes have 0 to 3 out-links.
    private static func populate(_ graph: MemoryGraph) throws -> [NodeID] {
        var ids: [NodeID] = []
        for index in 0..<12 {
            let links = ids.suffix(index % 4)
            ids.append(
                try graph.addNode(
                    agentID: "agent-\(index % 3)", taskContext: "task", result: ["n": .int(index)], links: Array(links))
            )
        }
        return ids
    }

    private static func carriedLinks(_ graph: MemoryGraph, _ id: NodeID) throws -> [NodeID]? {
        try graph.environment.read { txn in
            try txn.withValue(forKey: Array(id.bytes), in: graph.schema.nodes) { try $0.map(NodeRecord.init)?.links }
        }
    }

    @Test("records carry exactly the links of links.out after links, unlinks and removals")
    func carriedLinksFollowChanges() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        let ids = try Self.populate(graph)
        try graph.link(from: ids[0], to: ids[11])
        try graph.unlink(from: ids[5], to: ids[4])
        try graph.removeNode(ids[9])
        for id in ids where id != ids[9] {
            let links = try graph.links(from: id)
            #expect(try Self.carriedLinks(graph, id) == links)
            #expect(try graph.node(id)?.links == links)
            #expect(!links.contains(ids[9]))
        }
        #expect(try graph.links(from: ids[0]) == [ids[11]])
        #expect(try graph.verify().isClean)
    }

    @Test("a node with more links than a record carries keeps them in links.out only, and reads the same")
    func hubNodes() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        let limit = NodeHeader.maximumCarriedLinks
        let targets = try graph.addNodes(
            (0...limit + 1).map { NodeDraft(agentID: "a", taskContext: "t", result: ["n": .int($0)]) })
        let born = try graph.addNode(agentID: "a", taskContext: "t", result: [:], links: targets)
        #expect(try Self.carriedLinks(graph, born) == nil)
        #expect(try graph.node(born)?.links == targets.sorted())

        let grown = try graph.addNode(agentID: "a", taskContext: "t", result: [:], links: Array(targets.prefix(limit)))
        #expect(try Self.carriedLinks(graph, grown) == targets.prefix(limit).sorted())
        try graph.link(from: grown, to: targets[limit])
        #expect(try Self.carriedLinks(graph, grown) == nil)
        #expect(try graph.node(grown)?.links == Array(targets.prefix(limit + 1)).sorted())
        try graph.unlink(from: grown, to: targets[0])
        #expect(try Self.carriedLinks(graph, grown) == Array(targets[1...limit]).sorted())
        #expect(try graph.node(grown)?.links == Array(targets[1...limit]).sorted())
        #expect(try graph.verify().isClean)
    }

    @Test("a version 1 store reads as it is; opened writable it is upgraded, and records gain their links")
    func versionOneStore() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var graph = try store.open()
        let ids = try Self.populate(graph)
        let before = try graph.nodes(ids)
        try OlderSchema.downgrade(graph, to: 1)
        graph.close()

        var readOnly = GraphOptions.testing
        readOnly.readOnly = true
        graph = try store.open(readOnly)
        #expect(try graph.nodes(ids) == before)
        #expect(try Self.carriedLinks(graph, ids[3]) == nil)
        #expect(try graph.verify().isClean)
        #expect(try OlderSchema.storedVersion(graph) == [0, 0, 0, 1])
        #expect(try graph.status().schemaVersion == 1)
        graph.close()

        graph = try store.open()
        defer { graph.close() }
        #expect(try OlderSchema.storedVersion(graph) == [0, 0, 0, 8])
        #expect(try graph.status().schemaVersion == 8)
        #expect(try OlderSchema.entrySizes(graph) == [IndexEntry.size])
        #expect(try graph.nodes(ids) == before)
        try graph.link(from: ids[3], to: ids[10])
        #expect(try Self.carriedLinks(graph, ids[3]) == graph.links(from: ids[3]))
        #expect(try graph.node(ids[3])?.links.contains(ids[10]) == true)
        #expect(try Self.carriedLinks(graph, ids[4]) == nil)
        #expect(try graph.verify().isClean)
        _ = try graph.repair()
        for id in ids { #expect(try Self.carriedLinks(graph, id) == graph.links(from: id)) }
        #expect(try graph.verify().isClean)
    }

    @Test("a node whose record is damaged does not block removing or unlinking the nodes it links to")
    func damagedSource() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        let ids = try Self.populate(graph)
        let (source, target) = (ids[7], ids[6])
        try graph.environment.write { txn in
            var record = try #require(try txn.get(Array(source.bytes), in: graph.schema.nodes))
            record[1] |= 0x80
            try txn.put(record, forKey: Array(source.bytes), in: graph.schema.nodes)
        }
        #expect(try graph.unlink(from: source, to: ids[5]))
        #expect(try graph.removeNode(target))
        #expect(try graph.links(from: source) == [ids[4]])
        let problems = try graph.verify().problems
        #expect(problems.map(\.kind) == [.undecodableRecord], "\(problems)")
    }

    @Test("verify reports a record whose carried links differ from links.out, and repair fixes it")
    func mismatchIsReported() throws {
        let graph = try MemoryGraph.ephemeral(configuration: .testing)
        defer { graph.close() }
        let ids = try Self.populate(graph)
        let (source, target) = (ids[7], ids[6])
        try graph.environment.write { txn in
            _ = try txn.delete(Array(source.bytes), value: Array(target.bytes), in: graph.schema.linksOut)
            _ = try txn.delete(Array(target.bytes), value: Array(source.bytes), in: graph.schema.linksIn)
        }
        let report = try graph.verify()
        #expect(
            report.problems.contains {
                $0.kind == .oneSidedLink && $0.database == "nodes" && $0.detail.contains(source.description)
            }, "\(report)")
        _ = try graph.repair()
        #expect(try graph.verify().isClean)
        #expect(try graph.node(source)?.links == graph.links(from: source))
    }
}
