/// What the load test is doing: reads done in a phase count toward its figure.
enum LoadPhase: String, Sendable, Hashable {
    case warmUp = "warm-up"
    case alone = "readers alone"
    case withWriters = "readers and writers"
}
