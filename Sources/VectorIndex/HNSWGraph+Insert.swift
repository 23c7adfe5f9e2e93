import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Insertion (algorithm 1 of the paper) with the neighbour-selection heuristic (algorithm 4),
// in parallel: threads insert interleaved slots and lock one node's link list at a time, as
// hnswlib does. The node-level draws are made up front in slot order, so levels are
// deterministic; with more than one thread the links depend on timing (use threads: 1 for a
// bit-identical graph).

extension HNSWGraph {
    /// Adds rows `slots` (already written to `vectors`) to the graph.
    public func insert(slots: [Int32], threads: Int = 2) {
        guard !slots.isEmpty else { return }
        reserve(vectors.rows)
        for slot in slots { prepareNode(slot, level: drawLevel()) }
        let threadCount = max(1, min(threads, slots.count))
        let beam = max(parameters.efConstruction, maxM0 + 1)
        let scratches = (0..<threadCount).map { _ in HNSWScratch(capacity: capacity, beam: beam) }
        if threadCount == 1 {
            for slot in slots { insertNode(slot, scratch: scratches[0]) }
        } else {
            DispatchQueue.concurrentPerform(iterations: threadCount) { thread in
                var i = thread
                while i < slots.count {
                    insertNode(slots[i], scratch: scratches[thread])
                    i += threadCount
                }
            }
        }
    }

    private func insertNode(_ slot: Int32, scratch: HNSWScratch) {
        let level = Int(levels[Int(slot)])
        let query = UnsafePointer(vectors.row(Int(slot)))
        // A node that raises the top level keeps the global lock until it is the entry point.
        pthread_mutex_lock(globalLock)
        let top = maxLevel
        var current = entryPoint
        if current < 0 {
            entryPoint = slot
            maxLevel = level
            pthread_mutex_unlock(globalLock)
            return
        }
        let holdsGlobal = level > top
        if !holdsGlobal { pthread_mutex_unlock(globalLock) }

        var currentScore = score(query, vectors.row(Int(current)), dim)
        if level < top {
            for l in stride(from: top, to: level, by: -1) {
                greedy(query, level: l, current: &current, score: &currentScore, locked: true)
            }
        }
        for l in stride(from: min(level, top), through: 0, by: -1) {
            let found = searchLayer(query, entry: current, entryScore: currentScore, beam: parameters.efConstruction,
                                    level: l, accept: nil, locked: true, scratch: scratch)
            // The search may run into the node itself through a link written by a neighbour
            // already; it must not link to itself.
            var n = 0
            for i in 0..<found where scratch.sortedSlots[i] != slot {
                scratch.sortedSlots[n] = scratch.sortedSlots[i]
                scratch.sortedScores[n] = scratch.sortedScores[i]
                n += 1
            }
            guard n > 0 else { continue }
            current = scratch.sortedSlots[0]
            currentScore = scratch.sortedScores[0]
            let kept = selectNeighbours(slots: scratch.sortedSlots, scores: scratch.sortedScores, count: n,
                                        limit: m, into: scratch.keptSlots)
            connect(slot, level: l, selected: scratch.keptSlots, count: kept, scratch: scratch)
        }
        if holdsGlobal {
            entryPoint = slot
            maxLevel = level
            pthread_mutex_unlock(globalLock)
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

    /// Writes `slot`'s links on `level` and adds the reverse link to each selected neighbour,
    /// re-selecting a neighbour's links by the heuristic when its list is full.
    private func connect(_ slot: Int32, level: Int, selected: UnsafePointer<Int32>, count: Int,
                         scratch: HNSWScratch) {
        pthread_mutex_lock(locks + Int(slot))
        let own = links(slot, level)
        own[0] = Int32(count)
        (own + 1).update(from: selected, count: count)
        pthread_mutex_unlock(locks + Int(slot))

        let limit = maxLinks(level)
        for i in 0..<count {
            let neighbour = selected[i]
            pthread_mutex_lock(locks + Int(neighbour))
            let list = links(neighbour, level)
            let n = Int(list[0])
            var present = false
            for j in 0..<n where list[1 + j] == slot { present = true }
            if !present {
                if n < limit {
                    list[1 + n] = slot
                    list[0] = Int32(n + 1)
                } else {
                    relink(neighbour, list: list, adding: slot, limit: limit, scratch: scratch)
                }
            }
            pthread_mutex_unlock(locks + Int(neighbour))
        }
    }

    /// Re-selects the full link list of `node` from its current links plus `extra`.
    private func relink(_ node: Int32, list: UnsafeMutablePointer<Int32>, adding extra: Int32, limit: Int,
                        scratch: HNSWScratch) {
        let base = vectors.row(Int(node))
        let n = Int(list[0])
        let slots = scratch.pruneSlots, scores = scratch.pruneScores
        for j in 0..<n {
            slots[j] = list[1 + j]
        }
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
