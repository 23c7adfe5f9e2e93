// Hierarchical navigable small world graph (Malkov and Yashunin, "Efficient and robust
// approximate nearest neighbor search using HNSW graphs", TPAMI 2018) over the rows of a
// VectorMatrix, scored by inner product (higher is closer).
//
// Layout, after hnswlib: no node objects. Per slot, level 0 links live in one flat array of
// (capacity, maxM0 + 1) Int32 — a count followed by up to maxM0 neighbour slots — and the links
// of levels 1...L of a node are L consecutive blocks of (m + 1) Int32 in a shared pool, the
// first at `upperStart[slot]`. `levels[slot]` is −1 for a slot that is not in the graph
// (never inserted, or deleted). Deletion is real (HNSWGraph+Deletion.swift): links to a
// deleted node are repaired, so the graph never routes through dead nodes.

public struct HNSWParameters: Sendable, Equatable {
    /// Links per node on levels ≥ 1; level 0 keeps up to 2m.
    public var m: Int
    /// Beam width while inserting.
    public var efConstruction: Int
    /// Seed of the level draws: equal input gives an identical graph, on any number of threads.
    public var seed: UInt64

    public init(m: Int = 32, efConstruction: Int = 200, seed: UInt64 = 0x6C6F_7261_6748_4E53) {
        self.m = m
        self.efConstruction = efConstruction
        self.seed = seed
    }
}

public final class HNSWGraph: @unchecked Sendable {
    public let parameters: HNSWParameters
    public let vectors: VectorMatrix
    let m: Int
    let maxM0: Int
    /// 1 / ln(m): the paper's optimal level multiplier.
    let levelScale: Double
    static let maxLevelCap = 16

    private(set) var capacity = 0
    var levels: UnsafeMutablePointer<Int32>        // (capacity)
    var level0: UnsafeMutablePointer<Int32>        // (capacity, maxM0 + 1)
    var upperStart: UnsafeMutablePointer<Int32>    // (capacity)
    var upper: UnsafeMutablePointer<Int32>         // (upperCapacity, m + 1)
    var upperCount = 0
    private(set) var upperCapacity = 0

    public internal(set) var entryPoint: Int32 = -1
    public internal(set) var maxLevel = -1
    public internal(set) var nodeCount = 0
    /// Level draws made so far; the next draw uses the generator advanced this far, so a
    /// reopened index keeps drawing the same sequence.
    public internal(set) var levelDraws: UInt64 = 0

    public init(vectors: VectorMatrix, parameters: HNSWParameters = HNSWParameters()) {
        precondition(parameters.m >= 2 && parameters.efConstruction >= 1, "HNSW needs m ≥ 2 and efConstruction ≥ 1")
        self.parameters = parameters
        self.vectors = vectors
        m = parameters.m
        maxM0 = 2 * parameters.m
        levelScale = 1 / _log(Double(parameters.m))
        levels = .allocate(capacity: 1)
        level0 = .allocate(capacity: 1)
        upperStart = .allocate(capacity: 1)
        upper = .allocate(capacity: 1)
        reserveUpper(16)
        reserve(max(vectors.capacity, 16))
    }

    deinit {
        levels.deallocate(); level0.deallocate(); upperStart.deallocate(); upper.deallocate()
    }

    public var dim: Int { vectors.dim }

    /// Inner product, bit for bit what the graph walk's FloatScorer computes.
    @inline(__always)
    func score(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dim: Int) -> Float {
        InnerProduct.dot(a, b, dim)
    }

    // MARK: Storage

    /// Grows the per-slot arrays to at least `needed` slots. Not thread-safe: called between
    /// parallel phases, never during one.
    func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = max(capacity, 16)
        while newCapacity < needed { newCapacity *= 2 }
        let stride0 = maxM0 + 1
        let newLevels = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        let newLevel0 = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity * stride0)
        let newUpperStart = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        if capacity > 0 {
            newLevels.update(from: levels, count: capacity)
            newLevel0.update(from: level0, count: capacity * stride0)
            newUpperStart.update(from: upperStart, count: capacity)
        }
        (newLevels + capacity).initialize(repeating: -1, count: newCapacity - capacity)
        (newLevel0 + capacity * stride0).initialize(repeating: 0, count: (newCapacity - capacity) * stride0)
        (newUpperStart + capacity).initialize(repeating: 0, count: newCapacity - capacity)
        levels.deallocate(); level0.deallocate(); upperStart.deallocate()
        levels = newLevels; level0 = newLevel0; upperStart = newUpperStart
        capacity = newCapacity
    }

    func reserveUpper(_ needed: Int) {
        guard needed > upperCapacity else { return }
        var newCapacity = max(upperCapacity, 16)
        while newCapacity < needed { newCapacity *= 2 }
        let fresh = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity * (m + 1))
        if upperCount > 0 { fresh.update(from: upper, count: upperCount * (m + 1)) }
        upper.deallocate()
        upper = fresh
        upperCapacity = newCapacity
    }

    /// The link list of `slot` on `level`: element 0 is the count, then the neighbours.
    @inline(__always)
    func links(_ slot: Int32, _ level: Int) -> UnsafeMutablePointer<Int32> {
        level == 0
            ? level0 + Int(slot) * (maxM0 + 1)
            : upper + (Int(upperStart[Int(slot)]) + level - 1) * (m + 1)
    }

    @inline(__always)
    func maxLinks(_ level: Int) -> Int { level == 0 ? maxM0 : m }

    /// Whether `slot` is a node of the graph.
    public func contains(_ slot: Int) -> Bool { slot < capacity && levels[slot] >= 0 }

    /// The level of `slot`, or nil when it is not in the graph.
    public func level(of slot: Int) -> Int? { contains(slot) ? Int(levels[slot]) : nil }

    /// The neighbours of `slot` on `level` (for tests and the file writer).
    public func neighbours(of slot: Int, level: Int) -> [Int32] {
        guard contains(slot), level <= Int(levels[slot]) else { return [] }
        let list = links(Int32(slot), level)
        return Array(UnsafeBufferPointer(start: list + 1, count: Int(list[0])))
    }

    /// Draws the next node level from the seeded sequence: floor(−ln(u) · 1/ln(m)).
    func drawLevel() -> Int {
        var generator = SeededRandom(seed: parameters.seed &+ levelDraws &* 0x9E37_79B9_7F4A_7C15)
        levelDraws += 1
        return min(Int(-_log(generator.unitInterval()) * levelScale), HNSWGraph.maxLevelCap)
    }

    /// Puts `slot` in the graph's bookkeeping with `level` and empty link lists.
    func prepareNode(_ slot: Int32, level: Int) {
        let s = Int(slot)
        precondition(s < capacity && levels[s] < 0, "slot \(s) already in the graph or out of range")
        levels[s] = Int32(level)
        level0[s * (maxM0 + 1)] = 0
        if level > 0 {
            reserveUpper(upperCount + level)
            upperStart[s] = Int32(upperCount)
            for l in 0..<level { upper[(upperCount + l) * (m + 1)] = 0 }
            upperCount += level
        }
        nodeCount += 1
    }
}
