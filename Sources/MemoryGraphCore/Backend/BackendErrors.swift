package import Foundation

/// The errors every backend gives in the same words, so that the conformance suite and callers
/// see one message whatever the backend.
extension MemoryGraphError {
    /// The ``Code/nodeNotFound`` of an operation on node `id`.
    package static func missingNode(_ id: NodeID) -> MemoryGraphError {
        MemoryGraphError(.nodeNotFound, "node \(id) does not exist")
    }

    /// The ``Code/duplicateID`` of an add of node `id`, which exists with other content.
    package static func duplicateNode(_ id: NodeID) -> MemoryGraphError {
        MemoryGraphError(
            .duplicateID,
            "a node with id \(id) already exists with other content; an add with an existing id succeeds only "
                + "when it repeats the stored agent, context, result, metadata, links and embedding")
    }

    /// The ``Code/invalidArgument`` of an update time outside the stored range.
    package static func updateTimeOutOfRange(_ date: Date) -> MemoryGraphError {
        MemoryGraphError(
            .invalidArgument, "update time \(date) is outside the stored range, 1900-01-01 up to 2100-01-01 UTC")
    }

    /// `error` as a ``MemoryGraphError``: itself, or a ``Code/storage`` error that wraps it.
    package static func from(_ error: any Error) -> MemoryGraphError {
        if let error = error as? MemoryGraphError { return error }
        return MemoryGraphError(.storage, "an operation failed: \(error)", underlyingError: error)
    }
}
