import Foundation
import MemoryGraph

/// A progress bar with rate and time left on standard error, drawn only when standard error is
/// a terminal and at most ten times a second.
final class ProgressBar {
    private let label: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private var lastDraw = Date.distantPast

    init(_ label: String) { self.label = label }

    func update(_ progress: DumpProgress) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || progress.recordsDone == progress.recordsTotal else { return }
        lastDraw = now
        let total = max(progress.recordsTotal, 1)
        let fraction = min(1, Double(progress.recordsDone) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(progress.recordsDone) / elapsed
        let remaining = rate > 0 ? Double(progress.recordsTotal - progress.recordsDone) / rate : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(
            format: "\r%@ [%@] %3.0f%% %d/%d · %.0f records/s · %.0fs left ", label, bar, fraction * 100,
            progress.recordsDone, progress.recordsTotal, rate, remaining)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
