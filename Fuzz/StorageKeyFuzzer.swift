// libFuzzer target: the fixed-width keys and values of the index databases and the bundle
// records (Posting, TimeOrderedID, Microseconds, IndexKey, bundle index entries, BundleRecord).
// The first input byte picks the subject, the rest is its bytes. Build and run with `make fuzz`.
//
// Invariants checked on every input:
// - a decoder accepts exactly the sizes it documents and never traps;
// - decoding then encoding gives back the input bytes, and key byte order is value order;
// - a timestamp in the stored range survives its trip through `Date` to the microsecond, as keys
//   and records need (an index entry is deleted by recomputing it from the decoded record), and
//   a date outside the range is refused;
// - a damaged bundle record is MemoryGraphError.corruption; an accepted one re-encodes, as the
//   store writes it, to a record that decodes to the same bundle.

import Foundation

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// What the rest of an input is decoded as.
private enum Subject: UInt8, CaseIterable {
    case posting, identifier, identifierText, timestamp, confidenceKey, bundleIndexEntry, bundleRecord
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStorageKey(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0, let subject = Subject(rawValue: data[0] % UInt8(Subject.allCases.count)) else { return 0 }
    let input = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch subject {
    case .posting: checkPostings(input)
    case .identifier: checkIdentifiers(input)
    case .identifierText: checkIdentifierText(input)
    case .timestamp: checkTimestamps(input)
    case .confidenceKey: checkConfidenceKeys(input)
    case .bundleIndexEntry: checkBundleIndexEntry(input)
    case .bundleRecord: checkBundleRecord(input)
    }
    return 0
}

/// One posting, and one index entry, round-trip; two postings compare as their bytes do.
private func checkPostings(_ input: UnsafeRawBufferPointer) {
    let posting = Posting(exactly: input)
    precondition((posting != nil) == (input.count == Posting.size), "Posting(exactly:) accepts \(input.count) bytes")
    if let posting {
        precondition(posting.bytes.elementsEqual(input), "a posting changes in a round trip")
        precondition(Microseconds(sortable: posting.timestamp.sortable) == posting.timestamp, "sortable form is lossy")
    }
    let entry = IndexEntry(exactly: input)
    precondition(
        (entry != nil) == (input.count == Posting.size || input.count == IndexEntry.size),
        "IndexEntry(exactly:) accepts \(input.count) bytes")
    if let entry {
        precondition(entry.bytes.elementsEqual(input), "an index entry changes in a round trip")
        precondition(
            entry.posting.bytes.elementsEqual(input.prefix(Posting.size)), "an entry's posting is not its prefix")
    }
    guard input.count == 2 * Posting.size else { return }
    let (first, second) = (Posting(input, at: 0), Posting(input, at: Posting.size))
    let (firstBytes, secondBytes) = (first.bytes, second.bytes)
    precondition(
        (first < second) == firstBytes.lexicographicallyPrecedes(secondBytes), "posting order is not byte order")
    precondition((first == second) == (firstBytes == secondBytes), "posting equality is not byte equality")
}

/// Ids from 16 bytes round-trip through bytes and text; two compare as their bytes do.
private func checkIdentifiers(_ input: UnsafeRawBufferPointer) {
    let id = NodeID(bytes: input)
    precondition((id != nil) == (input.count == 16), "NodeID(bytes:) accepts \(input.count) bytes")
    if let id {
        precondition(id.bytes.elementsEqual(input), "an id changes in a round trip through bytes")
        precondition(NodeID(input, at: 0) == id, "the two byte decoders disagree")
        precondition(NodeID(id.description) == id, "an id changes in a round trip through text")
        id.withUnsafeBytes { precondition($0.elementsEqual(input), "withUnsafeBytes shows other bytes") }
    }
    guard input.count == 32 else { return }
    let (first, second) = (NodeID(input, at: 0), NodeID(input, at: 16))
    precondition(
        (first < second) == first.bytes.lexicographicallyPrecedes(second.bytes), "id order is not byte order")
    precondition(
        (first.timestamp < second.timestamp) ? first < second : true, "id order disagrees with creation time")
}

/// The text parser accepts exactly the 8-4-4-4-12 hexadecimal form, in either case.
private func checkIdentifierText(_ input: UnsafeRawBufferPointer) {
    let text = String(decoding: input, as: UTF8.self)
    let utf8 = Array(text.utf8)
    let wellFormed =
        utf8.count == 36
        && utf8.enumerated().allSatisfy { index, byte in
            [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-") : isHexDigit(byte)
        }
    let id = NodeID(text)
    precondition((id != nil) == wellFormed, "NodeID(\"\(text)\") disagrees with the 8-4-4-4-12 form")
    if let id {
        precondition(id.description == text.lowercased(), "an id's text changes in a round trip")
        precondition(NodeID(bytes: id.bytes) == id, "an id changes in a round trip through bytes")
    }
}

private func isHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
}

/// Timestamps keep their order in keys and survive a trip through `Date` to the microsecond.
private func checkTimestamps(_ input: UnsafeRawBufferPointer) {
    guard input.count == 16 else { return }
    let first = Microseconds(Int64(bitPattern: input.bigEndianUInt64(at: 0)))
    let second = Microseconds(Int64(bitPattern: input.bigEndianUInt64(at: 8)))
    precondition((first < second) == (first.sortable < second.sortable), "sortable order is not time order")
    for time in [first, second] {
        precondition(Microseconds(sortable: time.sortable) == time, "the sortable form of \(time.value) is lossy")
        checkDateRoundTrip(time)
    }
}

/// A time the store can hold comes back from its `Date` unchanged; any other is refused.
private func checkDateRoundTrip(_ time: Microseconds) {
    let back = Microseconds(time.date)
    if Microseconds.storable.contains(time) {
        precondition(back == time, "\(time.value) µs comes back from Date as \(back?.value ?? 0) µs")
    } else {
        precondition(back == nil, "\(time.value) µs is outside the stored range, yet its Date is accepted")
    }
}

/// Confidence keys of numbers in [0, 1] sort as the numbers do.
private func checkConfidenceKeys(_ input: UnsafeRawBufferPointer) {
    guard input.count == 16 else { return }
    let first = Double(bitPattern: input.bigEndianUInt64(at: 0))
    let second = Double(bitPattern: input.bigEndianUInt64(at: 8))
    guard (0...1).contains(first), (0...1).contains(second) else { return }
    let (firstKey, secondKey) = (IndexKey.confidence(first), IndexKey.confidence(second))
    precondition((first < second) == firstKey.lexicographicallyPrecedes(secondKey), "confidence key order")
    precondition((first == second) == (firstKey == secondKey), "confidence key equality")
}

/// An entry of `idx.bundle_task` / `idx.bundle_context` is recomputed exactly from the bundle it
/// names, as `removeBundle` needs to delete it.
private func checkBundleIndexEntry(_ input: UnsafeRawBufferPointer) {
    guard input.count == 24 else { return }
    let createdAt = Microseconds(sortable: input.bigEndianUInt64(at: 0))
    guard Microseconds.storable.contains(createdAt) else { return }
    let bundle = MemoryBundle(
        id: BundleID(input, at: 8), taskID: "t", agentIDs: [], contexts: [], nodeIDs: [], createdAt: createdAt.date)
    precondition(
        StoreTransaction.bundlePosting(bundle).elementsEqual(input), "a bundle index entry is not recomputed exactly")
}

/// A bundle record decodes to a bundle or to MemoryGraphError.corruption; written back as the
/// store writes it, an accepted bundle reads back unchanged.
private func checkBundleRecord(_ input: UnsafeRawBufferPointer) {
    let id = Samples.bundleID(9)
    let bundle: MemoryBundle
    do {
        bundle = try BundleRecord.decode(input, id: id)
    } catch let error as MemoryGraphError {
        precondition(error.code == .corruption, "a damaged bundle record is reported as \(error.code)")
        return
    } catch {
        preconditionFailure("a damaged bundle record throws \(type(of: error)), not MemoryGraphError")
    }
    precondition(bundle.id == id, "the decoded bundle has another id")
    let record = BundleRecord.encode(bundle, createdAt: Microseconds(bundle.createdAt) ?? Microseconds(0))
    let again: MemoryBundle
    do {
        again = try record.withUnsafeBytes { try BundleRecord.decode($0, id: id) }
    } catch {
        preconditionFailure("a re-encoded bundle record does not decode: \(error)")
    }
    precondition(again.createdAt == bundle.createdAt, "a bundle's creation time changes in a round trip")
    precondition(
        BundleRecord.encode(again, createdAt: Microseconds(again.createdAt) ?? Microseconds(0)) == record,
        "a bundle record changes in a round trip")
}

/// Each subject's input from real keys and records: postings and ids of the sample nodes, their
/// timestamps, confidence keys, bundle index entries and the sample bundles' records.
func seeds() -> [String: [UInt8]] {
    func seed(_ subject: Subject, _ bytes: [UInt8]) -> [UInt8] { [subject.rawValue] + bytes }
    var seeds: [String: [UInt8]] = [:]
    let postings = Samples.drafts.map { draft in
        Posting(timestamp: Microseconds(draft.timestamp ?? Date()) ?? Microseconds(0), id: draft.id ?? NodeID())
    }
    for (index, posting) in postings.enumerated() {
        seeds["posting-\(index)"] = seed(.posting, posting.bytes)
        seeds["identifier-\(index)"] = seed(.identifier, posting.id.bytes)
        seeds["identifier-text-\(index)"] = seed(.identifierText, Array(posting.id.description.utf8))
        seeds["bundle-index-entry-\(index)"] = seed(.bundleIndexEntry, posting.bytes)
    }
    for (index, pair) in zip(postings, postings.dropFirst()).enumerated() {
        seeds["posting-pair-\(index)"] = seed(.posting, pair.0.bytes + pair.1.bytes)
        seeds["identifier-pair-\(index)"] = seed(.identifier, pair.0.id.bytes + pair.1.id.bytes)
        var times: [UInt8] = []
        times.appendBigEndian(UInt64(bitPattern: pair.0.timestamp.value))
        times.appendBigEndian(UInt64(bitPattern: pair.1.timestamp.value))
        seeds["timestamp-pair-\(index)"] = seed(.timestamp, times)
    }
    seeds["confidence-pair"] = seed(.confidenceKey, IndexKey.confidence(0.25) + IndexKey.confidence(0.9))
    for (index, bundle) in Samples.bundles.enumerated() {
        let record = BundleRecord.encode(bundle, createdAt: Microseconds(bundle.createdAt) ?? Microseconds(0))
        seeds["bundle-record-\(index)"] = seed(.bundleRecord, record)
    }
    return seeds
}
