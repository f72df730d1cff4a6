import MemoryGraphCore

/// The interned strings known by id, for turning a record's ids back into names.
///
/// Ids are handed out densely from 1, so the names of each kind sit in an array indexed by id;
/// ids from ``denseLimit`` on (a store with more than 65 535 strings of one kind, or a damaged
/// one) go to a dictionary, so that the arrays stay under 1 MiB per kind.
struct InternedNames: Sendable {
    /// The first id kept in the dictionary rather than the arrays.
    static let denseLimit = 1 << 16

    /// The names of each kind, indexed by `kind.rawValue` (from 1), then by id.
    private var dense: [[String?]] = Array(repeating: [], count: InternKind.allCases.count + 1)
    /// The names of ids from ``denseLimit`` on, keyed by kind and id.
    private var sparse: [UInt64: String] = [:]

    /// The name remembered for `id`, or `nil`.
    func name(of id: UInt32, kind: InternKind) -> String? {
        let kindIndex = Int(kind.rawValue)
        if Int(id) < dense[kindIndex].count { return dense[kindIndex][Int(id)] }
        return Int(id) < Self.denseLimit ? nil : sparse[Self.sparseKey(id, kind)]
    }

    /// Remembers that `id` names `name`.
    mutating func remember(_ name: String, as id: UInt32, kind: InternKind) {
        let index = Int(id)
        guard index < Self.denseLimit else {
            sparse[Self.sparseKey(id, kind)] = name
            return
        }
        let kindIndex = Int(kind.rawValue)
        if index >= dense[kindIndex].count {
            dense[kindIndex].append(contentsOf: repeatElement(nil, count: index + 1 - dense[kindIndex].count))
        }
        dense[kindIndex][index] = name
    }

    private static func sparseKey(_ id: UInt32, _ kind: InternKind) -> UInt64 {
        UInt64(kind.rawValue) << 32 | UInt64(id)
    }
}
