import Foundation
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Bad options when opening an LMDB store; bad input to an open graph is the conformance
/// suite's (`InputConformance`), which also checks that no database of an LMDB store changes.
@Suite("Bad input")
struct InputValidationTests {
    @Test("invalid configuration values are refused at open, core and LMDB ones alike")
    func invalidConfiguration() throws {
        let store = TemporaryStore()
        defer { store.remove() }
        var options = GraphOptions.testing
        options.maxNodesPerBundle = 0
        let error = expectError(.invalidConfiguration) { try store.open(options) }
        #expect(error?.message.contains("maxNodesPerBundle") == true)
        options = .testing
        options.maximumMapSize = options.mapSize - 1
        expectError(.invalidConfiguration) { try store.open(options) }
        for window in [-0.001, 0.011, .infinity, .nan] {
            options = .testing
            options.groupCommitWindow = window
            let error = expectError(.invalidConfiguration) { try store.open(options) }
            #expect(error?.message.contains("groupCommitWindow") == true, "window \(window)")
        }
        for interval in [0, -1, 86_401, 1e300, .infinity, .nan] {
            options = .testing
            options.core.expirySweepInterval = interval
            let error = expectError(.invalidConfiguration) { try store.open(options) }
            #expect(error?.message.contains("expirySweepInterval") == true, "interval \(interval)")
        }
        #expect(!FileManager.default.fileExists(atPath: store.path + "/data.mdb"), "a refused open creates no store")
    }
}
