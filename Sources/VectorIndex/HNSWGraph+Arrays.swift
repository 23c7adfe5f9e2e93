// The graph as flat arrays, for the index file: slots renumbered densely (removed and free
// slots dropped), so a written graph carries no dead space, and restored with every field
// checked, because a file is never trusted.

/// A compact graph: node i's level 0 list is level0[i·(2m+1) ..< (i+1)·(2m+1)] (a count, then
/// the links, then unused entries set to −1), and its levels 1...levels[i] are consecutive
/// blocks of (m + 1) in `upper`, nodes in slot order.
public struct HNSWArrays: Sendable, Equatable {
    public var levels: [Int32]   // (n)
    public var level0: [Int32]   // (n, 2m + 1)
    public var upper: [Int32]    // (Σ levels, m + 1)
    public var entryPoint: Int32
    public var maxLevel: Int
    public var levelDraws: UInt64

    public init(levels: [Int32], level0: [Int32], upper: [Int32], entryPoint: Int32, maxLevel: Int, levelDraws: UInt64) {
        self.levels = levels
        self.level0 = level0
        self.upper = upper
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
        self.levelDraws = levelDraws
    }

    /// What is wrong with these arrays as a graph of `count` nodes with parameter `m`, or nil.
    public func problem(count: Int, m: Int) -> String? {
        let stride0 = 2 * m + 1, strideUpper = m + 1
        guard levels.count == count else { return "hnsw.levels has \(levels.count) entries, expected \(count)" }
        guard level0.count == count * stride0 else {
            return "hnsw.level0 has \(level0.count) entries, expected \(count) × \(stride0)"
        }
        var blocks = 0, top = -1
        for (i, level) in levels.enumerated() {
            guard level >= 0 && Int(level) <= HNSWGraph.maxLevelCap else {
                return "node \(i) has level \(level), expected 0...\(HNSWGraph.maxLevelCap)"
            }
            blocks += Int(level)
            top = max(top, Int(level))
        }
        guard upper.count == blocks * strideUpper else {
            return "hnsw.upper has \(upper.count) entries, expected \(blocks) × \(strideUpper) for the node levels"
        }
        guard maxLevel == top else { return "max level is \(maxLevel), but the highest node level is \(top)" }
        if count == 0 {
            guard entryPoint == -1 else { return "entry point \(entryPoint) in an empty graph" }
        } else {
            guard entryPoint >= 0, Int(entryPoint) < count, Int(levels[Int(entryPoint)]) == top else {
                return "entry point \(entryPoint) is not a node of the top level \(top)"
            }
        }
        func check(_ list: ArraySlice<Int32>, node: Int, level: Int, limit: Int) -> String? {
            let n = Int(list[list.startIndex])
            guard n >= 0 && n <= limit else { return "node \(node) has \(n) links on level \(level), at most \(limit) allowed" }
            for link in list.dropFirst().prefix(n) {
                guard link >= 0, Int(link) < count, Int(link) != node, Int(levels[Int(link)]) >= level else {
                    return "node \(node) links to \(link) on level \(level), which is not a node of that level"
                }
            }
            return nil
        }
        var block = 0
        for i in 0..<count {
            if let p = check(level0[(i * stride0)..<((i + 1) * stride0)], node: i, level: 0, limit: 2 * m) { return p }
            for level in stride(from: 1, through: Int(levels[i]), by: 1) {
                if let p = check(upper[(block * strideUpper)..<((block + 1) * strideUpper)], node: i, level: level, limit: m) {
                    return p
                }
                block += 1
            }
        }
        return nil
    }
}

extension HNSWGraph {
    /// The graph renumbered by `newSlot` (old slot → new slot, −1 for rows not kept); every
    /// node of the graph must be kept. `count` is the number of new slots.
    public func arrays(newSlot: [Int32], count: Int) -> HNSWArrays {
        let stride0 = maxM0 + 1
        var newLevels = [Int32](repeating: 0, count: count)
        var newLevel0 = [Int32](repeating: -1, count: count * stride0)
        var oldOf = [Int32](repeating: -1, count: count)
        for old in 0..<min(newSlot.count, capacity) where newSlot[old] >= 0 {
            precondition(levels[old] >= 0, "slot \(old) is kept but is not in the graph")
            oldOf[Int(newSlot[old])] = Int32(old)
        }
        var newUpper: [Int32] = []
        for new in 0..<count {
            let old = oldOf[new]
            precondition(old >= 0, "new slot \(new) has no node")
            newLevels[new] = levels[Int(old)]
            for level in 0...Int(levels[Int(old)]) {
                let list = links(old, level)
                let n = Int(list[0])
                var out: [Int32] = [Int32(n)]
                for j in 0..<n {
                    let target = newSlot[Int(list[1 + j])]
                    precondition(target >= 0, "slot \(old) links to a dropped slot \(list[1 + j])")
                    out.append(target)
                }
                if level == 0 {
                    for (j, v) in out.enumerated() { newLevel0[new * stride0 + j] = v }
                } else {
                    out.append(contentsOf: repeatElement(-1, count: m + 1 - out.count))
                    newUpper.append(contentsOf: out)
                }
            }
        }
        let entry = entryPoint >= 0 ? newSlot[Int(entryPoint)] : -1
        return HNSWArrays(levels: newLevels, level0: newLevel0, upper: newUpper, entryPoint: entry,
                          maxLevel: count == 0 ? -1 : maxLevel, levelDraws: levelDraws)
    }

    /// A graph over `vectors` (whose rows are the nodes) from arrays that passed
    /// `HNSWArrays.problem(count:m:)`.
    public convenience init(vectors: VectorMatrix, parameters: HNSWParameters, arrays: HNSWArrays) {
        let count = arrays.levels.count
        precondition(arrays.problem(count: count, m: parameters.m) == nil && vectors.rows >= count,
                     "HNSW arrays must be validated before use")
        self.init(vectors: vectors, parameters: parameters)
        reserve(count)
        let stride0 = maxM0 + 1
        arrays.level0.withUnsafeBufferPointer { level0.update(from: $0.baseAddress!, count: count * stride0) }
        var blocks = 0
        for i in 0..<count {
            levels[i] = arrays.levels[i]
            upperStart[i] = Int32(blocks)
            blocks += Int(arrays.levels[i])
        }
        reserveUpper(blocks)
        if blocks > 0 {
            arrays.upper.withUnsafeBufferPointer { upper.update(from: $0.baseAddress!, count: blocks * (m + 1)) }
        }
        upperCount = blocks
        nodeCount = count
        entryPoint = arrays.entryPoint
        maxLevel = arrays.maxLevel
        levelDraws = arrays.levelDraws
    }
}
