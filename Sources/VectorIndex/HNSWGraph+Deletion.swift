import Dispatch

// Real deletion. hnswlib and FAISS only mark deleted nodes, which keep routing searches and
// keep their space, so an index under daily updates degrades and grows. Here a deleted node
// leaves the graph: every node that linked to it re-selects its links (by the same heuristic
// as insertion) from its surviving links plus the deleted node's links — the two-hop
// neighbourhood through the gap — and the entry point moves if it was deleted. The slots
// become free for reuse; their upper-level blocks are reclaimed when the graph is compacted
// (written to a file).

extension HNSWGraph {
    /// Removes `slots` (each a node of the graph) and repairs the links around them.
    public func remove(slots: [Int32], threads: Int = 2) {
        let dead = slots.filter { contains(Int($0)) }
        guard !dead.isEmpty else { return }
        let isDead = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { isDead.deallocate() }
        isDead.initialize(repeating: 0, count: capacity)
        for slot in dead { isDead[Int(slot)] = 1 }

        // Affected nodes: live nodes with a link to a dead one, per level.
        var affected: [(slot: Int32, level: Int)] = []
        for slot in 0..<capacity where levels[slot] >= 0 && isDead[slot] == 0 {
            for level in 0...Int(levels[slot]) {
                let list = links(Int32(slot), level)
                for j in 0..<Int(list[0]) where isDead[Int(list[1 + j])] != 0 {
                    affected.append((Int32(slot), level))
                    break
                }
            }
        }
        let threadCount = max(1, min(threads, affected.count))
        let beam = max(parameters.efConstruction, maxM0 + 1)
        let scratches = (0..<threadCount).map { _ in HNSWScratch(capacity: capacity, beam: beam) }
        // Each affected list is rewritten only by its own task and reads only the (unchanging)
        // lists of dead nodes, so no locks are needed.
        let work = affected
        nonisolated(unsafe) let deadFlags = UnsafePointer(isDead)
        DispatchQueue.concurrentPerform(iterations: threadCount) { thread in
            var i = thread
            while i < work.count {
                repair(work[i].slot, level: work[i].level, isDead: deadFlags, scratch: scratches[thread])
                i += threadCount
            }
        }

        for slot in dead {
            levels[Int(slot)] = -1
            nodeCount -= 1
        }
        if entryPoint >= 0 && isDead[Int(entryPoint)] != 0 { chooseEntryPoint() }
    }

    /// Rewrites `slot`'s links on `level` without the dead nodes.
    private func repair(_ slot: Int32, level: Int, isDead: UnsafePointer<UInt8>, scratch: HNSWScratch) {
        let list = links(slot, level)
        let base = vectors.row(Int(slot))
        scratch.nextGeneration()
        let visited = scratch.visited, generation = scratch.generation
        visited[Int(slot)] = generation
        // Gather the candidates (at most maxM0 + maxM0², bounded by the graph's capacity).
        let keys = scratch.candidateKeys, found = scratch.candidateSlots
        var count = 0
        func consider(_ candidate: Int32) {
            let c = Int(candidate)
            guard isDead[c] == 0, visited[c] != generation else { return }
            visited[c] = generation
            found[count] = candidate
            keys[count] = score(base, vectors.row(c), dim)
            count += 1
        }
        for j in 0..<Int(list[0]) {
            let neighbour = list[1 + j]
            if isDead[Int(neighbour)] != 0 {
                let hop = links(neighbour, level)
                for h in 0..<Int(hop[0]) { consider(hop[1 + h]) }
            } else {
                consider(neighbour)
            }
        }
        // The best `beam` candidates, best first, then the heuristic.
        var order = Array(0..<count)
        order.sort { keys[$0] > keys[$1] || (keys[$0] == keys[$1] && found[$0] < found[$1]) }
        let n = min(count, scratch.beam)
        for i in 0..<n {
            scratch.sortedSlots[i] = found[order[i]]
            scratch.sortedScores[i] = keys[order[i]]
        }
        let kept = selectNeighbours(slots: scratch.sortedSlots, scores: scratch.sortedScores, count: n,
                                    limit: maxLinks(level), into: scratch.keptSlots)
        (list + 1).update(from: scratch.keptSlots, count: kept)
        list[0] = Int32(kept)
    }

    /// The live node of the highest level (lowest slot among equals) becomes the entry point.
    func chooseEntryPoint() {
        entryPoint = -1
        maxLevel = -1
        for slot in 0..<capacity where Int(levels[slot]) > maxLevel {
            maxLevel = Int(levels[slot])
            entryPoint = Int32(slot)
        }
    }
}
