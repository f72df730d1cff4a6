package import NIOConcurrencyHelpers

/// A value behind a lock: how every type of this package shares mutable state between threads.
///
/// It is swift-nio's `NIOLockedValueBox` (a `pthread_mutex_t`), not the standard library's
/// `Synchronization.Mutex`: on Linux, ThreadSanitizer cannot see how `Mutex` hands a contended
/// lock from one thread to the next (it spins on a futex that TSan does not model), and reports
/// races that are not there; with a pthread mutex it sees the hand-over and stays quiet, so
/// `make tsan` keeps meaning something. Counters that need no lock use
/// `Synchronization.Atomic`.
package typealias LockedValue<Value> = NIOLockedValueBox<Value>
