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
}
