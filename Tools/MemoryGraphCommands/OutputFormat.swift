import Foundation
import MemoryGraph

/// How nodes are printed: one JSON object per line (JSON Lines), keys sorted, in the shapes of
/// ``MemoryJSON``.
enum OutputFormat {
    /// Writes `text` and a newline to standard output.
    static func printLine(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
