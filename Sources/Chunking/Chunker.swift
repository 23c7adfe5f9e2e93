/// Splits an extracted document into chunks no larger than `options.maxSize`.
///
/// Preference order: whole sections, then paragraphs (blocks), then sentences (lines for code
/// and tables), then words; a word larger than the limit is cut into the largest pieces that
/// fit. Within each level, neighbouring units are packed greedily while they fit. Every size
/// limit is checked on the exact size of the candidate chunk: for tokens, from one tokenisation of
/// the document where the counter declares its counts additive (`TokenSizes`), by exact counts of
/// the candidate's text elsewhere; sums of unit sizes are only used to avoid measuring candidates
/// that cannot fit.
public struct Chunker: Sendable {
    public let options: ChunkingOptions

    public init(options: ChunkingOptions) {
        self.options = options
    }

    /// The chunks of `document`, with ids `<docID>#0`, `<docID>#1`, ...
    public func chunks(of document: ExtractedDocument, docID: String) -> [Chunk] {
        let text = IndexedText(document.text)
        let spans = Run(text: text, options: options).spans(document)
        return spans.enumerated().map { n, span in
            Chunk(id: "\(docID)#\(n)", docID: docID, index: n, title: document.title,
                  section: document.sections[span.section],
                  text: String(text.substring(span.start, span.end)),
                  start: span.start, end: span.end)
        }
    }

    struct Span {
        var start: Int
        var end: Int
        var kind: TextBlock.Kind
        var section: Int
    }

    /// The state of one chunking run over one document.
    private struct Run {
        let text: IndexedText
        let options: ChunkingOptions
        /// Token counts of the document's stretches, with `.tokens`.
        let tokens: TokenSizes?

        init(text: IndexedText, options: ChunkingOptions) {
            self.text = text
            self.options = options
            switch options.unit {
            case .characters: tokens = nil
            case let .tokens(counter): tokens = TokenSizes(text: text, counter: counter)
            }
        }
        /// The size pieces are packed to: the overlap added later must fit in the limit too.
        var max: Int { options.maxSize - options.overlap }

        func size(_ start: Int, _ end: Int) -> Int {
            tokens?.size(start, end) ?? end - start
        }

        func spans(_ document: ExtractedDocument) -> [Span] {
            var out: [Span] = []
            for group in sectionGroups(document.blocks) {
                let section = group.last!.section
                var pieces: [(Int, Int)]
                if size(group.first!.start, group.last!.end) <= max {
                    pieces = [(group.first!.start, group.last!.end)]
                } else {
                    pieces = pack(group, split: { split($0) })
                }
                pieces = mergeSmall(pieces)
                if options.overlap > 0 { pieces = addOverlap(pieces) }
                out += pieces.map { Span(start: $0.0, end: $0.1, kind: .prose, section: section) }
            }
            return out
        }

        /// Consecutive blocks of one section; a group of headings only is joined to the group
        /// that follows it, so a heading is not a chunk of its own.
        func sectionGroups(_ blocks: [TextBlock]) -> [[Span]] {
            var groups: [[Span]] = []
            var current: [Span] = []
            var carried: [Span] = []
            func close() {
                guard !current.isEmpty else { return }
                if current.allSatisfy({ $0.kind == .heading }) {
                    carried += current
                } else {
                    groups.append(carried + current)
                    carried = []
                }
                current = []
            }
            for block in blocks {
                if let last = current.last, last.section != block.section { close() }
                current.append(Span(start: block.start, end: block.end, kind: block.kind, section: block.section))
            }
            close()
            if !carried.isEmpty { groups.append(carried) }
            // Carried headings take the section of the group they join.
            return groups.map { group in
                let section = group.last!.section
                return group.map { Span(start: $0.start, end: $0.end, kind: $0.kind, section: section) }
            }
        }

        /// Splits one unit that is larger than the limit at the next finer level.
        func split(_ unit: Span) -> [(Int, Int)] {
            switch unit.kind {
            case .prose:
                let sentences = text.sentences(unit.start, unit.end)
                if sentences.count > 1 { return pack(spans(sentences), split: { splitWords($0) }) }
            case .lines:
                let lines = text.lines(unit.start, unit.end)
                if lines.count > 1 { return pack(spans(lines), split: { splitWords($0) }) }
            case .heading:
                break
            }
            return splitWords(unit)
        }

        func splitWords(_ unit: Span) -> [(Int, Int)] {
            let words = text.words(unit.start, unit.end)
            if words.count > 1 { return pack(spans(words), split: { cut($0) }) }
            return cut(unit)
        }

        func spans(_ ranges: [(Int, Int)]) -> [Span] {
            ranges.map { Span(start: $0.0, end: $0.1, kind: .prose, section: 0) }
        }

        /// Cuts a single word into the longest prefixes that fit. With tokens, the longest prefix
        /// is found by bisection, assuming (as holds for WordPiece and BPE) that a longer prefix
        /// never has fewer tokens. A single scalar is always emitted, even if it alone is over.
        func cut(_ unit: Span) -> [(Int, Int)] {
            var out: [(Int, Int)] = []
            var start = unit.start
            while start < unit.end {
                var end: Int
                switch options.unit {
                case .characters:
                    end = min(unit.end, start + max)
                case .tokens:
                    var low = start + 1, high = unit.end  // the answer lies in low...high
                    if size(start, high) <= max {
                        low = high
                    } else {
                        high -= 1
                        while low < high {
                            let mid = (low + high + 1) / 2
                            if size(start, mid) <= max { low = mid } else { high = mid - 1 }
                        }
                    }
                    end = low
                }
                out.append((start, end))
                start = end
            }
            return out
        }

        /// Greedy packing of consecutive units; a unit larger than the limit goes to `split`.
        func pack(_ units: [Span], split: (Span) -> [(Int, Int)]) -> [(Int, Int)] {
            let sizes = units.map { size($0.start, $0.end) }
            var out: [(Int, Int)] = []
            var i = 0
            while i < units.count {
                if sizes[i] > max {
                    out += split(units[i])
                    i += 1
                    continue
                }
                var j = i + 1
                var sum = sizes[i]
                while j < units.count, sizes[j] <= max {
                    let estimate: Int
                    switch options.unit {
                    case .characters: estimate = units[j].end - units[i].start
                    case .tokens: estimate = sum + sizes[j]
                    }
                    if estimate > max { break }
                    sum += sizes[j]
                    j += 1
                }
                while j > i + 1 && size(units[i].start, units[j - 1].end) > max { j -= 1 }
                out.append((units[i].start, units[j - 1].end))
                i = j
            }
            return out
        }

        /// Joins pieces smaller than `minSize` to their previous (or, for the first, next)
        /// neighbour when the joined text fits.
        func mergeSmall(_ pieces: [(Int, Int)]) -> [(Int, Int)] {
            guard options.minSize > 0, pieces.count > 1 else { return pieces }
            var out: [(Int, Int)] = []
            var lastSize = 0
            for piece in pieces {
                let pieceSize = size(piece.0, piece.1)
                if let last = out.last, pieceSize < options.minSize || lastSize < options.minSize {
                    let joined = size(last.0, piece.1)
                    if joined <= max {
                        out[out.count - 1] = (last.0, piece.1)
                        lastSize = joined
                        continue
                    }
                }
                out.append(piece)
                lastSize = pieceSize
            }
            return out
        }

        /// Starts each piece after the first earlier, at a word start inside the previous piece,
        /// taking as many whole words of its end as fit in `overlap` (and in the limit).
        func addOverlap(_ pieces: [(Int, Int)]) -> [(Int, Int)] {
            var out = pieces
            for k in 1..<pieces.count {
                let previous = pieces[k - 1]
                let current = pieces[k]
                var best = current.0
                var i = previous.1 - 1
                while i >= previous.0 {
                    let isWordStart = !text.isWhitespace(i) && (i == previous.0 || text.isWhitespace(i - 1))
                    if isWordStart {
                        if size(i, previous.1) > options.overlap { break }
                        best = i
                    }
                    i -= 1
                }
                // Give back whole words until the chunk fits the limit again (a merged piece may
                // have used the whole limit).
                while best < current.0 && size(best, current.1) > options.maxSize {
                    var next = best + 1
                    while next < current.0 && !(text.isWhitespace(next - 1) && !text.isWhitespace(next)) { next += 1 }
                    best = next
                }
                out[k].0 = best
            }
            return out
        }
    }
}
