// Per-thread working memory of HNSW search and insertion (llama2.c's "run state"): allocated
// once and reused, so a query allocates only its result array.

// Sendable only so a parallel build can hand one to each thread; never share one between
// two threads at once.
public final class HNSWScratch: @unchecked Sendable {
    /// Visit marks: slot i was visited in the current search when visited[i] == generation.
    var visited: UnsafeMutablePointer<UInt32>
    var generation: UInt32 = 0
    private(set) var capacity: Int
    // Candidate heap: at most every slot once.
    var candidateKeys: UnsafeMutablePointer<Float>
    var candidateSlots: UnsafeMutablePointer<Int32>
    // Result heap and neighbour-selection buffers: bounded by `beam`.
    var resultKeys: UnsafeMutablePointer<Float>
    var resultSlots: UnsafeMutablePointer<Int32>
    var sortedScores: UnsafeMutablePointer<Float>
    var sortedSlots: UnsafeMutablePointer<Int32>
    var keptSlots: UnsafeMutablePointer<Int32>
    /// The unvisited neighbours of the node being expanded, scored together.
    var gathered: UnsafeMutablePointer<Int32>
    /// The query rescaled for scoring by eight-bit codes (ScalarCodes.prepare).
    var scaledQuery: UnsafeMutablePointer<Float>
    private(set) var dim = 0
    // Re-selecting an overflowing neighbour's links while the new node's own selection is
    // still being walked: a second set of buffers.
    var pruneScores: UnsafeMutablePointer<Float>
    var pruneSlots: UnsafeMutablePointer<Int32>
    var pruneKept: UnsafeMutablePointer<Int32>
    private(set) var beam: Int

    public init(capacity: Int = 0, beam: Int = 0) {
        self.capacity = 0
        self.beam = 0
        visited = .allocate(capacity: 1)
        candidateKeys = .allocate(capacity: 1)
        candidateSlots = .allocate(capacity: 1)
        resultKeys = .allocate(capacity: 1)
        resultSlots = .allocate(capacity: 1)
        sortedScores = .allocate(capacity: 1)
        sortedSlots = .allocate(capacity: 1)
        keptSlots = .allocate(capacity: 1)
        gathered = .allocate(capacity: 1)
        scaledQuery = .allocate(capacity: 1)
        pruneScores = .allocate(capacity: 1)
        pruneSlots = .allocate(capacity: 1)
        pruneKept = .allocate(capacity: 1)
        prepare(capacity: capacity, beam: beam)
    }

    deinit {
        visited.deallocate(); candidateKeys.deallocate(); candidateSlots.deallocate()
        resultKeys.deallocate(); resultSlots.deallocate(); sortedScores.deallocate()
        sortedSlots.deallocate(); keptSlots.deallocate(); gathered.deallocate(); scaledQuery.deallocate()
        pruneScores.deallocate(); pruneSlots.deallocate(); pruneKept.deallocate()
    }

    /// Makes room for a graph of `capacity` slots, a search beam (ef, or the largest link list
    /// plus one) of `beam` and queries of `dim` floats.
    func prepare(capacity needed: Int, beam neededBeam: Int, dim neededDim: Int = 0) {
        if neededDim > dim {
            scaledQuery.deallocate()
            scaledQuery = .allocate(capacity: neededDim)
            dim = neededDim
        }
        if needed > capacity {
            visited.deallocate(); candidateKeys.deallocate(); candidateSlots.deallocate()
            visited = .allocate(capacity: needed)
            visited.initialize(repeating: 0, count: needed)
            generation = 0
            candidateKeys = .allocate(capacity: needed)
            candidateSlots = .allocate(capacity: needed)
            capacity = needed
        }
        if neededBeam > beam {
            resultKeys.deallocate(); resultSlots.deallocate(); sortedScores.deallocate()
            sortedSlots.deallocate(); keptSlots.deallocate(); gathered.deallocate()
            pruneScores.deallocate(); pruneSlots.deallocate(); pruneKept.deallocate()
            let n = neededBeam + 1
            resultKeys = .allocate(capacity: n)
            resultSlots = .allocate(capacity: n)
            sortedScores = .allocate(capacity: n)
            sortedSlots = .allocate(capacity: n)
            keptSlots = .allocate(capacity: n)
            gathered = .allocate(capacity: n)
            pruneScores = .allocate(capacity: n)
            pruneSlots = .allocate(capacity: n)
            pruneKept = .allocate(capacity: n)
            beam = neededBeam
        }
    }

    /// Starts a new search: every slot becomes unvisited.
    @inline(__always)
    func nextGeneration() {
        generation &+= 1
        if generation == 0 {
            visited.update(repeating: 0, count: capacity)
            generation = 1
        }
    }
}
