import Testing
@testable import VectorIndex

// Recall of the HNSW graph against brute force (the oracle) on the documented clustered set,
// small enough for a unit test; the 100,000-vector measurement is Benchmarks/vindex.

/// Mean |approximate top-k ∩ exact top-k| / k.
func recall(_ approximate: [[ScoredSlot]], _ exact: [[ScoredSlot]], k: Int) -> Double {
    var hits = 0
    for (a, e) in zip(approximate, exact) {
        let truth = Set(e.prefix(k).map(\.slot))
        hits += a.prefix(k).filter { truth.contains($0.slot) }.count
    }
    return Double(hits) / Double(k * exact.count)
}

func exactTop(_ base: VectorMatrix, _ queries: VectorMatrix, k: Int, accept: [UInt8]? = nil) -> [[ScoredSlot]] {
    if let accept {
        return accept.withUnsafeBufferPointer {
            ExactSearch.search(base, queries: queries.base, queryCount: queries.rows, k: k, accept: $0.baseAddress)
        }
    }
    return ExactSearch.search(base, queries: queries.base, queryCount: queries.rows, k: k)
}

func hnswTop(_ graph: HNSWGraph, _ queries: VectorMatrix, k: Int, ef: Int, accept: [UInt8]? = nil) -> [[ScoredSlot]] {
    let scratch = HNSWScratch()
    return (0..<queries.rows).map { q in
        if let accept {
            return accept.withUnsafeBufferPointer {
                graph.search(queries.row(q), k: k, ef: ef, accept: $0.baseAddress, scratch: scratch)
            }
        }
        return graph.search(queries.row(q), k: k, ef: ef, scratch: scratch)
    }
}

func buildGraph(_ base: VectorMatrix, m: Int = 16, efConstruction: Int = 100, threads: Int = 2) -> HNSWGraph {
    let graph = HNSWGraph(vectors: base, parameters: HNSWParameters(m: m, efConstruction: efConstruction))
    graph.insert(slots: (0..<Int32(base.rows)).map { $0 }, threads: threads)
    return graph
}

@Test func hnswReachesRecallOnClusteredSet() {
    let mixture = ClusteredVectors(dim: 64, clusters: 40, seed: 7)
    let base = mixture.sample(count: 6000, stream: 1)
    let queries = mixture.sample(count: 200, stream: 2)
    let graph = buildGraph(base)
    #expect(graph.nodeCount == 6000)
    let exact = exactTop(base, queries, k: 10)
    let approximate = hnswTop(graph, queries, k: 10, ef: 64)
    let r = recall(approximate, exact, k: 10)
    #expect(r >= 0.95, "recall@10 \(r)")
    // Scores returned by the graph are the true inner products, best first.
    for hits in approximate {
        #expect(hits.count == 10)
        for pair in zip(hits, hits.dropFirst()) { #expect(pair.0.score >= pair.1.score) }
    }
}

@Test func buildIsIdenticalOnAnyNumberOfThreads() {
    let base = ClusteredVectors(dim: 32, clusters: 10, seed: 3).sample(count: 3000, stream: 1)
    let a = buildGraph(base, m: 8, efConstruction: 40, threads: 1)
    let b = buildGraph(base, m: 8, efConstruction: 40, threads: 3)
    #expect(a.entryPoint == b.entryPoint && a.maxLevel == b.maxLevel)
    for slot in 0..<base.rows {
        #expect(a.level(of: slot) == b.level(of: slot))
        #expect(a.neighbours(of: slot, level: 0) == b.neighbours(of: slot, level: 0))
    }
}

@Test func linksRespectTheirLimitsAndNeverPointToThemselves() {
    let base = ClusteredVectors(dim: 32, clusters: 10, seed: 4).sample(count: 2000, stream: 1)
    let graph = buildGraph(base, m: 6, efConstruction: 40)
    var levelCounts = [Int](repeating: 0, count: HNSWGraph.maxLevelCap + 1)
    for slot in 0..<base.rows {
        let top = graph.level(of: slot)!
        levelCounts[top] += 1
        for level in 0...top {
            let list = graph.neighbours(of: slot, level: level)
            #expect(list.count <= (level == 0 ? 12 : 6))
            #expect(!list.contains(Int32(slot)))
            #expect(Set(list).count == list.count)
            for n in list { #expect((graph.level(of: Int(n)) ?? -1) >= level) }
        }
    }
    // Levels follow the geometric law with ratio 1/m: about 1/6 of the nodes above level 0.
    let above = Double(base.rows - levelCounts[0]) / Double(base.rows)
    #expect(above > 0.12 && above < 0.22, "fraction above level 0: \(above)")
}

@Test func filteredSearchReturnsOnlyAcceptedRowsAndFindsThem() {
    let mixture = ClusteredVectors(dim: 48, clusters: 20, seed: 11)
    let base = mixture.sample(count: 3000, stream: 1)
    let queries = mixture.sample(count: 100, stream: 2)
    let graph = buildGraph(base)
    let accept = (0..<base.rows).map { UInt8($0 % 3 == 0 ? 1 : 0) }
    let exact = exactTop(base, queries, k: 10, accept: accept)
    let approximate = hnswTop(graph, queries, k: 10, ef: 80, accept: accept)
    for hits in approximate {
        #expect(hits.count == 10)
        #expect(hits.allSatisfy { $0.slot % 3 == 0 })
    }
    let r = recall(approximate, exact, k: 10)
    #expect(r >= 0.9, "filtered recall@10 \(r)")
}
