import InMemoryTracing
import Tracing
import W3CTraceContext

/// The in-memory tracer of swift-distributed-tracing, reading and writing W3C `traceparent`
/// headers (it has keys of its own), so a test sees the trace an incoming request names.
struct W3CTestTracer: Tracer {
    let recorder = InMemoryTracer(
        idGenerator: .init(
            nextTraceID: { TraceID.random().description }, nextSpanID: { SpanID.random().description }))

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> InMemorySpan {
        recorder.startSpan(
            operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID,
            line: line)
    }

    func forceFlush() { recorder.forceFlush() }

    func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier),
            let parent = try? TraceContext(traceParentHeaderValue: header)
        else { return }
        context.inMemorySpanContext = InMemorySpanContext(
            traceID: parent.traceID.description, spanID: parent.spanID.description, parentSpanID: nil)
    }

    func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let span = context.inMemorySpanContext else { return }
        injector.inject("00-\(span.traceID)-\(span.spanID)-01", forKey: "traceparent", into: &carrier)
    }
}
