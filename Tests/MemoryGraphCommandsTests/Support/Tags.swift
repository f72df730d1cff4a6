import Testing

extension Tag {
    /// Tests that take more than a few seconds: SIGKILL runs, several processes, timed runs of
    /// the built tools. `make test-fast` skips the suites that carry it.
    @Tag static var slow: Self
}
