/// Documented limits on what a store accepts.
public enum Limits {
    /// The longest agent id, task context, type, task id, in UTF-8 bytes.
    public static let maximumNameLength = 256
    /// The deepest nesting of arrays and objects in a result or in metadata.
    public static let maximumNesting = BinaryJSON.maximumDepth
}
