import Foundation
import MemoryGraph
import Testing

@testable import MemoryGraphCore
@testable import MemoryGraphLMDB

/// Times are kept to the microsecond, from 1900 up to 2100; the fuzz targets found times outside
/// that range coming back from `Date` a microsecond off (and bundles' silently as 1970).
@Suite("Stored times")
struct StoredTimeTests {
    /// Found by StorageKeyFuzzer: 2256-04-… comes back from its `Date` as …128.
    static let beyondRange: Int64 = 9_033_630_586_512_127

    @Test(
        "every storable microsecond comes back from its Date unchanged",
        arguments: [
            Microseconds.storable.lowerBound.value, Microseconds.storable.upperBound.value - 1, 0, -1, 1,
            1_700_000_000_123_456, 2_208_988_800_000_001, 4_102_444_799_999_999, -2_208_988_799_999_999,
        ] as [Int64])
    func storableTimesRoundTrip(micros: Int64) {
        #expect(Microseconds(Microseconds(micros).date) == Microseconds(micros))
    }

    @Test(
        "a date outside 1900 to 2100 is refused, not shifted",
        arguments: [
            beyondRange, Microseconds.storable.upperBound.value, Microseconds.storable.lowerBound.value - 1,
            .max, .min,
        ] as [Int64])
    func timesOutsideTheRangeAreRefused(micros: Int64) {
        #expect(Microseconds(Microseconds(micros).date) == nil)
        let draft = NodeDraft(agentID: "a", taskContext: "c", result: .null, timestamp: Microseconds(micros).date)
        expectError(.invalidArgument) { try Validation.prepare(draft, maximumPayloadSize: .max, now: Date()) }
    }

    @Test("a dump line with a time outside the range is an invalid dump")
    func dumpLineOutsideTheRange() {
        let node = #"""
            {"agent_id":"a","id":"01900000-0001-7000-8000-000000000001","kind":"node","links":[],"metadata":{},\#
            "result":null,"task_context":"c","timestamp_us":9033630586512127}
            """#
        let bundle = #"""
            {"agent_ids":[],"contexts":[],"created_at_us":-9223372036854775808,\#
            "id":"01910000-0001-7000-8000-000000000001","kind":"bundle","metadata":{},"node_ids":[],"task_id":"t"}
            """#
        for line in [node, bundle] {
            let error = expectError(.invalidDump) { try DumpRecord(Array(line.utf8)[...], line: 3) }
            #expect(error?.message.contains("outside the stored range") == true)
        }
    }

    @Test("a node stored before the range existed is dumped with its own time, which restore then refuses")
    func earlierNodeOutsideTheRange() {
        let node = MemoryNode(
            id: NodeID(), agentID: "a", taskContext: "c", result: .null,
            timestamp: Microseconds(Self.beyondRange).date)
        let written = DumpFormat.node(node, embedding: nil)["timestamp_us"]?.intValue.map(Int64.init)
        #expect(written.map { abs($0 - Self.beyondRange) <= 1 } == true, "written as \(String(describing: written))")
        expectError(.invalidDump) {
            try DumpRecord(Array(try DumpFormat.node(node, embedding: nil).jsonString().utf8)[...], line: 2)
        }
    }

    @Test("a bundle record with a creation time outside the range is corrupt")
    func bundleRecordOutsideTheRange() {
        let bundle = MemoryBundle(
            id: BundleID(), taskID: "t", agentIDs: [], contexts: [], nodeIDs: [], createdAt: Date())
        let record = BundleRecord.encode(bundle, createdAt: Microseconds(Self.beyondRange))
        expectError(.corruption) { try record.withUnsafeBytes { try BundleRecord.decode($0, id: bundle.id) } }
    }
}
