import Dispatch
import Synchronization

/// Independent items shared out to a few threads.
public enum Parallel {
    /// Calls `body` once for each of 0 ..< items on at most `threads` threads, each taking the
    /// next item when it finishes one, so a slow core or a slow item holds up nobody. (Handing
    /// `concurrentPerform` the items themselves would run them on every core, whatever
    /// `--threads` says.) With one thread, or one item, `body` runs on the calling thread.
    public static func forEachItem(_ items: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        let workers = min(threads, items)
        guard workers > 1 else {
            for item in 0..<items { body(item) }
            return
        }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard item < items else { return }
                body(item)
            }
        }
    }
}
