/// The load test's timeline: a warm-up of a tenth of the duration (at most a second), then an
/// even number of slices of about a second, alternating between readers alone and readers with
/// writers, so that drift in the machine's speed weighs on both alike.
struct LoadSchedule: Sendable {
    /// Each phase with the second, counted from the start, at which it ends.
    let phases: [(phase: LoadPhase, end: Double)]

    init(duration: Double) {
        let warmUp = min(1, duration / 10)
        let slices = max(2, Int((duration - warmUp).rounded() / 2) * 2)
        let sliceSeconds = (duration - warmUp) / Double(slices)
        var phases: [(phase: LoadPhase, end: Double)] = [(.warmUp, warmUp)]
        for slice in 0..<slices {
            let phase: LoadPhase = slice % 2 == 0 ? .alone : .withWriters
            phases.append((phase, warmUp + sliceSeconds * Double(slice + 1)))
        }
        self.phases = phases
    }

    /// The phase `seconds` after the start (the last one after the end).
    func phase(at seconds: Double) -> LoadPhase {
        phases.first { seconds < $0.end }?.phase ?? phases[phases.count - 1].phase
    }
}
