import Synchronization

// Search scratch kept between calls. A fresh HNSWScratch for a graph of n slots allocates and
// zeroes n visit marks and an n-entry candidate heap; answering queries one call at a time
// (retrieve --batch 1) paid that, with its page faults, on every query. Searches borrow
// scratches here and give them back, so concurrent callers never share one.

final class HNSWScratchPool: Sendable {
    private let idle = Mutex<[HNSWScratch]>([])

    /// `count` scratches for one call's threads, reused when some are idle.
    func borrow(_ count: Int) -> [HNSWScratch] {
        let reused = idle.withLock { idle in
            let taken = Array(idle.suffix(count))
            idle.removeLast(taken.count)
            return taken
        }
        return reused + (0..<(count - reused.count)).map { _ in HNSWScratch() }
    }

    func giveBack(_ scratches: [HNSWScratch]) {
        idle.withLock { $0 += scratches }
    }
}
