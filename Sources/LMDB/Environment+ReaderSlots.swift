internal import CLMDB

extension Environment {
    /// The occupied slots of the reader table, of every process, in table order (wraps
    /// `mdb_reader_list`, as `mdb_stat -r` prints it).
    ///
    /// A process that dies inside a read transaction keeps its slot until
    /// ``checkStaleReaders()`` runs in some process; until then the slot is listed here.
    ///
    /// ```swift
    /// let mine = try environment.readerSlots().filter { $0.processID == getpid() }
    /// ```
    ///
    /// - Throws: ``LMDBError/Code/closed`` after ``close()``.
    public func readerSlots() throws(LMDBError) -> [ReaderSlot] {
        try gate.enter()
        defer { gate.leave() }
        var lines: [String] = []
        let rc = withUnsafeMutablePointer(to: &lines) { collected in
            mdb_reader_list(
                handle.pointer,
                { message, context in
                    guard let message, let context else { return -1 }
                    context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: message))
                    return 0
                }, collected)
        }
        guard rc >= 0 else {
            throw LMDBError(
                code: .invalidArgument, message: "the reader table could not be listed", operation: "mdb_reader_list")
        }
        return lines.compactMap(Self.readerSlot(listedAs:))
    }

    /// Parses one line of `mdb_reader_list` (`pid thread txnid`, the transaction id `-` for an
    /// idle slot); `nil` for the heading and for "(no active readers)".
    private static func readerSlot(listedAs line: String) -> ReaderSlot? {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 3, let processID = Int32(fields[0]) else { return nil }
        return ReaderSlot(processID: processID, transactionID: Int(fields[2]))
    }
}
