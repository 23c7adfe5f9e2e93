// One thread-count setting for the whole process: our own row-parallel kernels and OpenBLAS.

import COpenBLAS
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The number of threads lorag computes with, and a helper that splits independent row work
/// across them.
///
/// OpenBLAS runs its own pthread pool inside each BLAS call, so our helper is never wrapped
/// around a threaded BLAS call (two pools fighting over the same cores is slower than either
/// alone). A model may instead run OpenBLAS on one thread and split whole stretches of row work,
/// BLAS calls included, across our threads (BertLayer); kernels called inside such a chunk
/// then run on that chunk's thread (`forEachChunk` never fans out from inside a chunk).
public enum Threads {
    /// Below this many elements of work per task, dispatching to another core costs more than
    /// it saves (a `concurrentPerform` round trip is a few microseconds; a SIMD kernel streams
    /// roughly 2–4 floats per nanosecond).
    public static let minimumElementsPerTask = 1 << 15

    /// 0 means "not set": use every online core.
    private static let configured = Atomic<Int>(0)

    /// The cores this machine has online.
    public static var available: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The current thread count: what `set` last chose, or every online core.
    public static var count: Int {
        let n = configured.load(ordering: .relaxed)
        return n > 0 ? n : available
    }

    /// Uses `n` threads from now on, in our kernels and in OpenBLAS. `n` must be at least 1
    /// (tools validate `--threads` before calling this).
    public static func set(_ n: Int) {
        precondition(n >= 1, "thread count must be at least 1, got \(n)")
        configured.store(n, ordering: .relaxed)
        openblas_set_num_threads(Int32(n))
    }

    /// Stops OpenBLAS's idle worker threads, which otherwise spin for a while after each BLAS
    /// call (see COpenBLAS/shim.h) and compete with our own threads for the cores. Call it
    /// before a stretch of work that uses no threaded BLAS; the next threaded BLAS call starts
    /// the workers again.
    public static func stopIdleBLASWorkers() {
        _ = blas_thread_shutdown_()
    }

    /// The thread count OpenBLAS reports it is using.
    public static var blasCount: Int {
        Int(openblas_get_num_threads())
    }

    /// Calls `body` on contiguous, disjoint ranges that together cover `0..<items`, in parallel
    /// when there is enough work: `elementsPerItem` is the work in one item (a row's length)
    /// and each task gets at least `minimumElementsPerTask` elements of it. With one task the
    /// body runs on the calling thread, with no dispatch at all.
    public static func forEachChunk(
        of items: Int, elementsPerItem: Int, _ body: (Range<Int>) -> Void
    ) {
        guard items > 0 else { return }
        let work = items * max(elementsPerItem, 1)
        let tasks = min(count, items, max(1, work / minimumElementsPerTask))
        if tasks == 1 || pthread_getspecific(insideChunkKey) != nil {
            body(0..<items)
            return
        }
        // `concurrentPerform` wants a @Sendable closure, but kernels capture raw pointers, which
        // are not Sendable. It is sound to vouch for the body here: `concurrentPerform` returns
        // only after every task has finished (so the closure does not outlive this call) and the
        // tasks receive disjoint ranges, which is this function's contract with its callers.
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendableBody(call: body)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                // Any value but nil marks the thread as inside a chunk until the body returns.
                pthread_setspecific(insideChunkKey, UnsafeRawPointer(bitPattern: 1))
                shared.call((items * task / tasks)..<(items * (task + 1) / tasks))
                pthread_setspecific(insideChunkKey, nil)
            }
        }
    }
}

/// Set on a thread while it runs a chunk of `forEachChunk`.
private let insideChunkKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

/// A closure carried into `concurrentPerform`; see `Threads.forEachChunk` for why it is safe.
private struct UncheckedSendableBody: @unchecked Sendable {
    let call: (Range<Int>) -> Void
}
