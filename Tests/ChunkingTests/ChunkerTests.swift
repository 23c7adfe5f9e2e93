import Chunking
import Testing

/// A stand-in tokenizer for tests: one token per word, plus one per punctuation mark, like
/// BERT's pre-tokenizer. It is deliberately not the real WordPiece (which lives in Tokenizers)
/// so that the chunker is tested against the closure contract alone.
@Sendable func countWordsAndPunctuation(_ text: Substring) -> Int {
    var count = 0
    var inWord = false
    for scalar in text.unicodeScalars {
        if scalar.properties.isWhitespace {
            inWord = false
        } else if scalar.properties.generalCategory.isPunctuation {
            count += 1
            inWord = false
        } else if !inWord {
            count += 1
            inWord = true
        }
    }
    return count
}

/// `countWordsAndPunctuation` as a counter that declares its additivity across whitespace and
/// reports where its tokens start, as the real WordPiece counter does.
struct WordsAndPunctuation: TokenCounter {
    func count(_ text: Substring) -> Int { countWordsAndPunctuation(text) }

    func separates(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    func forEachTokenStart(_ text: Substring, _ body: (Int) -> Void) {
        var inWord = false
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if scalar.properties.isWhitespace {
                inWord = false
            } else if scalar.properties.generalCategory.isPunctuation {
                body(offset)
                inWord = false
            } else if !inWord {
                body(offset)
                inWord = true
            }
        }
    }
}

/// The counts of `counter` with no separator declared: every size is counted on its exact text.
/// The oracle for the chunker's sums.
struct Exact: TokenCounter {
    let counter: any TokenCounter
    func count(_ text: Substring) -> Int { counter.count(text) }
}

/// Like BERT's cleaning of form feeds: U+000C is whitespace to the chunker but dropped by this
/// counter, so the words on either side of it count as one. Its separators are the other
/// whitespace; token starts come from the protocol's default (one count per word).
struct FormFeedJoins: TokenCounter {
    func count(_ text: Substring) -> Int {
        countWordsAndPunctuation(Substring(String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\u{0C}" }))))
    }

    func separates(_ scalar: Unicode.Scalar) -> Bool { scalar != "\u{0C}" && scalar.properties.isWhitespace }
}

extension Unicode.GeneralCategory {
    var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol,
             .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}

/// Invariants every chunking must satisfy.
func checkInvariants(_ chunks: [Chunk], of document: ExtractedDocument, max: Int,
                     size: (Substring) -> Int) {
    var ids = Set<String>()
    let scalars = document.text.unicodeScalars
    let indices = Array(scalars.indices) + [scalars.endIndex]
    for chunk in chunks {
        #expect(chunk.start >= 0 && chunk.start < chunk.end && chunk.end <= indices.count - 1, "\(chunk.id)")
        #expect(chunk.text == String(scalars[indices[chunk.start]..<indices[chunk.end]]), "\(chunk.id)")
        #expect(size(Substring(chunk.text)) <= max, "\(chunk.id) is over the limit")
        #expect(chunk.text.unicodeScalars.contains { !$0.properties.isWhitespace }, "\(chunk.id) is blank")
        #expect(ids.insert(chunk.id).inserted, "\(chunk.id) repeated")
    }
}

@Suite struct ChunkerTests {
    static func document(_ paragraphs: [String], section: Int = 0) -> ExtractedDocument {
        var text = ""
        var blocks: [TextBlock] = []
        for p in paragraphs {
            if !text.isEmpty { text += "\n\n" }
            let start = text.unicodeScalars.count
            text += p
            blocks.append(TextBlock(start: start, end: text.unicodeScalars.count, kind: .prose, section: section))
        }
        return ExtractedDocument(text: text, blocks: blocks)
    }

    @Test func wholeDocumentThatFitsIsOneChunk() throws {
        let document = Self.document(["One two.", "Three four."])
        let chunker = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 100))
        let chunks = chunker.chunks(of: document, docID: "d")
        #expect(chunks.map(\.text) == ["One two.\n\nThree four."])
        #expect(chunks.map(\.id) == ["d#0"])
        // FIPS 180-2's test vector for "abc".
        let expected = Chunk(id: "x", docID: "x", index: 0, title: nil, section: [], text: "abc", start: 0, end: 3)
        #expect(expected.hash == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func splitsAtParagraphsThenSentencesThenWords() throws {
        let document = Self.document([
            "Alpha beta gamma.", "Delta epsilon. Zeta eta theta. Iota kappa.",
            "Supercalifragilistic", "x",
        ])
        let chunker = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 17))
        let chunks = chunker.chunks(of: document, docID: "d")
        #expect(chunks.map(\.text) == [
            "Alpha beta gamma.", "Delta epsilon.", "Zeta eta theta.", "Iota kappa.",
            "Supercalifragilis", "tic", "x",
        ])
        checkInvariants(chunks, of: document, max: 17) { $0.unicodeScalars.count }
        // With a smallest size, the two small pieces at the end are joined.
        let merging = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 17, minSize: 5))
        #expect(merging.chunks(of: document, docID: "d").map(\.text).suffix(2) == ["Supercalifragilis", "tic\n\nx"])
    }

    @Test func longSentenceFallsBackToWordsAndLongWordIsCut() throws {
        let word = String(repeating: "w", count: 25)
        let document = Self.document(["a b c d e f g h i j \(word)"])
        let chunker = Chunker(options: try ChunkingOptions(unit: .tokens(WordsAndPunctuation()), maxSize: 4))
        let chunks = chunker.chunks(of: document, docID: "d")
        #expect(chunks.map(\.text) == ["a b c d", "e f g h", "i j " + word])  // a word is one token here
        let chars = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 10))
        let pieces = chars.chunks(of: Self.document([word]), docID: "w").map(\.text)
        #expect(pieces == ["wwwwwwwwww", "wwwwwwwwww", "wwwww"])
    }

    @Test func codeFenceIsKeptWholeWhenItFits() throws {
        let document = try Fixtures.read("guide.md")
        let chunker = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 80))
        let chunks = chunker.chunks(of: document, docID: "guide.md")
        let fence = "```sh\n# rotate all keys\n./rotate --all\n# not a heading\n```"
        #expect(chunks.contains { $0.text.contains(fence) })
        checkInvariants(chunks, of: document, max: 80) { $0.unicodeScalars.count }
        #expect(chunks.first?.section == ["Operations"])
        #expect(chunks.first?.title == "Key rotation guide")
    }

    @Test func codeTooLongIsSplitAtLines() throws {
        let code = (1...6).map { "    line\($0) = \($0)" }.joined(separator: "\n")
        let document = ExtractedDocument(text: code, blocks: [TextBlock(start: 0, end: code.unicodeScalars.count, kind: .lines, section: 0)])
        let chunker = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 40))
        let chunks = chunker.chunks(of: document, docID: "c")
        #expect(chunks.map(\.text) == [
            "    line1 = 1\n    line2 = 2", "    line3 = 3\n    line4 = 4", "    line5 = 5\n    line6 = 6",
        ])
    }

    @Test func headingOnlySectionsJoinTheNextSection() throws {
        let document = try Fixtures.read("page.html")
        let chunker = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 60))
        let chunks = chunker.chunks(of: document, docID: "p")
        #expect(!chunks.contains { $0.text == "Table" })
        #expect(chunks.contains { $0.text.hasPrefix("Table\n\nSizes") && $0.section == ["Widgets", "Setup", "Table"] })
        checkInvariants(chunks, of: document, max: 60) { $0.unicodeScalars.count }
    }

    @Test func smallPiecesMergeOnlyWhenTheResultFits() throws {
        let document = Self.document(["Alpha beta gamma delta epsilon. Zeta.", "Eta."])
        let plain = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 31))
        #expect(plain.chunks(of: document, docID: "d").map(\.text) == [
            "Alpha beta gamma delta epsilon.", "Zeta.", "Eta.",
        ])
        let merging = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 31, minSize: 6))
        #expect(merging.chunks(of: document, docID: "d").map(\.text) == [
            "Alpha beta gamma delta epsilon.", "Zeta.\n\nEta.",
        ])
    }

    @Test func overlapRepeatsWholeWordsOfThePreviousChunk() throws {
        let document = Self.document(["one two three four five six seven eight nine ten"])
        let chunker = Chunker(options: try ChunkingOptions(unit: .tokens(WordsAndPunctuation()), maxSize: 4, overlap: 2))
        let chunks = chunker.chunks(of: document, docID: "d")
        #expect(chunks.map(\.text) == [
            "one two", "one two three four", "three four five six", "five six seven eight",
            "seven eight nine ten",
        ])
        checkInvariants(chunks, of: document, max: 4, size: countWordsAndPunctuation)
    }

    /// Sizes from one tokenisation per document (sums over words, exact counts of cut words) give
    /// the same chunks as counting every candidate's exact text, on random texts mixing the
    /// counter's separators with whitespace it does not separate at (form feed), long words that
    /// must be cut, and punctuation; for several limits, overlaps and smallest sizes.
    @Test func sizesFromOneTokenisationEqualExactCounts() throws {
        var random = SplitMix64(seed: 7)
        let words = ["alpha", "be", "x", "Über", "中文", ".", ",", "word.word", "e.g.", "supercalifragilistic"]
        let gaps = [" ", " ", " ", "  ", "\n", "\n\n", "\u{0C}", "\u{A0}", "\t", " \u{0C} "]
        var differences = 0
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<Int(random.next() % 120) {
                text += words[Int(random.next() % UInt64(words.count))]
                text += gaps[Int(random.next() % UInt64(gaps.count))]
            }
            let document = PlainTextReader.extract(text)
            let maxSize = 2 + Int(random.next() % 12)
            let overlap = Int(random.next() % UInt64(maxSize / 2 + 1))
            let minSize = Int(random.next() % 3)
            for counter in [WordsAndPunctuation() as any TokenCounter, FormFeedJoins()] {
                let fast = Chunker(options: try ChunkingOptions(unit: .tokens(counter), maxSize: maxSize,
                                                               overlap: overlap, minSize: minSize))
                let exact = Chunker(options: try ChunkingOptions(unit: .tokens(Exact(counter: counter)),
                                                                maxSize: maxSize, overlap: overlap, minSize: minSize))
                let chunks = fast.chunks(of: document, docID: "r")
                if chunks != exact.chunks(of: document, docID: "r") { differences += 1 }
                // A cut word's single scalar may be over a tiny limit; everything else fits.
                for chunk in chunks where chunk.text.unicodeScalars.count > 1 {
                    #expect(counter.count(Substring(chunk.text)) <= maxSize, "\(chunk.text.debugDescription) over \(maxSize)")
                }
            }
        }
        #expect(differences == 0)
    }

    /// A form feed joins its neighbours for `FormFeedJoins`: "b\u{0C}c" is one token, which the
    /// document's tokenisation places at "b". The word "c" alone is still one token, so "c d e"
    /// (three tokens, not the two that subtracting token starts would say) is not one chunk.
    @Test func aWordJoinedToItsNeighbourIsCountedOnItsOwnText() throws {
        let document = Self.document(["a b\u{0C}c d e"])
        for counter in [FormFeedJoins() as any TokenCounter, Exact(counter: FormFeedJoins())] {
            let chunker = Chunker(options: try ChunkingOptions(unit: .tokens(counter), maxSize: 2))
            #expect(chunker.chunks(of: document, docID: "d").map(\.text) == ["a b", "c d", "e"])
        }
    }

    @Test func optionsAreValidated() {
        #expect(throws: ChunkingError.self) { try ChunkingOptions(unit: .characters, maxSize: 0) }
        #expect(throws: ChunkingError.self) { try ChunkingOptions(unit: .characters, maxSize: 10, overlap: 10) }
        #expect(throws: ChunkingError.self) { try ChunkingOptions(unit: .characters, maxSize: 10, minSize: 11) }
    }

    @Test func noChunksForEmptyDocuments() throws {
        let chunker = Chunker(options: try ChunkingOptions(unit: .characters, maxSize: 10))
        #expect(chunker.chunks(of: try Fixtures.read("empty.html"), docID: "e").isEmpty)
    }
}

/// A small deterministic generator for the random texts (Steele, Lea and Flood's SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
