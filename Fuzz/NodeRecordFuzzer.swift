// libFuzzer target: node records as they sit in the `nodes` database (NodeRecord, NodeHeader,
// BinaryJSON). Build and run with `make fuzz`.
//
// Invariants checked on every input:
// - decoding never traps; a damaged record is a RecordCorruption that points into the record,
//   and the store reports it as MemoryGraphError.corruption;
// - an accepted record nests at most BinaryJSON.maximumDepth deep, and its re-encoding decodes
//   to a record that encodes to the same bytes (nothing is lost or changed by a round trip);
// - the same for the whole input read as one bare BinaryJSON value, which the fast scan of node
//   reads accepts exactly when the detailed walk that reports damage does.

import Foundation

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNodeRecord(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    checkRecord(input)
    checkValue(input)
    return 0
}

private func checkRecord(_ input: UnsafeRawBufferPointer) {
    let record: NodeRecord
    do {
        record = try NodeRecord(input)
    } catch {
        precondition((0...input.count).contains(error.offset), "\(error) points outside \(input.count) bytes")
        let reported = MemoryGraphError.corrupt(error, node: NodeID(high: 0, low: 0))
        precondition(reported.code == .corruption, "a damaged record is reported as \(reported.code)")
        return
    }
    precondition(BinaryJSON.validateDepth(record.result), "an accepted result nests too deep")
    precondition(BinaryJSON.validateDepth(.object(record.metadata)), "accepted metadata nests too deep")
    let encoded = encode(record)
    let again: NodeRecord
    do {
        again = try encoded.withUnsafeBytes { try NodeRecord($0) }
    } catch {
        preconditionFailure("a re-encoded record does not decode: \(error)")
    }
    precondition(encode(again) == encoded, "a record changes in a round trip")
}

private func checkValue(_ input: UnsafeRawBufferPointer) {
    var scan = WellFormedScan(input)
    let scanned = scan.value(depth: 0) && scan.offset == input.count
    precondition(scanned == (BinaryJSON.damage(in: input) == nil), "the fast scan and the detailed walk disagree")
    let value: JSONValue
    do {
        value = try BinaryJSON.decode(input)
    } catch {
        precondition((0...input.count).contains(error.offset), "\(error) points outside \(input.count) bytes")
        return
    }
    precondition(BinaryJSON.validateDepth(value), "an accepted value nests too deep")
    let encoded = encode(value)
    let again: JSONValue
    do {
        again = try encoded.withUnsafeBytes { try BinaryJSON.decode($0) }
    } catch {
        preconditionFailure("a re-encoded value does not decode: \(error)")
    }
    precondition(encode(again) == encoded, "a value changes in a round trip")
}

/// The record as the store writes it: the header, its out-links, then the encoded result and
/// metadata.
private func encode(_ record: NodeRecord) -> [UInt8] {
    record.header.record(
        result: encode(record.result), metadata: encode(.object(record.metadata)), links: record.links)
}

private func encode(_ value: JSONValue) -> [UInt8] {
    var bytes: [UInt8] = []
    BinaryJSON.encode(value, into: &bytes)
    return bytes
}

/// Records of the sample nodes, encoded as the store writes them (interned ids 1, 2 and 3), and
/// the sample JSON documents as bare values.
func seeds() -> [String: [UInt8]] {
    var seeds: [String: [UInt8]] = [:]
    for (index, draft) in Samples.drafts.enumerated() {
        guard let node = try? Validation.prepare(draft, maximumPayloadSize: .max, now: .distantPast) else {
            preconditionFailure("sample node \(index) is invalid")
        }
        let header = NodeHeader(
            agent: 1, context: 2, type: node.type.map { _ in 3 }, confidence: node.confidence,
            timestamp: node.timestamp, resultLength: node.result.count)
        let links = (0..<(index % 4)).map { NodeID(high: UInt64(index), low: UInt64($0)) }
        seeds["record-\(index)"] = header.record(result: node.result, metadata: node.metadata, links: links)
    }
    for (index, value) in Samples.values.enumerated() {
        seeds["value-\(index)"] = encode(value)
    }
    return seeds
}
