/// What search reads of a node: every string of its result, then the strings of the metadata
/// fields ``MemoryGraph/Configuration/searchableMetadataPaths`` names, in that order.
extension MemoryNode {
    /// The node's search terms (see ``TextAnalyzer``).
    public func searchTerms(metadataPaths: [String]) -> [String] {
        SearchableText.terms(result: result, metadata: metadata, metadataPaths: metadataPaths)
    }
}

extension NodeDraft {
    /// The search terms of the node this draft adds.
    package func searchTerms(metadataPaths: [String]) -> [String] {
        SearchableText.terms(result: result, metadata: metadata, metadataPaths: metadataPaths)
    }
}

/// The words search finds in a node's content.
package enum SearchableText {
    /// The terms of every string of `result`, then of the metadata fields `metadataPaths` name.
    package static func terms(result: JSONValue, metadata: [String: JSONValue], metadataPaths: [String]) -> [String] {
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
