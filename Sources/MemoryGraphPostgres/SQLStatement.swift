import PostgresNIO

/// SQL text put together from fixed pieces, with every value bound as a parameter (`$1`, `$2`,
/// …): the structure of a statement may depend on which criteria a query has, its values never
/// enter the text.
struct SQLStatement {
    private(set) var text = ""
    /// The values bound, in placeholder order.
    private(set) var bindings = PostgresBindings()

    init(_ text: String = "") { self.text = text }

    /// Puts fixed SQL in front.
    mutating func prepend(_ sql: String) { text = sql + text }

    /// Appends fixed SQL.
    mutating func append(_ sql: String) { text += sql }

    /// Binds `value` and returns its placeholder.
    mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// Binds `value`, or `NULL`, and returns its placeholder.
    mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value?) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// The statement to run.
    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: bindings) }
}
