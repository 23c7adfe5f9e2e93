import LoragBasics

// Everything one index file holds, in memory: the vectors, ids, hashes and stored records
// (slot i of each is record i), the embedding model's identity, the HNSW graph over the
// vectors and the BM25 index over the records' texts. After opening or updating, slots are
// dense (0..<count) and in the order of the file.
//
// Three lifetimes, as in llama2.c: the configuration (dimension, model, parameters) is fixed
// per index; the data is mapped from the file or owned after an update; search scratch
// belongs to the caller (SearchSession).

public final class KnowledgeBase: @unchecked Sendable {
    public struct Configuration: Sendable, Equatable {
        public var hnsw: HNSWParameters
        public var bm25: BM25Parameters
        public var analyzer: TextAnalyzer
        /// Threads for building and repairing the graph.
        public var threads: Int

        public init(hnsw: HNSWParameters = HNSWParameters(), bm25: BM25Parameters = BM25Parameters(),
                    analyzer: TextAnalyzer = TextAnalyzer(), threads: Int = 2) {
            self.hnsw = hnsw
            self.bm25 = bm25
            self.analyzer = analyzer
            self.threads = threads
        }
    }

    public internal(set) var configuration: Configuration
    /// Vector length; 0 until the first record arrives.
    public internal(set) var dim: Int
    /// The embedding model's identity ("name@sha256:…"), when the records named one.
    public internal(set) var model: String?
    public internal(set) var vectors: VectorMatrix
    public internal(set) var graph: HNSWGraph
    public internal(set) var ids: StringTable
    public internal(set) var hashes: StringTable
    /// Each record as compact JSON (without its embedding).
    public internal(set) var records: StringTable
    public internal(set) var bm25: BM25Index
    /// Eight-bit codes of the vectors for the graph walk (ScalarCodes.swift); made anew after
    /// every update, read from the file when it has them.
    public internal(set) var codes: ScalarCodes
    var slotOfID: [String: Int32]
    /// HNSW search memory reused from one search call to the next.
    let scratchPool = HNSWScratchPool()

    public var count: Int { ids.count }

    /// An empty index; the first update fixes the dimension and model.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        dim = 0
        model = nil
        vectors = VectorMatrix(dim: 1)
        graph = HNSWGraph(vectors: vectors, parameters: configuration.hnsw)
        ids = StringTable(strings: [])
        hashes = StringTable(strings: [])
        records = StringTable(strings: [])
        bm25 = BM25Index(documents: [], analyzer: configuration.analyzer, parameters: configuration.bm25)
        codes = ScalarCodes(quantizing: vectors)
        slotOfID = [:]
    }

    init(configuration: Configuration, dim: Int, model: String?, vectors: VectorMatrix, graph: HNSWGraph,
         ids: StringTable, hashes: StringTable, records: StringTable, bm25: BM25Index, codes: ScalarCodes? = nil) {
        self.configuration = configuration
        self.dim = dim
        self.model = model
        self.vectors = vectors
        self.graph = graph
        self.ids = ids
        self.hashes = hashes
        self.records = records
        self.bm25 = bm25
        self.codes = codes ?? ScalarCodes(quantizing: vectors)
        var slots: [String: Int32] = [:]
        slots.reserveCapacity(ids.count)
        for i in 0..<ids.count { slots[ids[i]] = Int32(i) }
        slotOfID = slots
    }

    /// The slot of `id`, or nil.
    public func slot(of id: String) -> Int? { slotOfID[id].map(Int.init) }

    /// The stored record at `slot` (its fields as given to `index`, without the embedding).
    public func record(at slot: Int) -> JSONObject {
        let bytes = records.bytes(slot)
        // Written by this library from a JSONObject, and checked when the file was opened.
        guard case let .object(object)? = try? JSONParser.parse(bytes) else { return JSONObject() }
        return object
    }

    /// The vector at `slot`.
    public func vector(at slot: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: vectors.row(slot), count: dim))
    }
}
