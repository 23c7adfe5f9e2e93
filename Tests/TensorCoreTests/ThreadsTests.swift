import Synchronization
import Testing
import TensorCore

@Suite(.serialized) struct ThreadsTests {
    @Test func settingThreadsAlsoSetsOpenBLAS() {
        let before = Threads.count
        Threads.set(1)
        #expect(Threads.count == 1)
        #expect(Threads.blasCount == 1)
        Threads.set(2)
        #expect(Threads.count == 2)
        #expect(Threads.blasCount == 2)
        Threads.set(before)
    }

    @Test(arguments: [0, 1, 7, 1000, 100_003])
    func chunksCoverEveryItemOnce(items: Int) {
        let hits = Tensor(shape: [items])
        let calls = Atomic<Int>(0)
        let data = hits.data
        // One element per item forces several chunks for the larger counts on a multi-core machine.
        Threads.forEachChunk(of: items, elementsPerItem: 1) { range in
            calls.add(1, ordering: .relaxed)
            for i in range { data[i] += 1 }
        }
        #expect(hits.toArray().allSatisfy { $0 == 1 })
        #expect(calls.load(ordering: .relaxed) <= max(Threads.count, 1))
    }

    @Test func aChunkNeverFansOutAgain() {
        let before = Threads.count
        Threads.set(2)
        defer { Threads.set(before) }
        let outer = Atomic<Int>(0), inner = Atomic<Int>(0)
        let seen = Tensor(shape: [2 * 100_000])
        let data = seen.data
        Threads.forEachChunk(of: 2, elementsPerItem: 1 << 20) { range in
            outer.add(1, ordering: .relaxed)
            for item in range {
                // Inside a chunk, a nested call runs on this thread as one chunk of all items.
                Threads.forEachChunk(of: 100_000, elementsPerItem: 1 << 10) { nested in
                    inner.add(1, ordering: .relaxed)
                    #expect(nested == 0..<100_000)
                    for i in nested { data[item * 100_000 + i] += 1 }
                }
            }
        }
        #expect(outer.load(ordering: .relaxed) == 2 && inner.load(ordering: .relaxed) == 2)
        #expect(seen.toArray().allSatisfy { $0 == 1 })
        // Outside any chunk the same call splits again.
        Threads.forEachChunk(of: 100_000, elementsPerItem: 1 << 10) { _ in inner.add(1, ordering: .relaxed) }
        #expect(inner.load(ordering: .relaxed) == 4)
    }
}
