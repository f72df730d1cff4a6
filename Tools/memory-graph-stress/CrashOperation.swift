import MemoryGraph

/// A node the crash test adds: its serial (which fixes its content, see ``CrashContent``),
/// agent and context, as indexes into ``CrashContent``'s lists.
struct CrashNodeSpec: Hashable, Sendable {
    var serial: Int
    var agent: Int
    var context: Int
}

/// A node to add, with the id the writer chose (batched adds only) and the links it starts with.
struct CrashDraft: Hashable, Sendable {
    var id: NodeID?
    var spec: CrashNodeSpec
    var links: [NodeID]
}

/// A bundle: its serial (which fixes its task id and metadata), agents, contexts and nodes.
struct CrashBundleSpec: Hashable, Sendable {
    var serial: Int
    var agents: [Int]
    var contexts: [Int]
    var nodes: [NodeID]
}

/// One write of the crash-test writer, as its side log records it.
enum CrashOperation: Hashable, Sendable {
    case addNode(CrashDraft)
    case addNodes([CrashDraft])
    case removeNode(NodeID)
    /// A compare-and-set update of the node of `serial` at `expectedVersion` to the content of
    /// the next version (``CrashContent/result(_:version:)``).
    case updateNode(NodeID, serial: Int, expectedVersion: Int)
    case link(NodeID, NodeID)
    case unlink(NodeID, NodeID)
    case createBundle(CrashBundleSpec)
    case addToBundle(BundleID, [NodeID])
    case removeBundle(BundleID)
}

/// What an acknowledged write returned.
enum CrashOutcome: Hashable, Sendable {
    case node(NodeID)
    case nodes([NodeID])
    case bundle(BundleID)
    case flag(Bool)
    /// The version an update stored.
    case version(Int)
    case done
}

// MARK: Text form: space-separated tokens; lists are comma-separated, "-" when empty.

extension CrashOperation {
    var text: String {
        switch self {
        case .addNode(let draft): "add \(draft.text)"
        case .addNodes(let drafts): "add-many " + drafts.map(\.text).joined(separator: " ")
        case .removeNode(let id): "remove \(id)"
        case .updateNode(let id, let serial, let expected): "update \(id) \(serial) \(expected)"
        case .link(let source, let target): "link \(source) \(target)"
        case .unlink(let source, let target): "unlink \(source) \(target)"
        case .createBundle(let bundle): "bundle \(bundle.text)"
        case .addToBundle(let id, let nodes): "extend \(id) \(listText(nodes))"
        case .removeBundle(let id): "unbundle \(id)"
        }
    }

    init?(_ tokens: ArraySlice<Substring>) {
        guard let kind = tokens.first else { return nil }
        let arguments = Array(tokens.dropFirst())
        switch (kind, arguments.count) {
        case ("add", 1):
            guard let draft = CrashDraft(arguments[0]) else { return nil }
            self = .addNode(draft)
        case ("add-many", 1...):
            let drafts = arguments.compactMap(CrashDraft.init)
            guard drafts.count == arguments.count else { return nil }
            self = .addNodes(drafts)
        case ("remove", 1):
            guard let id = NodeID(String(arguments[0])) else { return nil }
            self = .removeNode(id)
        case ("update", 3):
            guard let id = NodeID(String(arguments[0])), let serial = Int(String(arguments[1])),
                let expected = Int(String(arguments[2]))
            else { return nil }
            self = .updateNode(id, serial: serial, expectedVersion: expected)
        case ("link", 2), ("unlink", 2):
            guard let source = NodeID(String(arguments[0])), let target = NodeID(String(arguments[1])) else {
                return nil
            }
            self = kind == "link" ? .link(source, target) : .unlink(source, target)
        case ("bundle", 1):
            guard let bundle = CrashBundleSpec(arguments[0]) else { return nil }
            self = .createBundle(bundle)
        case ("extend", 2):
            guard let id = BundleID(String(arguments[0])), let nodes: [NodeID] = parseList(arguments[1]) else {
                return nil
            }
            self = .addToBundle(id, nodes)
        case ("unbundle", 1):
            guard let id = BundleID(String(arguments[0])) else { return nil }
            self = .removeBundle(id)
        default:
            return nil
        }
    }
}

extension CrashOutcome {
    var text: String {
        switch self {
        case .node(let id): "node \(id)"
        case .nodes(let ids): "nodes \(listText(ids))"
        case .bundle(let id): "bundle \(id)"
        case .flag(let flag): "flag \(flag)"
        case .version(let version): "version \(version)"
        case .done: "done"
        }
    }

    init?(_ tokens: ArraySlice<Substring>) {
        let arguments = Array(tokens.dropFirst())
        switch (tokens.first, arguments.count) {
        case ("node", 1):
            guard let id = NodeID(String(arguments[0])) else { return nil }
            self = .node(id)
        case ("nodes", 1):
            guard let ids: [NodeID] = parseList(arguments[0]) else { return nil }
            self = .nodes(ids)
        case ("bundle", 1):
            guard let id = BundleID(String(arguments[0])) else { return nil }
            self = .bundle(id)
        case ("flag", 1):
            guard let flag = Bool(String(arguments[0])) else { return nil }
            self = .flag(flag)
        case ("version", 1):
            guard let version = Int(String(arguments[0])) else { return nil }
            self = .version(version)
        case ("done", 0):
            self = .done
        default:
            return nil
        }
    }
}

extension CrashNodeSpec {
    /// `serial:agent:context`.
    var text: String { "\(serial):\(agent):\(context)" }

    init?(_ fields: some Collection<Substring>) {
        guard fields.count == 3 else { return nil }
        let numbers = fields.compactMap { Int($0) }
        guard numbers.count == 3, CrashContent.agents.indices.contains(numbers[1]),
            CrashContent.contexts.indices.contains(numbers[2])
        else { return nil }
        self.init(serial: numbers[0], agent: numbers[1], context: numbers[2])
    }
}

extension CrashDraft {
    /// `id:serial:agent:context:links`, the id `-` when the store assigns it.
    var text: String { "\(id.map(\.description) ?? "-"):\(spec.text):\(listText(links))" }

    init?(_ token: Substring) {
        let fields = token.fields(":", keepingEmpty: true)
        guard fields.count == 5, let spec = CrashNodeSpec(fields[1...3]), let links: [NodeID] = parseList(fields[4])
        else { return nil }
        if fields[0] == "-" {
            id = nil
        } else {
            guard let id = NodeID(String(fields[0])) else { return nil }
            self.id = id
        }
        self.spec = spec
        self.links = links
    }
}

extension CrashBundleSpec {
    /// `serial:agents:contexts:nodes`.
    var text: String {
        "\(serial):\(listText(agents)):\(listText(contexts)):\(listText(nodes))"
    }

    init?(_ token: Substring) {
        let fields = token.fields(":", keepingEmpty: true)
        guard fields.count == 4, let serial = Int(fields[0]), let agents: [Int] = parseList(fields[1]),
            let contexts: [Int] = parseList(fields[2]), let nodes: [NodeID] = parseList(fields[3]),
            agents.allSatisfy(CrashContent.agents.indices.contains),
            contexts.allSatisfy(CrashContent.contexts.indices.contains)
        else { return nil }
        self.init(serial: serial, agents: agents, contexts: contexts, nodes: nodes)
    }
}

func listText(_ items: [some CustomStringConvertible]) -> String {
    items.isEmpty ? "-" : items.map(\.description).joined(separator: ",")
}

func parseList<Item: LosslessStringConvertible>(_ token: Substring) -> [Item]? {
    if token == "-" { return [] }
    let parts = token.fields(",", keepingEmpty: true)
    let items = parts.compactMap { Item(String($0)) }
    return items.count == parts.count ? items : nil
}

extension Substring {
    /// The parts between the ASCII `separator`s, found on the UTF-8 bytes (a split by `Character`
    /// is ten times slower on the state files and logs of a large store).
    func fields(_ separator: Unicode.Scalar, keepingEmpty: Bool = false) -> [Substring] {
        utf8.split(separator: UInt8(ascii: separator), omittingEmptySubsequences: !keepingEmpty).map { Substring($0) }
    }
}
