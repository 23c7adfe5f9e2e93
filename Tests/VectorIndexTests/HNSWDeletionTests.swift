import Testing
@testable import VectorIndex

// Deletion is real: after replacing 20% of the rows and deleting 10%, no link points to a
// removed node and recall against exact search over the survivors holds.

@Test func recallHoldsAfterReplacingAndDeletingAndNoLinkPointsToTheDead() {
    let mixture = ClusteredVectors(dim: 64, clusters: 40, seed: 21)
    let n = 5000
    let base = mixture.sample(count: n, stream: 1)
    let graph = buildGraph(base)

    // Replace every fifth row with a fresh vector from the mixture: remove, rewrite, reinsert.
    let replaced = stride(from: 0, to: n, by: 5).map { Int32($0) }
    let fresh = mixture.sample(count: replaced.count, stream: 3)
    graph.remove(slots: replaced)
    for (i, slot) in replaced.enumerated() {
        base.set(Int(slot), UnsafeBufferPointer(start: fresh.row(i), count: base.dim))
    }
    graph.insert(slots: replaced)
    // Delete every tenth of the others.
    let deleted = stride(from: 1, to: n, by: 10).map { Int32($0) }
    graph.remove(slots: deleted)
    #expect(graph.nodeCount == n - deleted.count)

    var accept = [UInt8](repeating: 1, count: n)
    for slot in deleted { accept[Int(slot)] = 0 }
    for slot in 0..<n where accept[slot] == 1 {
        let top = try! #require(graph.level(of: slot))
        for level in 0...top {
            for neighbour in graph.neighbours(of: slot, level: level) {
                #expect(accept[Int(neighbour)] == 1, "slot \(slot) links to deleted \(neighbour)")
            }
        }
    }
    for slot in deleted { #expect(graph.level(of: Int(slot)) == nil) }
    #expect(graph.entryPoint >= 0 && accept[Int(graph.entryPoint)] == 1)

    let queries = mixture.sample(count: 200, stream: 2)
    let exact = exactTop(base, queries, k: 10, accept: accept)
    let approximate = hnswTop(graph, queries, k: 10, ef: 64)
    for hits in approximate { #expect(hits.allSatisfy { accept[Int($0.slot)] == 1 }) }
    let r = recall(approximate, exact, k: 10)
    #expect(r >= 0.95, "recall@10 after updates \(r)")
}

@Test func removingEverythingLeavesAnEmptySearchableGraph() {
    let base = ClusteredVectors(dim: 32, clusters: 4, seed: 5).sample(count: 300, stream: 1)
    let graph = buildGraph(base, m: 8, efConstruction: 40)
    graph.remove(slots: (0..<300).map { Int32($0) })
    #expect(graph.nodeCount == 0 && graph.entryPoint == -1)
    #expect(graph.search(base.row(0), k: 5, ef: 10, scratch: HNSWScratch()).isEmpty)
    graph.insert(slots: [7, 9])
    let hits = graph.search(base.row(7), k: 5, ef: 10, scratch: HNSWScratch())
    #expect(hits.map(\.slot).sorted() == [7, 9])
}
