import Testing

extension Tag {
    /// Tests that take more than a few seconds: SIGKILL runs, several processes, long randomized
    /// runs. `make test-fast` skips them (it finds them by this tag in the sources, see
    /// `Tests/slow-tests.awk`); `make test` runs them.
    @Tag static var slow: Self
}
