import LMDB
import MemoryGraphCore

/// Checking and rebuilding `idx.expiry`.
extension StoreTransaction {
    /// Checks that `idx.expiry` lists exactly the nodes whose records carry an expiry, at that
    /// time.
    func verifyExpiries(_ problem: (VerificationProblem.Kind, Database, String) -> Void) throws {
        guard let byExpiry = schema.byExpiry else { return }
        var expected = Set<[UInt8]>()
        try txn.scan(schema.nodes) { key, value in
            if key.count == 16, let header = try? NodeHeader(value), let time = header.expiresAt {
                expected.insert(Self.expiryKey(NodeID(key, at: 0), at: time))
            }
            return true
        }
        var listed = Set<[UInt8]>()
        try txn.scan(byExpiry) { key, _ in
            let entry = Array(key)
            if expected.contains(entry) {
                listed.insert(entry)
            } else {
                let node = key.count == 24 ? "node \(NodeID(key, at: 8))" : "a key of \(key.count) bytes"
                problem(.orphanIndexEntry, byExpiry, "\(node) is listed at a time its record does not give")
            }
            return true
        }
        for key in expected.subtracting(listed) {
            let id = key.withUnsafeBytes { NodeID($0, at: 8) }
            problem(.missingIndexEntry, byExpiry, "node \(id) expires but is not listed")
        }
    }

    /// Lists every node whose record carries an expiry in `idx.expiry`, and nothing else.
    func repairExpiries() throws {
        guard let byExpiry = schema.byExpiry else { return }
        var listings: [[UInt8]] = []
        try txn.scan(schema.nodes) { key, value in
            if key.count == 16, let header = try? NodeHeader(value), let time = header.expiresAt {
                listings.append(Self.expiryKey(NodeID(key, at: 0), at: time))
            }
            return true
        }
        try txn.removeAll(in: byExpiry)
        for key in listings { try txn.put([UInt8](), forKey: key, in: byExpiry) }
    }
}
