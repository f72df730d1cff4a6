/// One occupied slot of an environment's reader table, shared by every process that has the
/// environment open: ``Environment/readerSlots()``.
public struct ReaderSlot: Sendable, Hashable, Codable {
    /// The process that took the slot. It may have died since; ``Environment/checkStaleReaders()``
    /// frees the slots of dead processes.
    public var processID: Int32
    /// The snapshot the slot's read transaction sees, or `nil` when the slot is kept for a later
    /// transaction and pins nothing.
    public var transactionID: Int?

    /// A slot of `processID` reading snapshot `transactionID`.
    public init(processID: Int32, transactionID: Int?) {
        self.processID = processID
        self.transactionID = transactionID
    }
}
