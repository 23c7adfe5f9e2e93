// Okapi BM25 over the records' texts (Robertson and Zaragoza, "The Probabilistic Relevance
// Framework: BM25 and Beyond", 2009), with Lucene's idf, ln(1 + (N − df + 0.5)/(df + 0.5)),
// which is never negative:
//
//   score(q, d) = Σ_{t ∈ q} idf(t) · tf(t,d)·(k1 + 1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl))
//
// A query term that occurs twice counts twice, as in Anserini's bag-of-words queries.
//
// Layout (the arrays stored in the index file, see docs/index-format.md): the term
// dictionary sorted by UTF-8 bytes — `termBytes` concatenated, term i at
// termBytes[termStarts[i]..<termStarts[i+1]] — and postings grouped by term, term i's at
// postingDocs/postingCounts[postingStarts[i]..<postingStarts[i+1]] in increasing document
// order. Looking a term up is a binary search over the mapped bytes, so opening costs nothing.

public struct BM25Parameters: Sendable, Equatable {
    public var k1: Float
    public var b: Float

    /// Robertson's classic k1 1.2, b 0.75. Measured with this analyser (title + " " + text,
    /// Porter, stop words), nDCG@10 on SciFact test: 0.6826 (Anserini's BEIR setting 0.9 / 0.4
    /// gives 0.6777 here; Anserini flat publishes 0.6789); on Cranfield 0.3669 versus 0.3514.
    public init(k1: Float = 1.2, b: Float = 0.75) {
        self.k1 = k1
        self.b = b
    }
}

public final class BM25Index: @unchecked Sendable {
    public let analyzer: TextAnalyzer
    public let parameters: BM25Parameters
    public let documentCount: Int
    public let averageLength: Float
    let termBytes: UnsafeBufferPointer<UInt8>
    let termStarts: UnsafeBufferPointer<Int64>      // (terms + 1)
    let postingStarts: UnsafeBufferPointer<Int64>   // (terms + 1)
    let postingDocs: UnsafeBufferPointer<Int32>     // (postings)
    let postingCounts: UnsafeBufferPointer<Int32>   // (postings)
    let documentLengths: UnsafeBufferPointer<Int32> // (documents)
    /// Keeps the memory above alive: owned buffers, or a mapped file.
    private let owner: AnyObject

    public var termCount: Int { termStarts.count - 1 }
    public var postingCount: Int { postingDocs.count }

    /// Indexes `documents`; document i is slot i.
    public convenience init(documents: [String], analyzer: TextAnalyzer = TextAnalyzer(),
                            parameters: BM25Parameters = BM25Parameters()) {
        var ids: [String: Int32] = [:]
        var termPostings: [[(doc: Int32, count: Int32)]] = []
        var lengths: [Int32] = []
        lengths.reserveCapacity(documents.count)
        for (d, text) in documents.enumerated() {
            let terms = analyzer.terms(text)
            lengths.append(Int32(terms.count))
            var counts: [Int32: Int32] = [:]
            for term in terms {
                let id: Int32
                if let known = ids[term] {
                    id = known
                } else {
                    id = Int32(termPostings.count)
                    ids[term] = id
                    termPostings.append([])
                }
                counts[id, default: 0] += 1
            }
            for (id, count) in counts { termPostings[Int(id)].append((Int32(d), count)) }
        }
        let order = ids.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let store = OwnedBuffers()
        var bytes: [UInt8] = [], termStarts: [Int64] = [0], postingStarts: [Int64] = [0]
        var docs: [Int32] = [], counts: [Int32] = []
        for (term, id) in order {
            bytes.append(contentsOf: term.utf8)
            termStarts.append(Int64(bytes.count))
            // Documents were visited in order, so each list is already increasing.
            for posting in termPostings[Int(id)] {
                docs.append(posting.doc)
                counts.append(posting.count)
            }
            postingStarts.append(Int64(docs.count))
        }
        self.init(analyzer: analyzer, parameters: parameters, termBytes: store.keep(bytes),
                  termStarts: store.keep(termStarts), postingStarts: store.keep(postingStarts),
                  postingDocs: store.keep(docs), postingCounts: store.keep(counts),
                  documentLengths: store.keep(lengths), owner: store)
    }

    /// Wraps arrays read from a file; `owner` keeps them alive. The caller has validated them
    /// (BM25Index.validate).
    init(analyzer: TextAnalyzer, parameters: BM25Parameters, termBytes: UnsafeBufferPointer<UInt8>,
         termStarts: UnsafeBufferPointer<Int64>, postingStarts: UnsafeBufferPointer<Int64>,
         postingDocs: UnsafeBufferPointer<Int32>, postingCounts: UnsafeBufferPointer<Int32>,
         documentLengths: UnsafeBufferPointer<Int32>, owner: AnyObject) {
        self.analyzer = analyzer
        self.parameters = parameters
        self.termBytes = termBytes
        self.termStarts = termStarts
        self.postingStarts = postingStarts
        self.postingDocs = postingDocs
        self.postingCounts = postingCounts
        self.documentLengths = documentLengths
        self.owner = owner
        documentCount = documentLengths.count
        let total = documentLengths.reduce(0) { $0 + Int($1) }
        averageLength = documentCount > 0 ? max(Float(total) / Float(documentCount), 1) : 1
    }

    /// The dictionary index of `term`, by binary search over the sorted term bytes.
    func lookup(_ term: String) -> Int? {
        let key = Array(term.utf8)
        var low = 0, high = termCount
        while low < high {
            let mid = (low + high) / 2
            let entry = UnsafeBufferPointer(rebasing: termBytes[Int(termStarts[mid])..<Int(termStarts[mid + 1])])
            if entry.lexicographicallyPrecedes(key) {
                low = mid + 1
            } else if key.lexicographicallyPrecedes(entry) {
                high = mid
            } else {
                return mid
            }
        }
        return nil
    }

    /// Document frequency of an analysed term (0 when absent).
    public func documentFrequency(ofTerm term: String) -> Int {
        guard let t = lookup(term) else { return 0 }
        return Int(postingStarts[t + 1] - postingStarts[t])
    }

    /// The `k` best documents for `query`, best first; documents with no query term are never
    /// returned. `accept` (one byte per document, 0 excludes) filters during the search.
    public func search(_ query: String, k: Int, accept: UnsafePointer<UInt8>? = nil) -> [ScoredSlot] {
        guard k > 0, documentCount > 0 else { return [] }
        var weights: [Int: Float] = [:]
        for term in analyzer.terms(query) {
            guard let t = lookup(term) else { continue }
            weights[t, default: 0] += 1
        }
        guard !weights.isEmpty else { return [] }
        let n = Float(documentCount)
        let k1 = parameters.k1, b = parameters.b
        let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: documentCount)  // (documents)
        defer { accumulator.deallocate() }
        accumulator.initialize(repeating: 0, count: documentCount)
        let lengthScale = b / averageLength
        for (t, queryCount) in weights.sorted(by: { $0.key < $1.key }) {
            let start = Int(postingStarts[t]), end = Int(postingStarts[t + 1])
            let df = Float(end - start)
            let idf = _logf(1 + (n - df + 0.5) / (df + 0.5)) * queryCount
            for p in start..<end {
                let d = Int(postingDocs[p])
                let tf = Float(postingCounts[p])
                let norm = k1 * (1 - b + lengthScale * Float(documentLengths[d]))
                accumulator[d] += idf * tf * (k1 + 1) / (tf + norm)
            }
        }
        var top = TopK(k: k)
        for d in 0..<documentCount where accumulator[d] > 0 && accumulator[d] >= top.threshold {
            if let accept, accept[d] == 0 { continue }
            top.push(slot: Int32(d), score: accumulator[d])
        }
        return top.sorted()
    }
}

/// Buffers allocated for an index built in memory, freed together.
final class OwnedBuffers {
    private var pointers: [UnsafeMutableRawPointer] = []

    func keep<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
        _ = UnsafeMutableBufferPointer(start: pointer, count: array.count).initialize(from: array)
        pointers.append(UnsafeMutableRawPointer(pointer))
        return UnsafeBufferPointer(start: pointer, count: array.count)
    }

    deinit { for p in pointers { p.deallocate() } }
}
