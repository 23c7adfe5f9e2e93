// Bounded selection of the k best (score, slot) pairs: a min-heap whose root is the worst kept
// hit, so a scan compares each candidate with one number and almost never touches the heap.

public struct ScoredSlot: Equatable, Sendable {
    public var slot: Int32
    public var score: Float
    public init(slot: Int32, score: Float) {
        self.slot = slot
        self.score = score
    }

    /// The ranking order used everywhere: higher score first, then lower slot, so ties are
    /// broken the same way on every run.
    @inline(__always)
    public static func better(_ a: ScoredSlot, _ b: ScoredSlot) -> Bool {
        a.score > b.score || (a.score == b.score && a.slot < b.slot)
    }
}

public struct TopK {
    public let k: Int
    private var heap: [ScoredSlot]

    public init(k: Int) {
        precondition(k > 0, "TopK needs k > 0")
        self.k = k
        heap = []
        heap.reserveCapacity(k)
    }

    public var count: Int { heap.count }
    public var isFull: Bool { heap.count == k }

    /// The score a candidate must beat to enter (−∞ while the heap is not full).
    @inline(__always)
    public var threshold: Float { heap.count < k ? -.infinity : heap[0].score }

    @inline(__always)
    public mutating func push(slot: Int32, score: Float) {
        let item = ScoredSlot(slot: slot, score: score)
        if heap.count < k {
            heap.append(item)
            siftUp(heap.count - 1)
        } else if ScoredSlot.better(item, heap[0]) {
            heap[0] = item
            siftDown(0)
        }
    }

    /// The kept hits, best first.
    public func sorted() -> [ScoredSlot] {
        heap.sorted(by: ScoredSlot.better)
    }

    // The root is the *worst* item: "worse" is the heap order.
    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard ScoredSlot.better(heap[parent], heap[child]) else { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let n = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < n else { break }
            var worst = left
            let right = left + 1
            if right < n && ScoredSlot.better(heap[left], heap[right]) { worst = right }
            guard ScoredSlot.better(heap[parent], heap[worst]) else { break }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
