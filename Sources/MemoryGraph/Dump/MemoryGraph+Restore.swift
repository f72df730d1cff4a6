import Foundation

extension MemoryGraph {
    /// Builds a new store at `path` from the dump in `file`, keeping ids, timestamps, links,
    /// bundles and the store's creation time.
    ///
    /// The whole dump is read and checked first (JSON, fields, versions, counts, checksum, link
    /// and bundle targets); the store is then built in a directory beside `path` in chunked
    /// transactions and moved into place only when complete. On any error nothing is left
    /// behind and an existing store at `path` is untouched. A symbolic link at `path` is
    /// treated as an existing entry and, when replacing, replaced itself: nothing is written
    /// where it points.
    ///
    /// - Parameters:
    ///   - replacing: Replace an existing store at `path`; without it an existing `path` is refused.
    ///   - configuration: Limits the restored store is checked against (payload size, bundle size).
    ///   - progress: Called while records are written.
    /// - Throws: ``MemoryGraphError/Code/invalidDump`` naming the line and what is wrong with it;
    ///   ``MemoryGraphError/Code/invalidArgument`` when `path` exists and `replacing` is `false`.
    @discardableResult
    public static func restore(
        dumpAt file: String, into path: String, replacing: Bool = false,
        configuration: Configuration = Configuration(), progress: ((DumpProgress) -> Void)? = nil
    ) throws -> DumpSummary {
        if entryExists(path), !replacing {
            throw MemoryGraphError(
                .invalidArgument, "\(path) already exists; replace it explicitly (--force) or choose another path")
        }
        let checked = try checkDump(file, configuration: configuration)
        let building = path + ".restoring-" + UUID().uuidString
        do {
            try build(building, from: file, checked: checked, configuration: configuration, progress: progress)
            try moveIntoPlace(building, path)
        } catch {
            try? FileManager.default.removeItem(atPath: building)
            throw error
        }
        return checked.summary
    }

    /// What the first reading of a dump learned.
    private struct CheckedDump {
        var summary: DumpSummary
        var createdAt: Microseconds
        var total: Int
    }

    /// Reads the whole dump once and checks everything that does not need the new store.
    private static func checkDump(_ file: String, configuration: Configuration) throws -> CheckedDump {
        var reader = try LineReader(path: file)
        defer { reader.close() }
        var checksum = FNV1a()
        var header: (createdAt: Microseconds, nodes: Int, bundles: Int)?
        var trailer: (nodes: Int, bundles: Int, checksum: String)?
        var ids = Set<NodeID>()
        var bundleIDs = Set<BundleID>()
        var links = 0
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
                    _ = try Validation.prepare(draft, maximumPayloadSize: configuration.maximumPayloadSize)
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

    /// Writes the checked dump into a new store at `path`: nodes, then links and bundles.
    private static func build(
        _ path: String, from file: String, checked: CheckedDump, configuration: Configuration,
        progress: ((DumpProgress) -> Void)?
    ) throws {
        var settings = configuration
        settings.enablePersistentStorage = true
        settings.readOnly = false
        settings.durability = .noSync
        settings.enableCaching = false
        settings.enableMetrics = false
        settings.indexUpdateStrategy = .immediate
        let graph = try MemoryGraph(path: path, configuration: settings)
        defer { graph.close() }
        let chunkSize = 2_000
        var done = 0
        for pass in [false, true] {  // nodes first, then links and bundles
            var reader = try LineReader(path: file)
            defer { reader.close() }
            var drafts: [NodeDraft] = []
            var links: [(NodeID, NodeID)] = []
            var bundles: [MemoryBundle] = []
            func flush() throws {
                if !drafts.isEmpty { _ = try graph.perform(graph.insertion(drafts, operation: "restore")) }
                if !links.isEmpty || !bundles.isEmpty {
                    let (pending, chunk) = (links, bundles)
                    try graph.perform(
                        WriteRequest("restore", describe: { _ in [] }) { store in
                            for (source, target) in pending {
                                _ = try store.putLink(from: source, to: target, refreshingRecord: false)
                            }
                            // Each source's record is rewritten once, with all its links.
                            for source in Set(pending.map(\.0)) { try store.refreshRecordLinks(of: source) }
                            for bundle in chunk { try store.insert(bundle) }
                        })
                }
                done += drafts.count + bundles.count
                progress?(DumpProgress(recordsDone: done, recordsTotal: checked.total))
                drafts.removeAll(keepingCapacity: true)
                links.removeAll(keepingCapacity: true)
                bundles.removeAll(keepingCapacity: true)
            }
            while let (bytes, _) = try reader.next() {
                switch try DumpRecord(bytes, line: reader.lineNumber) {
                case .node(var draft):
                    if pass {
                        if let id = draft.id { links += draft.links.map { (id, $0) } }
                    } else {
                        draft.links = []
                        drafts.append(draft)
                    }
                case .bundle(let bundle) where pass:
                    bundles.append(bundle)
                default:
                    break
                }
                if drafts.count + bundles.count >= chunkSize || links.count >= 20 * chunkSize { try flush() }
            }
            try flush()
        }
        let createdAt = checked.createdAt
        try graph.perform(
            WriteRequest("restore", describe: { _ in [] }) { store in
                var bytes: [UInt8] = []
                bytes.appendBigEndian(createdAt.sortable)
                _ = try store.txn.put(bytes, forKey: MetaKey.createdAt, in: store.schema.meta)
            })
        try graph.translatingErrors { try graph.environment.sync(force: true) }
    }

    /// Whether anything — a directory, a file, or a symbolic link, even a dangling one — is at
    /// `path`. Links are never followed: restoring onto a link replaces the link itself.
    private static func entryExists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    /// Moves the finished store into place; an existing one is replaced only after the new one is there.
    private static func moveIntoPlace(_ building: String, _ path: String) throws {
        let files = FileManager.default
        do {
            if entryExists(path) {
                let replaced = path + ".replaced-" + UUID().uuidString
                try files.moveItem(atPath: path, toPath: replaced)
                try files.moveItem(atPath: building, toPath: path)
                try? files.removeItem(atPath: replaced)
            } else {
                try files.moveItem(atPath: building, toPath: path)
            }
        } catch {
            throw MemoryGraphError(.storage, "cannot move the restored store to \(path)", underlyingError: error)
        }
    }
}
