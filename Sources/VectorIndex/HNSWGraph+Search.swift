// Search: a greedy descent through the upper levels, then a beam search of width ef on level
// 0 (algorithms 2 and 5 of the paper). The same layer search serves construction, which only
// reads the graph while searching (HNSWGraph+Insert.swift), so no locks are needed.

extension HNSWGraph {
    /// The `k` best rows for `query` (unit vector of length `dim`), best first. `accept`, when
    /// given, has one byte per slot; rows with 0 are walked through but never returned, so a
    /// filter is applied during the search and k hits come back when the beam finds k. With
    /// `codes` (of this graph's rows) the walk scores rows by their eight-bit codes and the
    /// beam's survivors are then re-scored with the float32 rows, so scores are exact.
    public func search(_ query: UnsafePointer<Float>, k: Int, ef: Int, accept: UnsafePointer<UInt8>? = nil,
                       codes: ScalarCodes? = nil, scratch: HNSWScratch) -> [ScoredSlot] {
        guard entryPoint >= 0, k > 0 else { return [] }
        let beam = max(ef, k)
        scratch.prepare(capacity: capacity, beam: max(beam, maxM0 + 1), dim: dim)
        let exact = FloatScorer(query: query, rows: vectors.base, dim: dim)
        guard let codes, codes.dim == dim, codes.rows >= vectors.rows else {
            let found = walk(exact, beam: beam, accept: accept, scratch: scratch)
            return (0..<min(found, k)).map { ScoredSlot(slot: scratch.sortedSlots[$0], score: scratch.sortedScores[$0]) }
        }
        let bias = codes.prepare(query, into: scratch.scaledQuery)
        let found = walk(CodeScorer(scaled: scratch.scaledQuery, bias: bias, codes: codes.codes, dim: dim),
                         beam: beam, accept: accept, scratch: scratch)
        var hits = (0..<found).map { i in
            let slot = scratch.sortedSlots[i]
            return ScoredSlot(slot: slot, score: exact.score(slot))
        }
        hits.sort(by: ScoredSlot.better)
        return Array(hits.prefix(k))
    }

    /// Greedy descent from the entry point to level 1, then the beam search of level 0.
    private func walk<S: BeamScorer>(_ scorer: S, beam: Int, accept: UnsafePointer<UInt8>?, scratch: HNSWScratch) -> Int {
        var current = entryPoint
        var currentScore = scorer.score(current)
        if maxLevel > 0 {
            for level in stride(from: maxLevel, to: 0, by: -1) {
                greedy(scorer, level: level, current: &current, score: &currentScore)
            }
        }
        return searchLayer(scorer, entry: current, entryScore: currentScore, beam: beam, level: 0,
                           accept: accept, scratch: scratch)
    }

    /// Moves `current` to its best neighbour on `level` until no neighbour is better.
    @inline(__always)
    func greedy<S: BeamScorer>(_ scorer: S, level: Int, current: inout Int32, score: inout Float) {
        var changed = true
        while changed {
            changed = false
            let list = links(current, level)
            let count = Int(list[0])
            var best = current, bestScore = score
            var i = 1
            while i <= count {
                let candidate = list[i]
                let s = scorer.score(candidate)
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
    func searchLayer<S: BeamScorer>(_ scorer: S, entry: Int32, entryScore: Float, beam: Int, level: Int,
                                     accept: UnsafePointer<UInt8>?, scratch: HNSWScratch) -> Int {
        scratch.nextGeneration()
        let visited = scratch.visited, generation = scratch.generation
        // candidates: max-heap by score (keys are negated scores); results: min-heap by score.
        var candidates = SlotHeap(keys: scratch.candidateKeys, slots: scratch.candidateSlots, capacity: scratch.capacity)
        var results = SlotHeap(keys: scratch.resultKeys, slots: scratch.resultSlots, capacity: beam + 1)
        // Hoisted so the inner loop reads no class properties.
        let gathered = scratch.gathered
        visited[Int(entry)] = generation
        candidates.push(-entryScore, entry)
        if accept == nil || accept![Int(entry)] != 0 { results.push(entryScore, entry) }
        var lowerBound = results.count > 0 ? results.topKey : -Float.infinity

        while !candidates.isEmpty {
            let score = -candidates.topKey
            let node = candidates.topSlot
            if score < lowerBound && results.count == beam { break }
            candidates.pop()

            // The links of the next node to expand are fetched while this one's are scored.
            if !candidates.isEmpty { prefetchLinks(candidates.topSlot, level) }
            // First the unvisited neighbours, then their scores four rows at a time, with the
            // next group's rows fetched while a group is scored.
            let list = links(node, level)
            let count = Int(list[0])
            var fresh = 0
            for i in 0..<count {
                let neighbour = list[1 + i]
                if visited[Int(neighbour)] == generation { continue }
                visited[Int(neighbour)] = generation
                gathered[fresh] = neighbour
                fresh += 1
            }
            for j in 0..<min(4, fresh) { scorer.prefetchRow(gathered[j]) }
            var i = 0
            while i < fresh {
                for j in stride(from: i + 4, to: min(i + 8, fresh), by: 1) { scorer.prefetchRow(gathered[j]) }
                let group = min(4, fresh - i)
                let scores = group == 4
                    ? scorer.score4(gathered[i], gathered[i + 1], gathered[i + 2], gathered[i + 3])
                    : SIMD4(scorer.score(gathered[i]), group > 1 ? scorer.score(gathered[i + 1]) : 0,
                            group > 2 ? scorer.score(gathered[i + 2]) : 0, 0)
                for j in 0..<group {
                    let neighbour = gathered[i + j], s = scores[j]
                    if results.count < beam || s > lowerBound {
                        candidates.push(-s, neighbour)
                        if accept == nil || accept![Int(neighbour)] != 0 {
                            results.push(s, neighbour)
                            if results.count > beam { results.pop() }
                            lowerBound = results.topKey
                        }
                    }
                }
                i += group
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

    /// Asks for the cache lines of a link list (count and neighbours).
    @inline(__always)
    func prefetchLinks(_ slot: Int32, _ level: Int) {
        prefetchBytes(UnsafeRawPointer(links(slot, level)), (maxLinks(level) + 1) * MemoryLayout<Int32>.size)
    }
}
