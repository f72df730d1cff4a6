import Foundation

/// Reads a file line by line in fixed-size chunks, so memory does not grow with the file.
package struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The number of the line last returned, from 1.
    private(set) var lineNumber = 0

    package init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MemoryGraphError(.invalidArgument, "cannot open \(path) for reading; check the path and permissions")
        }
        self.handle = handle
    }

    /// The next line without its newline, and whether it ended with one; `nil` at the end.
    package mutating func next() throws -> (bytes: ArraySlice<UInt8>, terminated: Bool)? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return (line, true)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return (line, false)
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    package func close() {
        try? handle.close()
    }
}
