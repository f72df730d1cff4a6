import Foundation

/// A query's time range travels as the first whole microsecond at or after each bound: stored
/// times are whole microseconds, so a bound means exactly that microsecond to every store.
extension MemoryQuery: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "query",
            allowed: [
                "agent_ids", "contexts", "types", "from_us", "until_us", "min_confidence", "max_confidence",
                "linked_from", "linked_to", "order", "limit",
            ])
        self.init()
        agentIDs = try fields.names("agent_ids")
        contexts = try fields.names("contexts")
        types = try fields.names("types")
        switch (try fields.optionalInt("from_us"), try fields.optionalInt("until_us")) {
        case (nil, nil): timeRange = nil
        case (.some(let from), .some(let until)) where from <= until:
            timeRange = WireFormat.date(microseconds: from)..<WireFormat.date(microseconds: until)
        default:
            throw MemoryGraphError(.invalidArgument, "query.from_us and until_us come together, from_us ≤ until_us")
        }
        minConfidence = try fields.optionalDouble("min_confidence")
        maxConfidence = try fields.optionalDouble("max_confidence")
        linkedFrom = try fields.optionalID("linked_from")
        linkedTo = try fields.optionalID("linked_to")
        if let text = try fields.optionalString("order") {
            guard let order = Order(rawValue: text) else {
                throw MemoryGraphError(.invalidArgument, "query.order must be newestFirst or oldestFirst, not \(text)")
            }
            self.order = order
        }
        limit = try fields.int("limit")
    }

    package var wire: JSONValue {
        WireFormat.object([
            "agent_ids": WireFormat.names(agentIDs), "contexts": WireFormat.names(contexts),
            "types": WireFormat.names(types),
            "from_us": timeRange.map { .int(Int(Microseconds(queryBound: $0.lowerBound).value)) } ?? .null,
            "until_us": timeRange.map { .int(Int(Microseconds(queryBound: $0.upperBound).value)) } ?? .null,
            "min_confidence": minConfidence.map(JSONValue.double) ?? .null,
            "max_confidence": maxConfidence.map(JSONValue.double) ?? .null,
            "linked_from": linkedFrom.map { .string($0.description) } ?? .null,
            "linked_to": linkedTo.map { .string($0.description) } ?? .null,
            "order": .string(order.rawValue), "limit": .int(limit),
        ])
    }
}

extension Microseconds {
    /// The first whole microsecond at or after `date`, where a query bound starts (a date within
    /// a thousandth of a microsecond of a whole one, floating-point error, counts as that one),
    /// clamped to the representable range.
    init(queryBound date: Date) {
        let micros = date.timeIntervalSince1970 * 1_000_000
        let nearest = micros.rounded()
        let value = abs(micros - nearest) < 0.001 ? nearest : micros.rounded(.up)
        self.init(Int64(max(-9.2e18, min(9.2e18, value.isNaN ? 0 : value))))
    }
}

extension QueryPlan: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(
            wire, "plan",
            allowed: [
                "access_path", "estimates", "steps", "candidates_examined", "records_checked", "matched", "returned",
            ])
        var estimates: [Estimate] = []
        for item in try fields.array("estimates") {
            let estimate = try WireFields(item, "estimate", allowed: ["access_path", "estimated_candidates"])
            estimates.append(
                Estimate(
                    accessPath: try estimate.string("access_path"),
                    estimatedCandidates: try estimate.int("estimated_candidates")))
        }
        self.init(
            accessPath: try fields.string("access_path"), estimates: estimates, steps: try fields.strings("steps"),
            candidatesExamined: try fields.int("candidates_examined"),
            recordsChecked: try fields.int("records_checked"),
            matched: try fields.int("matched"), returned: try fields.int("returned"))
    }

    package var wire: JSONValue {
        [
            "access_path": .string(accessPath),
            "estimates": .array(
                estimates.map {
                    ["access_path": .string($0.accessPath), "estimated_candidates": .int($0.estimatedCandidates)]
                }),
            "steps": .array(steps.map(JSONValue.string)), "candidates_examined": .int(candidatesExamined),
            "records_checked": .int(recordsChecked), "matched": .int(matched), "returned": .int(returned),
        ]
    }
}

extension Neighbor: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "neighbor", allowed: ["id", "depth"])
        self.init(id: try fields.id("id"), depth: try fields.int("depth"))
    }

    package var wire: JSONValue { ["id": .string(id.description), "depth": .int(depth)] }
}

/// A vector search's hit: `{"id": …, "score": …}`.
extension ScoredNodeID: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "hit", allowed: ["id", "score"])
        guard let score = try fields.optionalDouble("score") else {
            throw MemoryGraphError(.invalidArgument, "a hit's score must be a number")
        }
        self.init(id: try fields.id("id"), score: score)
    }

    package var wire: JSONValue { ["id": .string(id.description), "score": .double(score)] }
}

extension SearchPlan.Ranking: WireCodable {
    package init(wire: JSONValue) throws(MemoryGraphError) {
        let fields = try WireFields(wire, "ranking", allowed: ["method", "scored", "found", "reason"])
        let name = try fields.string("method")
        guard let method = SearchPlan.Method(rawValue: name) else {
            throw MemoryGraphError(.invalidArgument, "a ranking's method \"\(name)\" is not one this library knows")
        }
        self.init(
            method: method, scored: try fields.optionalInt("scored"), found: try fields.int("found"),
            reason: try fields.string("reason"))
    }

    package var wire: JSONValue {
        [
            "method": .string(method.rawValue), "scored": scored.map { .int($0) } ?? .null, "found": .int(found),
            "reason": .string(reason),
        ]
    }
}
