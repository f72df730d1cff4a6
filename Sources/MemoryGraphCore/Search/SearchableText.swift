/// What search reads of a node: every string of its result, then the strings of the metadata
/// fields ``MemoryGraph/Configuration/searchableMetadataPaths`` names, in that order.
extension MemoryNode {
    /// The node's search terms (see ``TextAnalyzer``).
    public func searchTerms(metadataPaths: [String]) -> [String] {
        var terms = TextAnalyzer.terms(in: result)
        for path in metadataPaths {
            let fields = path.split(separator: ".").map(String.init)
            guard let first = fields.first, var value = metadata[first] else { continue }
            var found = true
            for field in fields.dropFirst() {
                guard let next = value[field] else {
                    found = false
                    break
                }
                value = next
            }
            if found { terms += TextAnalyzer.terms(in: value) }
        }
        return terms
    }
}
