import Dispatch

// Insertion (algorithm 1 of the paper) with the neighbour-selection heuristic (algorithm 4),
// parallel and deterministic. Nodes are inserted in batches; each batch runs in two phases:
//
//   1. search: every new node of the batch searches the graph as it stood before the batch
//      and writes its own links (the graph is only read, so threads need no locks);
//   2. link back: the reverse links are grouped by target node, and each target, on one
//      thread, takes its new neighbours in batch order, re-selecting by the heuristic when
//      its list is full.
//
// Neither phase depends on timing, so the graph is the same for any number of threads, and
// equal input gives an identical index file. A batch's nodes do not see each other while
// searching; batches are kept below 1/32 of the graph (and single nodes while it is small),
// so each still finds its neighbours among the nodes already there.

extension HNSWGraph {
    /// Adds rows `slots` (already written to `vectors`) to the graph.
    public func insert(slots: [Int32], threads: Int = 2) {
        guard !slots.isEmpty else { return }
        reserve(vectors.rows)
        for slot in slots { prepareNode(slot, level: drawLevel()) }
        let threadCount = max(1, threads)
        let beam = max(parameters.efConstruction, maxM0 + 1)
        let scratches = (0..<threadCount).map { _ in HNSWScratch(capacity: capacity, beam: beam) }
        var done = 0
        var graphSize = nodeCount - slots.count
        while done < slots.count {
            let batch = Array(slots[done..<min(slots.count, done + HNSWGraph.batchSize(graphSize: graphSize))])
            HNSWGraph.parallel(batch.count, scratches) { i, scratch in self.searchAndLink(batch[i], scratch: scratch) }
            linkBack(batch, scratches: scratches)
            for slot in batch where entryPoint < 0 || Int(levels[Int(slot)]) > maxLevel {
                entryPoint = slot
                maxLevel = Int(levels[Int(slot)])
            }
            done += batch.count
            graphSize += batch.count
        }
    }

    /// One node while the graph is small, then up to 1/32 of it, at most 1,024.
    static func batchSize(graphSize: Int) -> Int { min(max(graphSize / 32, 1), 1024) }

    /// Runs body(i, scratch) for i in 0..<count, on the threads of `scratches`.
    static func parallel(_ count: Int, _ scratches: [HNSWScratch], _ body: @Sendable (Int, HNSWScratch) -> Void) {
        let threadCount = min(scratches.count, count)
        if threadCount <= 1 {
            for i in 0..<count { body(i, scratches[0]) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: threadCount) { thread in
            var i = thread
            while i < count {
                body(i, scratches[thread])
                i += threadCount
            }
        }
    }

    /// Phase 1 for one node: find and write its own links on each level it shares with the graph.
    private func searchAndLink(_ slot: Int32, scratch: HNSWScratch) {
        guard entryPoint >= 0 else { return }
        let level = Int(levels[Int(slot)])
        let query = UnsafePointer(vectors.row(Int(slot)))
        var current = entryPoint
        let scorer = FloatScorer(query: query, rows: vectors.base, dim: dim)
        var currentScore = scorer.score(current)
        if level < maxLevel {
            for l in stride(from: maxLevel, to: level, by: -1) {
                greedy(scorer, level: l, current: &current, score: &currentScore)
            }
        }
        for l in stride(from: min(level, maxLevel), through: 0, by: -1) {
            let found = searchLayer(scorer, entry: current, entryScore: currentScore, beam: parameters.efConstruction,
                                    level: l, accept: nil, scratch: scratch)
            guard found > 0 else { continue }
            current = scratch.sortedSlots[0]
            currentScore = scratch.sortedScores[0]
            let kept = selectNeighbours(slots: scratch.sortedSlots, scores: scratch.sortedScores, count: found,
                                        limit: m, into: scratch.keptSlots)
            let own = links(slot, l)
            own[0] = Int32(kept)
            (own + 1).update(from: scratch.keptSlots, count: kept)
        }
    }

    /// Phase 2: each node that a batch node linked to links back to it.
    private func linkBack(_ batch: [Int32], scratches: [HNSWScratch]) {
        // (target, level) → new neighbours in batch order; the groups in first-seen order.
        var groupOf: [Int64: Int] = [:]
        var groups: [(target: Int32, level: Int, sources: [Int32])] = []
        for slot in batch {
            for level in 0...Int(levels[Int(slot)]) {
                let list = links(slot, level)
                for j in 0..<Int(list[0]) {
                    let target = list[1 + j]
                    let key = Int64(target) << 8 | Int64(level)
                    if let g = groupOf[key] {
                        groups[g].sources.append(slot)
                    } else {
                        groupOf[key] = groups.count
                        groups.append((target, level, [slot]))
                    }
                }
            }
        }
        let work = groups
        HNSWGraph.parallel(work.count, scratches) { g, scratch in
            let group = work[g]
            let list = self.links(group.target, group.level)
            let limit = self.maxLinks(group.level)
            for source in group.sources {
                let n = Int(list[0])
                if n < limit {
                    list[1 + n] = source
                    list[0] = Int32(n + 1)
                } else {
                    self.relink(group.target, list: list, adding: source, limit: limit, scratch: scratch)
                }
            }
        }
    }

    /// The heuristic of algorithm 4: walk the candidates best first and keep one only when it
    /// is closer to the base than to every neighbour kept so far, which spreads the links in
    /// different directions. Returns the number written to `kept`.
    func selectNeighbours(slots: UnsafePointer<Int32>, scores: UnsafePointer<Float>, count: Int, limit: Int,
                          into kept: UnsafeMutablePointer<Int32>) -> Int {
        if count <= limit {
            kept.update(from: slots, count: count)
            return count
        }
        let rows = UnsafePointer(vectors.base), dim = vectors.dim
        var keptCount = 0
        for i in 0..<count {
            let candidate = rows + Int(slots[i]) * dim
            let toBase = scores[i]
            var good = true
            for j in 0..<keptCount where score(candidate, rows + Int(kept[j]) * dim, dim) > toBase {
                good = false
                break
            }
            if good {
                kept[keptCount] = slots[i]
                keptCount += 1
                if keptCount == limit { break }
            }
        }
        return keptCount
    }

    /// Re-selects the full link list of `node` from its current links plus `extra`.
    private func relink(_ node: Int32, list: UnsafeMutablePointer<Int32>, adding extra: Int32, limit: Int,
                        scratch: HNSWScratch) {
        let base = vectors.row(Int(node))
        let n = Int(list[0])
        let slots = scratch.pruneSlots, scores = scratch.pruneScores
        slots.update(from: list + 1, count: n)
        slots[n] = extra
        for j in 0...n { scores[j] = score(base, vectors.row(Int(slots[j])), dim) }
        HNSWGraph.sortDescending(slots: slots, scores: scores, count: n + 1)
        let kept = selectNeighbours(slots: slots, scores: scores, count: n + 1, limit: limit, into: scratch.pruneKept)
        (list + 1).update(from: scratch.pruneKept, count: kept)
        list[0] = Int32(kept)
    }

    /// Insertion sort, best first: the lists are at most 2m + 1 long.
    static func sortDescending(slots: UnsafeMutablePointer<Int32>, scores: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 1 else { return }
        for i in 1..<count {
            let s = scores[i], id = slots[i]
            var j = i - 1
            while j >= 0 && (scores[j] < s || (scores[j] == s && slots[j] > id)) {
                scores[j + 1] = scores[j]
                slots[j + 1] = slots[j]
                j -= 1
            }
            scores[j + 1] = s
            slots[j + 1] = id
        }
    }
}
