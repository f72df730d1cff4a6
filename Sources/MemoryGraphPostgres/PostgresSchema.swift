import Logging
import MemoryGraphCore
import PostgresNIO

/// The tables of a graph in one PostgreSQL schema, their names, and how they are created and
/// upgraded.
///
/// Version 1:
/// - `meta (key, value)`: `schema_version` and `created_at` (microseconds since 1970).
/// - `head`: one row: the newest change's sequence number and the write and commit counts.
///   Every write transaction updates it last, just before it commits, so the row lock orders
///   the commits that append to the change log: sequence order is commit order.
/// - `nodes`: one row a node, with real columns for what queries filter on (agent, context,
///   type, confidence, timestamp, version, update time, expiry) and `jsonb` result and metadata;
///   B-tree indexes in the orders of the LMDB store's lists: `(agent_id, task_context,
///   timestamp, id)`, `(task_context, timestamp, id)`, `(type, timestamp, id)`, `(timestamp,
///   id)`, `(confidence, timestamp, id)`, and `(expires_at, id)` for the sweep.
/// - `links (source, target)` with the reverse index `(target, source)`; removed with their nodes.
/// - `bundles` with `bundle_members (bundle_id, position, node_id)`.
/// - `changes`: the change log by sequence number, with each change's earlier version of the
///   node for ``MemoryGraph/history(of:)``.
///
/// Version 2 adds `nodes.embedding` (`bytea`, see ``PostgresEmbeddings``) and
/// `embedding_dimension` in `meta`, written with the first embedding; and the full-text index
/// (see ``PostgresTextIndex``): `text_terms (term, node_id, occurrences)` in byte order of the
/// terms, `text_documents (node_id, length)`, both removed with their nodes, and `text_paths` in
/// `meta`.
struct PostgresSchema: Sendable {
    /// The version this library writes and reads.
    static let currentVersion = 2

    /// The schema's quoted name.
    let schema: String
    let meta: String
    let head: String
    let nodes: String
    let links: String
    let bundles: String
    let members: String
    let changes: String
    let textTerms: String
    let textDocuments: String
    /// The channel commits notify on (`LISTEN`/`NOTIFY`): a wake-up for followers of the log.
    let channel: String

    /// The names in schema `name` (a checked identifier).
    init(_ name: String) {
        schema = "\"\(name)\""
        meta = "\(schema).meta"
        head = "\(schema).head"
        nodes = "\(schema).nodes"
        links = "\(schema).links"
        bundles = "\(schema).bundles"
        members = "\(schema).bundle_members"
        changes = "\(schema).changes"
        textTerms = "\(schema).text_terms"
        textDocuments = "\(schema).text_documents"
        channel = "memory_graph_\(name)"
    }

    /// Creates the schema when it is missing and upgrades an older one, under an advisory lock
    /// so that instances starting at once do it once; returns the version found before.
    ///
    /// - Throws: ``MemoryGraphError/Code/incompatibleSchema`` when the schema is newer than
    ///   this library.
    func prepare(on connection: PostgresConnection, createdAt: Microseconds, logger: Logger) async throws -> Int {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(channel)))", logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "CREATE TABLE IF NOT EXISTS \(meta) (key text PRIMARY KEY, value text NOT NULL)"),
                logger: logger)
            var found = 0
            for try await value in try await connection.query(
                "SELECT value FROM \(unescaped: meta) WHERE key = 'schema_version'", logger: logger
            ).decode(String.self) {
                guard let version = Int(value) else {
                    throw MemoryGraphError(.corruption, "\(meta) holds schema_version \"\(value)\", not a number")
                }
                found = version
            }
            guard found <= Self.currentVersion else {
                throw MemoryGraphError(
                    .incompatibleSchema,
                    "schema \(schema) is at version \(found); this library knows up to \(Self.currentVersion): "
                        + "upgrade the library")
            }
            for version in found..<Self.currentVersion {
                for statement in upgrade(from: version) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
            }
            if found == 0 {
                try await connection.query(
                    "INSERT INTO \(unescaped: meta) VALUES ('created_at', \(String(createdAt.value)))", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
            return found
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The statements that take the schema from `version` to the next one (0: nothing yet).
    private func upgrade(from version: Int) -> [String] {
        switch version {
        case 0:
            [
                """
                CREATE TABLE \(head) (
                    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                    last_sequence bigint NOT NULL DEFAULT 0,
                    writes bigint NOT NULL DEFAULT 0,
                    commits bigint NOT NULL DEFAULT 0)
                """,
                "INSERT INTO \(head) DEFAULT VALUES",
                """
                CREATE TABLE \(nodes) (
                    id uuid PRIMARY KEY,
                    agent_id text NOT NULL,
                    task_context text NOT NULL,
                    type text,
                    confidence double precision,
                    "timestamp" timestamptz NOT NULL,
                    version bigint NOT NULL,
                    updated_at timestamptz NOT NULL,
                    expires_at timestamptz,
                    result jsonb NOT NULL,
                    metadata jsonb NOT NULL)
                """,
                "CREATE INDEX nodes_agent_context ON \(nodes) (agent_id, task_context, \"timestamp\", id)",
                "CREATE INDEX nodes_context ON \(nodes) (task_context, \"timestamp\", id)",
                "CREATE INDEX nodes_type ON \(nodes) (type, \"timestamp\", id) WHERE type IS NOT NULL",
                "CREATE INDEX nodes_time ON \(nodes) (\"timestamp\", id)",
                "CREATE INDEX nodes_confidence ON \(nodes) (confidence, \"timestamp\", id) WHERE confidence IS NOT NULL",
                "CREATE INDEX nodes_expiry ON \(nodes) (expires_at, id) WHERE expires_at IS NOT NULL",
                """
                CREATE TABLE \(links) (
                    source uuid NOT NULL REFERENCES \(nodes) ON DELETE CASCADE,
                    target uuid NOT NULL REFERENCES \(nodes) ON DELETE CASCADE,
                    PRIMARY KEY (source, target))
                """,
                "CREATE INDEX links_reverse ON \(links) (target, source)",
                """
                CREATE TABLE \(bundles) (
                    id uuid PRIMARY KEY,
                    task_id text NOT NULL,
                    agent_ids text[] NOT NULL,
                    contexts text[] NOT NULL,
                    created_at timestamptz NOT NULL,
                    metadata jsonb NOT NULL)
                """,
                "CREATE INDEX bundles_task ON \(bundles) (task_id, created_at, id)",
                "CREATE INDEX bundles_contexts ON \(bundles) USING gin (contexts)",
                """
                CREATE TABLE \(members) (
                    bundle_id uuid NOT NULL REFERENCES \(bundles) ON DELETE CASCADE,
                    position integer NOT NULL,
                    node_id uuid NOT NULL REFERENCES \(nodes) ON DELETE CASCADE,
                    PRIMARY KEY (bundle_id, position),
                    UNIQUE (bundle_id, node_id))
                """,
                "CREATE INDEX bundle_members_node ON \(members) (node_id)",
                """
                CREATE TABLE \(changes) (
                    sequence bigint PRIMARY KEY,
                    committed_at timestamptz NOT NULL,
                    kind text NOT NULL,
                    node_id uuid,
                    target_id uuid,
                    bundle_id uuid,
                    agent_id text,
                    task_context text,
                    version bigint,
                    previous_timestamp timestamptz,
                    previous_version bigint,
                    previous_updated_at timestamptz,
                    previous_expires_at timestamptz,
                    previous_result jsonb,
                    previous_metadata jsonb)
                """,
                "CREATE INDEX changes_history ON \(changes) (node_id, sequence) WHERE previous_version IS NOT NULL",
                "INSERT INTO \(meta) VALUES ('schema_version', '1')",
            ]
        case 1:
            [
                "ALTER TABLE \(nodes) ADD COLUMN embedding bytea",
                """
                CREATE TABLE \(textTerms) (
                    term text COLLATE "C" NOT NULL,
                    node_id uuid NOT NULL REFERENCES \(nodes) ON DELETE CASCADE,
                    occurrences integer NOT NULL,
                    PRIMARY KEY (term, node_id))
                """,
                "CREATE INDEX text_terms_node ON \(textTerms) (node_id)",
                """
                CREATE TABLE \(textDocuments) (
                    node_id uuid PRIMARY KEY REFERENCES \(nodes) ON DELETE CASCADE,
                    length integer NOT NULL)
                """,
                "UPDATE \(meta) SET value = '2' WHERE key = 'schema_version'",
            ]
        default:
            []
        }
    }
}
