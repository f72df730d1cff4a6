import ArgumentParser
import Dispatch
import Foundation
import MemoryGraph
import MemoryGraphWorkload
import SeededRandom

/// `memory-graph-stress contention write`: adds nodes (alone and three at a time) and links, on
/// several threads, for a while; every write is listed in the log once the call returned.
///
/// Log lines: `node ID AGENT CONTEXT TYPE` and `link FROM TO`. New nodes link to a node this
/// process added and to a node recalled from the store (often another process's).
struct ContentionWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write", abstract: "Add nodes and links for a while; log each acknowledged write.")

    @Option(help: "The store's directory.") var path: String
    @Option(help: "The acknowledged-write log (appended to).") var log: String
    @Option(help: "Seconds to write for.") var seconds = 3.0
    @Option(help: "Writer threads.") var threads = 2
    @Option(help: "The index update strategy.") var strategy = MemoryGraph.IndexUpdateStrategy.immediate
    @Option(help: "The seed of this writer's choices.") var seed: UInt64 = 1

    func validate() throws {
        guard seconds > 0, threads > 0 else { throw ValidationError("--seconds and --threads must be positive") }
    }

    func run() throws {
        var configuration = MemoryGraph.Configuration()
        configuration.enableMetrics = false
        var lmdb = LMDBConfiguration()
        lmdb.durability = .noSync
        lmdb.indexUpdateStrategy = strategy
        let graph = try MemoryGraph(path: path, configuration: configuration, lmdb: lmdb)
        defer { graph.close() }
        let acknowledged = try AppendLog(path: log)
        let failures = SharedCounter()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var writer = Writer(
                graph: graph, log: acknowledged, random: SplitMix64(seed: seed &* 1_000 &+ UInt64(thread)))
            while DispatchTime.now().uptimeNanoseconds < deadline {
                do {
                    try writer.step()
                } catch {
                    failures.increment()
                    FileHandle.standardError.write(Data("write failed: \(error)\n".utf8))
                }
            }
        }
        if failures.value > 0 { throw ExitCode(1) }
    }

    /// One thread's writes and the nodes it added lately.
    private struct Writer {
        let graph: MemoryGraph
        let log: AppendLog
        var random: SplitMix64
        var recent: [NodeID] = []

        mutating func step() throws {
            let dice = Int.random(in: 0..<100, using: &random)
            if dice < 15, let source = recent.randomElement(using: &random),
                let target = try linkTarget(), target != source
            {
                try graph.link(from: source, to: target)
                try log.append("link \(source) \(target)")
            } else if dice < 30 {
                let first = NodeID()
                let drafts = [draft(id: first, links: []), draft(links: [first]), draft(links: try someLinks())]
                let ids = try graph.addNodes(drafts)
                for (id, draft) in zip(ids, drafts) { try acknowledge(id, draft) }
            } else {
                let draft = draft(links: try someLinks())
                try acknowledge(
                    try graph.addNode(
                        agentID: draft.agentID, taskContext: draft.taskContext, result: draft.result, links: draft.links
                    ),
                    draft)
            }
        }

        /// A node of a random agent, context, type and confidence.
        private mutating func draft(id: NodeID? = nil, links: [NodeID]) -> NodeDraft {
            NodeDraft(
                id: id, agentID: ContentionVocabulary.agents.randomElement(using: &random) ?? "planner",
                taskContext: ContentionVocabulary.contexts.randomElement(using: &random) ?? "trip-1",
                result: [
                    "type": .string(ContentionVocabulary.types.randomElement(using: &random) ?? "plan"),
                    "confidence_score": .double(Double.random(in: 0...1, using: &random)),
                ],
                links: links)
        }

        /// A node of this thread and a recalled node of anyone, without repeats.
        private mutating func someLinks() throws -> [NodeID] {
            let links = [recent.randomElement(using: &random), try linkTarget()].compactMap { $0 }
            return Array(Set(links)).sorted()
        }

        /// One of the newest nodes of a random agent and context, whoever wrote it.
        private mutating func linkTarget() throws -> NodeID? {
            let agent = ContentionVocabulary.agents.randomElement(using: &random) ?? "planner"
            let context = ContentionVocabulary.contexts.randomElement(using: &random) ?? "trip-1"
            return try graph.recall(agentID: agent, taskContext: context, limit: 5).randomElement(using: &random)?.id
        }

        private mutating func acknowledge(_ id: NodeID, _ draft: NodeDraft) throws {
            try log.append(
                "node \(id) \(draft.agentID) \(draft.taskContext) \(draft.result["type"]?.stringValue ?? "")")
            for target in draft.links { try log.append("link \(id) \(target)") }
            recent.append(id)
            if recent.count > 50 { recent.removeFirst() }
        }
    }
}
