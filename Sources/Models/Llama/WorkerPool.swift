// Persistent worker threads for the one-token matrix–vector products of decoding.
//
// Decoding one token runs about 210 small products (a few hundred microseconds each at most);
// dispatching each through `DispatchQueue.concurrentPerform` costs 10-20 µs of wake-up per call.
// These workers stay alive for the session, spin briefly between products (the next one follows
// within microseconds) and only then sleep on a semaphore, so a product starts on every thread
// almost at once and an idle session uses no CPU.

import Dispatch
import Foundation
import Synchronization

/// `count − 1` threads plus the caller, each running part of a job: `run { part in … }`.
final class WorkerPool: @unchecked Sendable {
    /// Participants, the caller included.
    let count: Int
    /// What the workers share; they hold it strongly, so it outlives the pool until they exit.
    private let shared: Shared

    init(threads: Int) {
        count = max(1, threads)
        shared = Shared(workers: count - 1)
        for w in 0..<(count - 1) {
            let shared = shared
            let thread = Thread { shared.workerLoop(w) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        shared.stop()
    }

    /// Calls `body(part)` for every part in 0..<count, one per thread, and returns when all are done.
    func run(_ body: (Int) -> Void) {
        if count == 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { body in
            shared.post(body)
            body(0)
            shared.waitForWorkers()
        }
    }

    /// An atomic in a class, so that an array can hold one per worker.
    private final class Flag: Sendable {
        let value = Atomic<Int>(0)
    }

    private final class Shared: @unchecked Sendable {
        /// Bumped once per job; workers compare it with the last one they ran.
        let generation = Atomic<Int>(0)
        /// Workers still running the current job.
        let pending = Atomic<Int>(0)
        /// Per worker: 1 while it sleeps (or is about to) on its semaphore.
        let sleeping: [Flag]
        let wakeups: [DispatchSemaphore]
        let stopping = Atomic<Bool>(false)
        /// The current job: written before `generation` is bumped, read by workers after.
        nonisolated(unsafe) var job: (Int) -> Void = { _ in }
        /// Spins before a worker sleeps: some tens of microseconds.
        static let spinLimit = 20_000

        init(workers: Int) {
            sleeping = (0..<workers).map { _ in Flag() }
            wakeups = (0..<workers).map { _ in DispatchSemaphore(value: 0) }
        }

        func post(_ body: @escaping (Int) -> Void) {
            job = body
            pending.store(sleeping.count, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
        }

        func waitForWorkers() {
            // Spin, then yield: on a busy machine a worker may have lost its core, and yielding
            // lets it have this one instead of the caller burning its time slice.
            var spins = 0
            while pending.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > 2_000 { sched_yield() }
            }
            job = { _ in }
        }

        func stop() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
        }

        private func wakeSleepers() {
            for w in 0..<sleeping.count where sleeping[w].value.exchange(0, ordering: .sequentiallyConsistent) == 1 {
                wakeups[w].signal()
            }
        }

        func workerLoop(_ w: Int) {
            var seen = 0
            while true {
                var spins = 0
                while generation.load(ordering: .acquiring) == seen {
                    spins += 1
                    if spins < Self.spinLimit { continue }
                    // Announce the sleep, then look once more: a job posted in between is seen
                    // here, or its poster sees the flag and signals.
                    sleeping[w].value.store(1, ordering: .sequentiallyConsistent)
                    if generation.load(ordering: .sequentiallyConsistent) == seen {
                        wakeups[w].wait()
                    } else if sleeping[w].value.exchange(0, ordering: .sequentiallyConsistent) == 0 {
                        wakeups[w].wait()  // the poster took the flag and signals: consume it
                    }
                    spins = 0
                }
                seen = generation.load(ordering: .acquiring)
                if stopping.load(ordering: .sequentiallyConsistent) { return }
                job(w + 1)
                pending.subtract(1, ordering: .releasing)
            }
        }
    }
}
