/// A set that also hands out a random member in constant time: an array of the members and
/// each member's position in it (removal moves the last member into the gap).
struct RandomAccessSet<Element: Hashable & Sendable>: Sendable {
    private(set) var members: [Element] = []
    private var positions: [Element: Int] = [:]

    var count: Int { members.count }
    var isEmpty: Bool { members.isEmpty }

    func contains(_ element: Element) -> Bool { positions[element] != nil }

    /// Adds `element`; `false` when it was a member already.
    @discardableResult
    mutating func insert(_ element: Element) -> Bool {
        guard positions[element] == nil else { return false }
        positions[element] = members.count
        members.append(element)
        return true
    }

    /// Removes `element`; `false` when it was not a member.
    @discardableResult
    mutating func remove(_ element: Element) -> Bool {
        guard let position = positions.removeValue(forKey: element) else { return false }
        let last = members.removeLast()
        if position < members.count {
            members[position] = last
            positions[last] = position
        }
        return true
    }

    func randomElement(using random: inout some RandomNumberGenerator) -> Element? {
        members.randomElement(using: &random)
    }
}
