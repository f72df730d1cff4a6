import Foundation

/// A fresh directory for one test, removed when the value is released.
final class ScratchDirectory {
    let path = NSTemporaryDirectory() + "memory-graph-commands-tests-" + UUID().uuidString

    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory (not created).
    func child(_ name: String) -> String { path + "/" + name }
}
