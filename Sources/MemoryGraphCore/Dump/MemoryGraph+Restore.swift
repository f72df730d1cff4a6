import Foundation

extension MemoryGraph {
    /// Fills this graph's empty store with the dump in `file`, keeping ids, timestamps, links,
    /// bundles and the store's creation time: the backend-neutral half of a restore, which
    /// `MemoryGraph.restore(dumpAt:into:replacing:configuration:lmdb:progress:)` runs on a new
    /// LMDB store, and which works the same on any backend.
    ///
    /// The whole dump is read and checked first (JSON, fields, versions, counts, checksum, link
    /// and bundle targets, this graph's limits); nothing is written when it fails. The records
    /// are then written in chunks, each one mutation batch: nodes first, then links and bundles.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidDump`` naming the line and what is wrong with it;
    ///   ``MemoryGraphError/Code/invalidArgument`` when the store is not empty.
    @discardableResult
    public func restore(dumpAt file: String, progress: ((DumpProgress) -> Void)? = nil) throws -> DumpSummary {
        var batches = try restoreBatches(file, progress: progress)
        let store = try synchronous()
        while let mutations = try batches.next() {
            for outcome in store.applySynchronously(mutations) { _ = try outcome.get() }
        }
        return batches.checked.summary
    }

    /// Fills this graph's empty store with the dump in `file`: the `async` form of
    /// ``restore(dumpAt:progress:)``, for every backend.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidDump`` naming the line and what is wrong with it;
    ///   ``MemoryGraphError/Code/invalidArgument`` when the store is not empty.
    @discardableResult
    public func restore(dumpAt file: String, progress: ((DumpProgress) -> Void)? = nil) async throws -> DumpSummary {
        let checked = try Self.checkDump(file, configuration: configuration)
        let present = try await statistics()
        var batches = try RestoreBatches(
            file: file, checked: checked, present: present, graph: self, progress: progress)
        while let mutations = try batches.next() {
            for outcome in await store.apply(mutations) { _ = try outcome.get() }
        }
        return checked.summary
    }

    /// The checked dump in `file` as batches of mutations for this graph's empty store.
    private func restoreBatches(_ file: String, progress: ((DumpProgress) -> Void)?) throws -> RestoreBatches {
        let checked = try Self.checkDump(file, configuration: configuration)
        return try RestoreBatches(
            file: file, checked: checked, present: try statistics(), graph: self, progress: progress)
    }

    /// What the first reading of a dump learned.
    package struct CheckedDump {
        package var summary: DumpSummary
        package var createdAt: Microseconds
        package var total: Int
    }

    /// Reads the whole dump once and checks everything that does not need the new store.
    package static func checkDump(_ file: String, configuration: Configuration) throws -> CheckedDump {
        var reader = try LineReader(path: file)
        defer { reader.close() }
        var checksum = FNV1a()
        var header: (createdAt: Microseconds, nodes: Int, bundles: Int)?
        var trailer: (nodes: Int, bundles: Int, checksum: String)?
        var ids = Set<NodeID>()
        var bundleIDs = Set<BundleID>()
        var links = 0
        var dimension = configuration.embeddingDimension
        var pendingTargets: [(line: Int, source: NodeID, target: NodeID)] = []
        var members: [(line: Int, bundle: BundleID, node: NodeID)] = []
        func invalid(_ line: Int, _ message: String) -> MemoryGraphError {
            MemoryGraphError(.invalidDump, "line \(line): \(message)")
        }
        while let (bytes, terminated) = try reader.next() {
            let line = reader.lineNumber
            guard terminated else { throw invalid(line, "the dump is truncated (the last line has no newline)") }
            if trailer != nil { throw invalid(line, "nothing may follow the trailer") }
            let record = try DumpRecord(bytes, line: line)
            if case .trailer = record {
            } else {
                checksum.update(bytes)
                checksum.update(CollectionOfOne(UInt8(ascii: "\n")))
            }
            switch record {
            case .header(let createdAt, let nodes, let bundles):
                guard line == 1 else { throw invalid(line, "a second header") }
                header = (createdAt, nodes, bundles)
            case .node(let draft):
                guard header != nil else { throw invalid(line, "the dump must start with a header") }
                guard bundleIDs.isEmpty else { throw invalid(line, "nodes must come before bundles") }
                guard let id = draft.id, ids.insert(id).inserted else {
                    throw invalid(line, "node \(draft.id?.description ?? "?") appears twice")
                }
                do {
                    _ = try Validation.check(
                        draft, maximumPayloadSize: configuration.maximumPayloadSize, now: configuration.currentTime())
                    if let embedding = draft.embedding {
                        try Embedding.dimension(of: embedding, matches: dimension ?? embedding.count, "embedding")
                        dimension = embedding.count
                    }
                } catch let error as MemoryGraphError {
                    throw invalid(line, error.message)
                }
                links += Set(draft.links).count
                pendingTargets += draft.links.map { (line, id, $0) }
            case .bundle(let bundle):
                guard header != nil else { throw invalid(line, "the dump must start with a header") }
                guard bundleIDs.insert(bundle.id).inserted else {
                    throw invalid(line, "bundle \(bundle.id) appears twice")
                }
                guard bundle.nodeIDs.count <= configuration.maxNodesPerBundle else {
                    throw invalid(
                        line,
                        "bundle \(bundle.id) holds \(bundle.nodeIDs.count) nodes, more than maxNodesPerBundle "
                            + "(\(configuration.maxNodesPerBundle)); restore with a larger limit")
                }
                members += bundle.nodeIDs.map { (line, bundle.id, $0) }
            case .trailer(let nodes, let bundles, let sum):
                trailer = (nodes, bundles, sum)
                guard nodes == ids.count, bundles == bundleIDs.count else {
                    throw invalid(
                        line,
                        "the trailer counts \(nodes) nodes and \(bundles) bundles, the dump holds \(ids.count) and "
                            + "\(bundleIDs.count)")
                }
                guard sum == DumpFormat.checksumPrefix + checksum.hex else {
                    throw invalid(
                        line,
                        "checksum mismatch: the trailer says \(sum), the content gives "
                            + DumpFormat.checksumPrefix + checksum.hex + "; the dump was altered or damaged")
                }
            }
        }
        guard let header else { throw MemoryGraphError(.invalidDump, "line 1: the dump is empty") }
        guard let trailer else {
            throw MemoryGraphError(
                .invalidDump, "line \(reader.lineNumber): the dump is truncated (no trailer after this line)")
        }
        guard header.nodes == trailer.nodes, header.bundles == trailer.bundles else {
            throw invalid(reader.lineNumber, "the header and the trailer disagree on the counts")
        }
        for link in pendingTargets where !ids.contains(link.target) {
            throw invalid(link.line, "node \(link.source) links to \(link.target), which is not in the dump")
        }
        for member in members where !ids.contains(member.node) {
            throw invalid(member.line, "bundle \(member.bundle) names node \(member.node), which is not in the dump")
        }
        return CheckedDump(
            summary: DumpSummary(
                nodes: ids.count, bundles: bundleIDs.count, links: links, checksum: trailer.checksum),
            createdAt: header.createdAt, total: ids.count + bundleIDs.count)
    }
}

/// A checked dump read again as the mutation batches that restore it: nodes first (without
/// links), in chunks, then their links and the bundles, then the store's creation time. The
/// synchronous and the `async` restore both apply what ``next()`` gives.
private struct RestoreBatches {
    let checked: MemoryGraph.CheckedDump
    private let file: String
    private let graph: MemoryGraph
    private let progress: ((DumpProgress) -> Void)?
    /// The pass being read: `false` the nodes, `true` the links and bundles; `nil` once both are.
    private var linking: Bool? = false
    private var reader: LineReader?
    private var pending: [[GraphMutation]] = []
    private var done = 0
    private var finished = false
    private static let chunkSize = 2_000

    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` when the store is not empty.
    init(
        file: String, checked: MemoryGraph.CheckedDump, present: GraphStatistics, graph: MemoryGraph,
        progress: ((DumpProgress) -> Void)?
    ) throws {
        guard present.nodes == 0, present.bundles == 0 else {
            throw MemoryGraphError(
                .invalidArgument,
                "the store already holds \(present.nodes) nodes and \(present.bundles) bundles; restore into an empty one"
            )
        }
        self.file = file
        self.checked = checked
        self.graph = graph
        self.progress = progress
    }

    /// The next batch to apply, or `nil` when the dump is restored.
    mutating func next() throws -> [GraphMutation]? {
        while pending.isEmpty {
            guard let pass = linking else {
                guard !finished else { return nil }
                finished = true
                reader?.close()
                reader = nil
                return [.setCreationTime(checked.createdAt.date)]
            }
            try readChunk(pass)
        }
        return pending.removeFirst()
    }

    /// Reads up to one chunk of the current pass into ``pending``; moves to the next pass at the
    /// end of the file.
    private mutating func readChunk(_ pass: Bool) throws {
        if reader == nil { reader = try LineReader(path: file) }
        var drafts: [NodeDraft] = []
        var mutations: [GraphMutation] = []
        var records = 0
        var ended = true
        while let (bytes, _) = try reader?.next() {
            switch try DumpRecord(bytes, line: reader?.lineNumber ?? 0) {
            case .node(var draft):
                if pass {
                    if let id = draft.id { mutations += draft.links.map { .link(from: id, to: $0) } }
                } else {
                    draft.links = []
                    drafts.append(draft)
                }
            case .bundle(let bundle) where pass:
                mutations.append(.createBundle(bundle))
                records += 1
            default:
                break
            }
            if drafts.count + records >= Self.chunkSize || mutations.count >= 20 * Self.chunkSize {
                ended = false
                break
            }
        }
        if !drafts.isEmpty { pending.append([try graph.insertion(drafts)]) }
        if !mutations.isEmpty { pending.append(mutations) }
        done += drafts.count + records
        progress?(DumpProgress(recordsDone: done, recordsTotal: checked.total))
        if ended {
            reader?.close()
            reader = nil
            linking = pass ? nil : true
        }
    }
}
