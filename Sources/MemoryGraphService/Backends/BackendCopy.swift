public import Foundation
public import MemoryGraph

/// A logical copy between any two backends, through the dump format: the source's dump (one
/// consistent snapshot, taken while writers go on) is written to a temporary file, checked and
/// restored into the empty target, and the target is dumped again and compared with it line
/// for line. Memory use does not grow with the store; ids, versions, timestamps, expiries,
/// links, bundles and the creation time are kept.
public enum BackendCopy {
    /// What a copy did.
    public struct Summary: Sendable {
        /// The dump's counts and checksum (the same for source and target).
        public var dump: DumpSummary
    }

    /// Copies `source` into the empty `target`, then checks that the target dumps to the same
    /// lines.
    ///
    /// - Throws: ``MemoryGraphError/Code/invalidArgument`` when the target is not empty;
    ///   ``MemoryGraphError/Code/corruption`` when the target's dump differs from the source's;
    ///   what reading, writing or the backends throw.
    public static func copy(
        from source: MemoryGraph, to target: MemoryGraph, temporaryDirectory: String = NSTemporaryDirectory(),
        progress: ((DumpProgress) -> Void)? = nil
    ) async throws -> Summary {
        let directory = (temporaryDirectory as NSString).appendingPathComponent(
            "memory-graph-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let original = (directory as NSString).appendingPathComponent("source.jsonl")
        let copied = (directory as NSString).appendingPathComponent("target.jsonl")
        let summary = try await dump(source, to: original)
        try await target.restore(dumpAt: original, progress: progress)
        _ = try await dump(target, to: copied)
        guard FileManager.default.contentsEqual(atPath: original, andPath: copied) else {
            throw MemoryGraphError(
                .corruption, "the target's dump differs from the source's: the copy is not faithful; discard the target"
            )
        }
        return Summary(dump: summary)
    }

    /// Writes `graph`'s dump to a new file at `path`, readable by its owner only.
    private static func dump(_ graph: MemoryGraph, to path: String) async throws -> DumpSummary {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw MemoryGraphError(.storage, "cannot create the temporary dump \(path)")
        }
        defer { try? handle.close() }
        var buffer = Data()
        let summary = try await graph.dump(to: { (line: String) async throws in
            buffer.append(contentsOf: line.utf8)
            if buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        })
        try handle.write(contentsOf: buffer)
        return summary
    }
}
