import Foundation

/// One line of the crash-test writer's side log: `I seq operation` before a write is called,
/// `A seq outcome` after it returned, `E seq message` when it threw.
enum CrashLogEntry: Sendable {
    case intent(Int, CrashOperation)
    case acknowledgement(Int, CrashOutcome)
    case failure(Int, String)

    var line: String {
        switch self {
        case .intent(let sequence, let operation): "I \(sequence) \(operation.text)\n"
        case .acknowledgement(let sequence, let outcome): "A \(sequence) \(outcome.text)\n"
        case .failure(let sequence, let message): "E \(sequence) \(message.replacingOccurrences(of: "\n", with: " "))\n"
        }
    }

    init?(_ line: Substring) {
        let tokens = line.fields(" ")
        guard tokens.count >= 2, let sequence = Int(tokens[1]) else { return nil }
        switch tokens[0] {
        case "I":
            guard let operation = CrashOperation(tokens[2...]) else { return nil }
            self = .intent(sequence, operation)
        case "A":
            guard let outcome = CrashOutcome(tokens[2...]) else { return nil }
            self = .acknowledgement(sequence, outcome)
        case "E":
            self = .failure(sequence, tokens[2...].joined(separator: " "))
        default:
            return nil
        }
    }
}

/// The side log of one writer, read back after it was killed: the acknowledged writes in the
/// order they were acknowledged, and the writes that were called but not acknowledged (they may
/// or may not have committed).
struct CrashLog {
    /// A side log that cannot be read back.
    struct Damaged: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var acknowledged: [(operation: CrashOperation, outcome: CrashOutcome)] = []
    private(set) var inFlight: [CrashOperation] = []
    /// Writes that threw, with their messages.
    private(set) var failures: [String] = []

    /// Reads the log at `path`. The process may have been killed in the middle of a line, so a
    /// last line without its newline is ignored; every other line must parse.
    init(path: String) throws {
        let text = FileManager.default.fileExists(atPath: path) ? try String(contentsOfFile: path, encoding: .utf8) : ""
        var lines = Substring(text).fields("\n", keepingEmpty: true)
        _ = lines.popLast()  // empty after the last newline, or the torn last line
        var pending: [Int: CrashOperation] = [:]
        var order: [Int] = []
        for (number, line) in lines.enumerated() {
            guard let entry = CrashLogEntry(line) else {
                throw Damaged(description: "line \(number + 1) of \(path) does not parse: \(line)")
            }
            switch entry {
            case .intent(let sequence, let operation):
                pending[sequence] = operation
                order.append(sequence)
            case .acknowledgement(let sequence, let outcome):
                guard let operation = pending.removeValue(forKey: sequence) else {
                    throw Damaged(description: "line \(number + 1) of \(path) acknowledges an unknown write")
                }
                acknowledged.append((operation, outcome))
            case .failure(let sequence, let message):
                failures.append("\(pending.removeValue(forKey: sequence)?.text ?? "write \(sequence)"): \(message)")
            }
        }
        inFlight = order.compactMap { pending[$0] }
    }

    /// The largest serial any logged write used.
    var highestSerial: Int? {
        (acknowledged.map(\.operation) + inFlight).flatMap { operation -> [Int] in
            switch operation {
            case .addNode(let draft): [draft.spec.serial]
            case .addNodes(let drafts): drafts.map(\.spec.serial)
            case .createBundle(let bundle): [bundle.serial]
            default: []
            }
        }.max()
    }
}
