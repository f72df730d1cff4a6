/// A mismatch between the engines' answers: no time is reported then.
struct AnswerMismatch: Error, CustomStringConvertible {
    var description: String
}
