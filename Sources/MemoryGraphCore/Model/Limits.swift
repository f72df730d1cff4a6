/// Documented limits on what a store accepts.
public enum Limits {
    /// The longest agent id, task context, type, task id, in UTF-8 bytes.
    public static let maximumNameLength = 256
    /// The deepest nesting of arrays and objects in a result or in metadata.
    public static let maximumNesting = BinaryJSON.maximumDepth
    /// The highest version a node may reach (2^53, the largest integer every JSON reader keeps
    /// exactly): an import may not give more, and an update of a node at it fails.
    public static let maximumVersion = 1 << 53
}
