/// The few agents, contexts and types the contention roles use, so readers keep finding the
/// nodes writers just added.
enum ContentionVocabulary {
    static let agents = ["planner", "critic", "scout", "coder"]
    static let contexts = ["trip-1", "trip-2", "trip-3"]
    static let types = ["plan", "observation", "critique"]
}
