/// What one checking reader did and found.
struct ContentionReadReport: Codable {
    /// Nodes checked (a node read twice counts twice).
    var checks = 0
    /// Different nodes checked.
    var distinctNodes = 0
    /// Problems seen.
    var problems = 0
    /// The first few problems, described.
    var examples: [String] = []

    mutating func record(_ problem: String) {
        problems += 1
        if examples.count < 10 { examples.append(problem) }
    }
}
