// libFuzzer target: one line of a dump (DumpRecord, DumpFormat, JSONParser, and the checks a
// restore runs on each node). Build and run with `make fuzz`.
//
// Invariants checked on every input:
// - parsing never traps; a bad line is MemoryGraphError.invalidDump naming the line, bad JSON
//   is MemoryGraphError.invalidArgument;
// - JSON text written back by jsonString() parses to the same value and is written the same;
// - an accepted record written back as a dump writes it parses to the same record;
// - a node line the restore accepts keeps its timestamp to the microsecond and its result and
//   metadata through the node record the store writes.

import Foundation

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDumpLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = Array(UnsafeBufferPointer(start: data, count: size))
    checkJSON(line)
    checkRecord(line)
    return 0
}

private func checkJSON(_ line: [UInt8]) {
    let value: JSONValue
    do {
        value = try JSONParser.parse(line)
    } catch {
        precondition(error.code == .invalidArgument, "bad JSON is reported as \(error.code)")
        return
    }
    let text = written(value)
    let again: JSONValue
    do {
        again = try JSONParser.parse(Array(text.utf8))
    } catch {
        preconditionFailure("written JSON \(text) does not parse: \(error)")
    }
    precondition(again == value, "JSON changes in a round trip through \(text)")
    precondition(written(again) == text, "JSON is written differently the second time: \(text)")
}

private func checkRecord(_ line: [UInt8]) {
    let number = 7
    let record: DumpRecord
    do {
        record = try DumpRecord(line[...], line: number)
    } catch let error as MemoryGraphError {
        precondition(error.code == .invalidDump, "a bad line is reported as \(error.code)")
        precondition(error.message.hasPrefix("line \(number): "), "the message does not name the line")
        return
    } catch {
        preconditionFailure("a bad line throws \(type(of: error)), not MemoryGraphError")
    }
    let text = written(record)
    let again: DumpRecord
    do {
        again = try DumpRecord(Array(text.utf8)[...], line: number)
    } catch {
        preconditionFailure("a written record \(text) does not parse: \(error)")
    }
    precondition(written(again) == text, "a record changes in a round trip through \(text)")
    if case .node(let draft) = record { checkRestoredNode(draft, line: line) }
}

/// What a restore does with a node line: check it, encode it, and later read its record.
private func checkRestoredNode(_ draft: NodeDraft, line: [UInt8]) {
    // A restore takes expiries that passed since the dump (its nodes carry revisions).
    guard let node = try? Validation.prepare(draft, maximumPayloadSize: .max, now: .distantPast) else { return }
    let written = (try? JSONParser.parse(line))?["timestamp_us"]?.intValue
    precondition(node.timestamp.value == written.map(Int64.init), "timestamp_us \(written ?? 0) is not kept exactly")
    let header = NodeHeader(
        agent: 1, context: 2, type: node.type.map { _ in 3 }, confidence: node.confidence,
        timestamp: node.timestamp, resultLength: node.result.count, version: node.version, updatedAt: node.updatedAt,
        expiresAt: node.expiresAt)
    let links = Set(node.links).sorted()
    let bytes = header.record(result: node.result, metadata: node.metadata, links: links)
    let stored: NodeRecord
    do {
        stored = try bytes.withUnsafeBytes { try NodeRecord($0) }
    } catch {
        preconditionFailure("the record of a restored node does not decode: \(error)")
    }
    precondition(stored.result == draft.result, "a restored node's result changes")
    precondition(stored.metadata == draft.metadata, "a restored node's metadata changes")
    precondition(stored.links == links, "a restored node's links change")
    precondition(stored.header.confidence == draft.result["confidence_score"]?.doubleValue, "confidence changes")
    precondition(stored.header.version == (draft.revision?.version ?? 1), "a restored node's version changes")
    precondition(stored.header.expiresAt == node.expiresAt, "a restored node's expiry changes")
}

/// The line a dump writes for `record`.
private func written(_ record: DumpRecord) -> String {
    switch record {
    case .header(let createdAt, let nodes, let bundles):
        written(DumpFormat.header(createdAt: createdAt, nodes: nodes, bundles: bundles, links: 0))
    case .node(let draft):
        written(
            DumpFormat.node(
                MemoryNode(
                    id: draft.id ?? NodeID(high: 0, low: 0), agentID: draft.agentID, taskContext: draft.taskContext,
                    result: draft.result, timestamp: draft.timestamp ?? Date(timeIntervalSince1970: 0),
                    metadata: draft.metadata, links: draft.links, version: draft.revision?.version ?? 1,
                    updatedAt: draft.revision?.updatedAt, expiresAt: draft.expiresAt), embedding: draft.embedding))
    case .bundle(let bundle):
        written(DumpFormat.bundle(bundle))
    case .trailer(let nodes, let bundles, let checksum):
        written(["kind": "trailer", "nodes": .int(nodes), "bundles": .int(bundles), "checksum": .string(checksum)])
    }
}

private func written(_ value: JSONValue) -> String {
    do {
        return try value.jsonString()
    } catch {
        preconditionFailure("parsed JSON cannot be written: \(error)")
    }
}

/// The lines a dump of the sample nodes and bundles holds, and a few JSON documents.
func seeds() -> [String: [UInt8]] {
    var seeds: [String: [UInt8]] = [:]
    func add(_ name: String, _ value: JSONValue) { seeds[name] = Array(written(value).utf8) }
    add(
        "header",
        DumpFormat.header(
            createdAt: Microseconds(1_700_000_000_000_000), nodes: Samples.drafts.count,
            bundles: Samples.bundles.count, links: 3))
    for (index, draft) in Samples.drafts.enumerated() {
        guard let id = draft.id, let timestamp = draft.timestamp else { preconditionFailure("sample \(index)") }
        let node = MemoryNode(
            id: id, agentID: draft.agentID, taskContext: draft.taskContext, result: draft.result,
            timestamp: timestamp, metadata: draft.metadata, links: draft.links)
        add("node-\(index)", DumpFormat.node(node, embedding: index % 2 == 0 ? [0.5, -1, 3e-7] : nil))
    }
    for (index, bundle) in Samples.bundles.enumerated() {
        add("bundle-\(index)", DumpFormat.bundle(bundle))
    }
    var checksum = FNV1a()
    checksum.update("{}".utf8)
    add("trailer", DumpFormat.trailer(nodes: Samples.drafts.count, bundles: Samples.bundles.count, checksum: checksum))
    for (index, value) in Samples.values.enumerated() {
        add("json-\(index)", value)
    }
    return seeds
}
