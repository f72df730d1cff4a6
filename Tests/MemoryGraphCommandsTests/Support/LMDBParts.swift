import LMDB
import MemoryGraph

@testable import MemoryGraphLMDB

extension MemoryGraph {
    /// The LMDB backend's environment and schema, for tests that look at the stored bytes.
    var environment: Environment {
        guard let store = lmdbStore else { preconditionFailure("the test opened a graph without an LMDB store") }
        return store.environment
    }
    var schema: Schema {
        guard let store = lmdbStore else { preconditionFailure("the test opened a graph without an LMDB store") }
        return store.schema
    }
}
