import Foundation
import MemoryGraph

/// What the store must hold according to the side logs: every node with its content, every
/// link and every bundle. The crash test's oracle; the writer keeps one too, to choose its writes.
struct CrashModel: Sendable {
    /// An acknowledged write whose result contradicts what the model holds.
    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    /// A link from `source` to `target`.
    struct Link: Hashable, Sendable {
        var source: NodeID
        var target: NodeID
    }

    private(set) var nodes: [NodeID: CrashNodeSpec] = [:]
    private(set) var nodeIDs = RandomAccessSet<NodeID>()
    private(set) var links = RandomAccessSet<Link>()
    private(set) var linksOut: [NodeID: Set<NodeID>] = [:]
    private(set) var bundles: [BundleID: CrashBundleSpec] = [:]
    private(set) var bundleIDs = RandomAccessSet<BundleID>()
    /// The version of each node above version 1.
    private var versions: [NodeID: Int] = [:]
    private var linksIn: [NodeID: Set<NodeID>] = [:]
    private var bundlesOfNode: [NodeID: Set<BundleID>] = [:]

    init() {}

    /// The node `id` as the store must return it, or `nil` when it must not exist; from version
    /// 2 on, updated at `updatedAt` (the store's clock chose it).
    func expectedNode(_ id: NodeID, updatedAt: Date? = nil) -> MemoryNode? {
        nodes[id].map {
            let version = version(of: id)
            return CrashContent.node(
                id, $0, links: (linksOut[id] ?? []).sorted(), version: version, updatedAt: version > 1 ? updatedAt : nil
            )
        }
    }

    /// The version node `id` must be at.
    func version(of id: NodeID) -> Int { versions[id] ?? 1 }

    func hasLink(from source: NodeID, to target: NodeID) -> Bool {
        links.contains(Link(source: source, target: target))
    }

    /// Applies a write that returned `outcome`; throws when the outcome contradicts the model
    /// (a link reported as new that the model already holds, an id that exists already, …).
    mutating func apply(_ operation: CrashOperation, _ outcome: CrashOutcome) throws(Mismatch) {
        func mismatch(_ detail: String) -> Mismatch { Mismatch(description: "\(operation.text): \(detail)") }
        switch (operation, outcome) {
        case (.addNode(let draft), .node(let id)):
            try insert(id, draft, mismatch)
        case (.addNodes(let drafts), .nodes(let ids)):
            guard ids == drafts.compactMap(\.id), ids.count == drafts.count else {
                throw mismatch("returned the ids \(listText(ids))")
            }
            for (id, draft) in zip(ids, drafts) { try insert(id, draft, mismatch) }
        case (.removeNode(let id), .flag(let removed)):
            guard removed == (nodes[id] != nil) else { throw mismatch("returned \(removed)") }
            remove(id)
        case (.updateNode(let id, let serial, let expected), .version(let version)):
            guard nodes[id]?.serial == serial else { throw mismatch("succeeded on a missing node") }
            guard expected == self.version(of: id), version == expected + 1 else {
                throw mismatch("returned version \(version) for a node at version \(self.version(of: id))")
            }
            versions[id] = version
        case (.link(let source, let target), .flag(let added)):
            guard nodes[source] != nil, nodes[target] != nil else { throw mismatch("succeeded on a missing node") }
            guard added != hasLink(from: source, to: target) else { throw mismatch("returned \(added)") }
            addLink(Link(source: source, target: target))
        case (.unlink(let source, let target), .flag(let removed)):
            guard removed == hasLink(from: source, to: target) else { throw mismatch("returned \(removed)") }
            removeLink(Link(source: source, target: target))
        case (.createBundle(let bundle), .bundle(let id)):
            guard bundles[id] == nil else { throw mismatch("returned \(id), which exists already") }
            guard bundle.nodes.allSatisfy({ nodes[$0] != nil }) else { throw mismatch("succeeded on a missing node") }
            insert(id, bundle)
        case (.addToBundle(let id, let added), .done):
            guard var bundle = bundles[id] else { throw mismatch("succeeded on a missing bundle") }
            guard added.allSatisfy({ nodes[$0] != nil }) else { throw mismatch("succeeded on a missing node") }
            for node in added where !bundle.nodes.contains(node) {
                bundle.nodes.append(node)
                bundlesOfNode[node, default: []].insert(id)
            }
            bundles[id] = bundle
        case (.removeBundle(let id), .flag(let removed)):
            guard removed == (bundles[id] != nil) else { throw mismatch("returned \(removed)") }
            removeBundle(id)
        default:
            throw mismatch("unexpected result \(outcome.text)")
        }
    }

    private mutating func insert(_ id: NodeID, _ draft: CrashDraft, _ mismatch: (String) -> Mismatch)
        throws(Mismatch)
    {
        guard nodes[id] == nil else { throw mismatch("returned \(id), which exists already") }
        guard draft.links.allSatisfy({ nodes[$0] != nil }) else { throw mismatch("succeeded on a missing node") }
        nodes[id] = draft.spec
        nodeIDs.insert(id)
        for target in draft.links { addLink(Link(source: id, target: target)) }
    }

    private mutating func remove(_ id: NodeID) {
        guard nodes.removeValue(forKey: id) != nil else { return }
        nodeIDs.remove(id)
        versions[id] = nil
        for target in linksOut[id] ?? [] { removeLink(Link(source: id, target: target)) }
        for source in linksIn[id] ?? [] { removeLink(Link(source: source, target: id)) }
        for bundle in bundlesOfNode.removeValue(forKey: id) ?? [] {
            bundles[bundle]?.nodes.removeAll { $0 == id }
        }
    }

    private mutating func addLink(_ link: Link) {
        guard links.insert(link) else { return }
        linksOut[link.source, default: []].insert(link.target)
        linksIn[link.target, default: []].insert(link.source)
    }

    private mutating func removeLink(_ link: Link) {
        guard links.remove(link) else { return }
        linksOut[link.source]?.remove(link.target)
        if linksOut[link.source]?.isEmpty == true { linksOut[link.source] = nil }
        linksIn[link.target]?.remove(link.source)
        if linksIn[link.target]?.isEmpty == true { linksIn[link.target] = nil }
    }

    private mutating func insert(_ id: BundleID, _ bundle: CrashBundleSpec) {
        bundles[id] = bundle
        bundleIDs.insert(id)
        for node in bundle.nodes { bundlesOfNode[node, default: []].insert(id) }
    }

    private mutating func removeBundle(_ id: BundleID) {
        guard let bundle = bundles.removeValue(forKey: id) else { return }
        bundleIDs.remove(id)
        for node in bundle.nodes {
            bundlesOfNode[node]?.remove(id)
            if bundlesOfNode[node]?.isEmpty == true { bundlesOfNode[node] = nil }
        }
    }
}

// MARK: The state file, which hands the model to the next writer.

extension CrashModel {
    /// One line per node (`N id serial:agent:context`), node above version 1 (`V id version`),
    /// link (`L source target`) and bundle (`B id serial:agents:contexts:nodes`).
    var stateText: String {
        var lines: [String] = []
        lines.reserveCapacity(nodes.count + links.count + bundles.count)
        for (id, spec) in nodes { lines.append("N \(id) \(spec.text)") }
        for (id, version) in versions { lines.append("V \(id) \(version)") }
        for link in links.members { lines.append("L \(link.source) \(link.target)") }
        for (id, bundle) in bundles { lines.append("B \(id) \(bundle.text)") }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The model a state file describes.
    init(stateText: String) throws(Mismatch) {
        for line in Substring(stateText).fields("\n") {
            let tokens = line.fields(" ")
            switch (tokens.first, tokens.count) {
            case ("N", 3):
                guard let id = NodeID(String(tokens[1])),
                    let spec = CrashNodeSpec(tokens[2].fields(":", keepingEmpty: true))
                else { break }
                nodes[id] = spec
                nodeIDs.insert(id)
                continue
            case ("V", 3):
                guard let id = NodeID(String(tokens[1])), let version = Int(String(tokens[2])) else { break }
                versions[id] = version
                continue
            case ("L", 3):
                guard let source = NodeID(String(tokens[1])), let target = NodeID(String(tokens[2])) else { break }
                addLink(Link(source: source, target: target))
                continue
            case ("B", 3):
                guard let id = BundleID(String(tokens[1])), let bundle = CrashBundleSpec(tokens[2]) else { break }
                insert(id, bundle)
                continue
            default:
                break
            }
            throw Mismatch(description: "the state file has a malformed line: \(line)")
        }
    }
}
