/// How chunk sizes are measured.
public enum SizeUnit: Sendable {
    /// Unicode scalars (code points), the unit of `start`/`end`.
    case characters
    /// Tokens of the embedding model, counted by the caller's tokenizer without special tokens
    /// ([CLS]/[SEP]): the limit is the model's sequence length minus those.
    case tokens(any TokenCounter)
}

/// Size limits for `Chunker`, all in `unit`.
public struct ChunkingOptions: Sendable {
    public var unit: SizeUnit
    /// No chunk is larger than this.
    public var maxSize: Int
    /// Each chunk after the first of a section starts with up to this much of the end of the
    /// previous one, in whole words.
    public var overlap: Int
    /// Pieces smaller than this are merged with a neighbour in the same section when the merged
    /// chunk fits; a section that holds only headings is joined to the section that follows.
    public var minSize: Int

    /// all-MiniLM-L6-v2 has max_seq_length 256 (sentence_bert_config.json), of which [CLS] and
    /// [SEP] take two.
    public static let defaultMaxTokens = 254

    public init(unit: SizeUnit, maxSize: Int, overlap: Int = 0, minSize: Int = 0) throws {
        guard maxSize >= 1 else {
            throw ChunkingError.invalidOptions("the largest chunk size must be at least 1, got \(maxSize)")
        }
        guard overlap >= 0 && overlap < maxSize else {
            throw ChunkingError.invalidOptions("overlap must be at least 0 and below the largest chunk size \(maxSize), got \(overlap)")
        }
        guard minSize >= 0 && minSize <= maxSize else {
            throw ChunkingError.invalidOptions("the smallest chunk size must be between 0 and the largest (\(maxSize)), got \(minSize)")
        }
        self.unit = unit
        self.maxSize = maxSize
        self.overlap = overlap
        self.minSize = minSize
    }

    /// The size of `text` in `unit`.
    public func size(of text: Substring) -> Int {
        switch unit {
        case .characters: return text.unicodeScalars.count
        case let .tokens(counter): return counter.count(text)
        }
    }
}
