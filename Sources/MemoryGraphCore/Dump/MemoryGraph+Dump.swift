extension MemoryGraph {
    /// Writes a logical dump of the store (see the README's dump format), one line at a time,
    /// from one read snapshot: writers may keep writing, the dump shows one moment. Memory use
    /// does not grow with the store.
    ///
    /// ```swift
    /// let file = FileHandle(forWritingAtPath: "backup.jsonl")!
    /// try graph.dump { line in file.write(Data(line.utf8)) }
    /// ```
    ///
    /// - Parameters:
    ///   - write: Receives each line, newline included, in order.
    ///   - progress: Called after each record.
    public func dump(
        to write: (String) throws -> Void, progress: ((DumpProgress) -> Void)? = nil
    ) throws -> DumpSummary {
        try reading { store in
            var writer = DumpWriter(progress: progress)
            try store.export { try writer.add($0, write: write) }
            return try writer.finish(write: write)
        }
    }

    /// Writes a logical dump of the store; the `async` form of ``dump(to:progress:)``, for every
    /// backend.
    public func dump(
        to write: (String) async throws -> Void, progress: ((DumpProgress) -> Void)? = nil
    ) async throws -> DumpSummary {
        try await reading { store in
            var writer = DumpWriter(progress: progress)
            var lines: [String] = []
            try await store.export { record in
                try writer.add(record) { lines.append($0) }
                for line in lines { try await write(line) }
                lines.removeAll(keepingCapacity: true)
            }
            let summary = try writer.finish { lines.append($0) }
            for line in lines { try await write(line) }
            return summary
        }
    }
}

/// Turns exported records into dump lines and keeps the checksum.
private struct DumpWriter {
    var progress: ((DumpProgress) -> Void)?
    private var checksum = FNV1a()
    private var summary: StoreSummary?
    private var done = 0

    init(progress: ((DumpProgress) -> Void)?) {
        self.progress = progress
    }

    mutating func add(_ record: ExportedRecord, write: (String) throws -> Void) throws {
        switch record {
        case .summary(let figures):
            summary = figures
            try emit(
                DumpFormat.header(
                    createdAt: Microseconds(nearest: figures.createdAt), nodes: figures.nodes,
                    bundles: figures.bundles, links: figures.links), write)
        case .node(let node, let embedding):
            try emit(DumpFormat.node(node, embedding: embedding), write)
            try advance()
        case .bundle(let bundle):
            try emit(DumpFormat.bundle(bundle), write)
            try advance()
        }
    }

    private mutating func advance() throws {
        guard let summary else {
            throw MemoryGraphError(.storage, "the backend exported records before its summary")
        }
        done += 1
        progress?(DumpProgress(recordsDone: done, recordsTotal: summary.nodes + summary.bundles))
    }

    private mutating func emit(_ value: JSONValue, _ write: (String) throws -> Void) throws {
        let line = try value.jsonString() + "\n"
        checksum.update(line.utf8)
        try write(line)
    }

    func finish(write: (String) throws -> Void) throws -> DumpSummary {
        guard let summary else { throw MemoryGraphError(.storage, "the backend exported no summary") }
        try write(
            try DumpFormat.trailer(nodes: summary.nodes, bundles: summary.bundles, checksum: checksum).jsonString()
                + "\n")
        return DumpSummary(
            nodes: summary.nodes, bundles: summary.bundles, links: summary.links,
            checksum: DumpFormat.checksumPrefix + checksum.hex)
    }
}
