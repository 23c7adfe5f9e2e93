// Search: a greedy descent through the upper levels, then a beam search of width ef on level
// 0 (algorithms 2 and 5 of the paper). The same layer search serves construction, which only
// reads the graph while searching (HNSWGraph+Insert.swift), so no locks are needed.

extension HNSWGraph {
    /// The `k` best rows for `query` (unit vector of length `dim`), best first. `accept`, when
    /// given, has one byte per slot; rows with 0 are walked through but never returned, so a
    /// filter is applied during the search and k hits come back when the beam finds k.
    public func search(_ query: UnsafePointer<Float>, k: Int, ef: Int, accept: UnsafePointer<UInt8>? = nil,
                       scratch: HNSWScratch) -> [ScoredSlot] {
        guard entryPoint >= 0, k > 0 else { return [] }
        let beam = max(ef, k)
        scratch.prepare(capacity: capacity, beam: max(beam, maxM0 + 1))
        var current = entryPoint
        var currentScore = score(query, vectors.row(Int(current)), dim)
        if maxLevel > 0 {
            for level in stride(from: maxLevel, to: 0, by: -1) {
                greedy(query, level: level, current: &current, score: &currentScore)
            }
        }
        let found = searchLayer(query, entry: current, entryScore: currentScore, beam: beam, level: 0,
                                accept: accept, scratch: scratch)
        var hits: [ScoredSlot] = []
        hits.reserveCapacity(found)
        for i in 0..<found { hits.append(ScoredSlot(slot: scratch.sortedSlots[i], score: scratch.sortedScores[i])) }
        return Array(hits.prefix(k))
    }

    /// Moves `current` to its best neighbour on `level` until no neighbour is better.
    @inline(__always)
    func greedy(_ query: UnsafePointer<Float>, level: Int, current: inout Int32, score: inout Float) {
        var changed = true
        while changed {
            changed = false
            let list = links(current, level)
            let count = Int(list[0])
            var best = current, bestScore = score
            var i = 1
            while i <= count {
                let candidate = list[i]
                let s = self.score(query, vectors.row(Int(candidate)), dim)
                if s > bestScore {
                    bestScore = s
                    best = candidate
                }
                i += 1
            }
            if best != current {
                current = best
                score = bestScore
                changed = true
            }
        }
    }

    /// Beam search on one level from one entry. Leaves the (at most `beam`) results in
    /// scratch.sortedSlots/sortedScores, best first, and returns how many there are.
    func searchLayer(_ query: UnsafePointer<Float>, entry: Int32, entryScore: Float, beam: Int, level: Int,
                     accept: UnsafePointer<UInt8>?, scratch: HNSWScratch) -> Int {
        scratch.nextGeneration()
        let visited = scratch.visited, generation = scratch.generation
        // candidates: max-heap by score (keys are negated scores); results: min-heap by score.
        var candidates = SlotHeap(keys: scratch.candidateKeys, slots: scratch.candidateSlots, capacity: scratch.capacity)
        var results = SlotHeap(keys: scratch.resultKeys, slots: scratch.resultSlots, capacity: beam + 1)
        // Hoisted so the inner loop reads no class properties.
        let rows = UnsafePointer(vectors.base), dim = vectors.dim
        visited[Int(entry)] = generation
        candidates.push(-entryScore, entry)
        if accept == nil || accept![Int(entry)] != 0 { results.push(entryScore, entry) }
        var lowerBound = results.count > 0 ? results.topKey : -Float.infinity

        while !candidates.isEmpty {
            let score = -candidates.topKey
            let node = candidates.topSlot
            if score < lowerBound && results.count == beam { break }
            candidates.pop()

            let list = links(node, level)
            let count = Int(list[0])
            // The links of the next node to expand are read once this one's are scored.
            if !candidates.isEmpty { prefetch(links(candidates.topSlot, level)) }
            if count > 0 {
                prefetch(visited + Int(list[1]))
                prefetch(rows + Int(list[1]) * dim)
            }
            for i in 0..<count {
                let neighbour = list[1 + i]
                let n = Int(neighbour)
                // The next neighbour's mark and row are fetched while this one is scored.
                if i + 1 < count {
                    let next = Int(list[2 + i])
                    prefetch(visited + next)
                    prefetch(rows + next * dim)
                }
                if visited[n] == generation { continue }
                visited[n] = generation
                let s = self.score(query, rows + n * dim, dim)
                if results.count < beam || s > lowerBound {
                    candidates.push(-s, neighbour)
                    if accept == nil || accept![n] != 0 {
                        results.push(s, neighbour)
                        if results.count > beam { results.pop() }
                        lowerBound = results.topKey
                    }
                }
            }
        }
        // Drain the min-heap worst first into the sorted buffers from the back.
        let found = results.count
        var i = found - 1
        while !results.isEmpty {
            scratch.sortedScores[i] = results.topKey
            scratch.sortedSlots[i] = results.topSlot
            results.pop()
            i -= 1
        }
        return found
    }
}
