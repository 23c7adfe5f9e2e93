// A binary min-heap of (key, slot) pairs over caller-provided storage, for the HNSW search
// loops. Kept as a struct over raw pointers and used as a local variable so the hot loop has
// no allocation, no copy-on-write and no exclusivity checks. A max-heap is the same heap with
// negated keys.

struct SlotHeap {
    let keys: UnsafeMutablePointer<Float>
    let slots: UnsafeMutablePointer<Int32>
    let capacity: Int
    private(set) var count = 0

    init(keys: UnsafeMutablePointer<Float>, slots: UnsafeMutablePointer<Int32>, capacity: Int) {
        self.keys = keys
        self.slots = slots
        self.capacity = capacity
    }

    var isEmpty: Bool { count == 0 }
    var topKey: Float { keys[0] }
    var topSlot: Int32 { slots[0] }

    mutating func push(_ key: Float, _ slot: Int32) {
        precondition(count < capacity, "SlotHeap overflow: capacity \(capacity)")
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) >> 1
            guard keys[parent] > key else { break }
            keys[child] = keys[parent]
            slots[child] = slots[parent]
            child = parent
        }
        keys[child] = key
        slots[child] = slot
    }

    mutating func pop() {
        count -= 1
        guard count > 0 else { return }
        let key = keys[count], slot = slots[count]
        var parent = 0
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count && keys[child + 1] < keys[child] { child += 1 }
            guard keys[child] < key else { break }
            keys[parent] = keys[child]
            slots[parent] = slots[child]
            parent = child
        }
        keys[parent] = key
        slots[parent] = slot
    }

    mutating func removeAll() { count = 0 }
}
