/// Counts the tokens of a text for `SizeUnit.tokens`.
///
/// The chunker asks for the size of many overlapping stretches of one document: a section, its
/// blocks, the packed candidates, sentences, words, the overlap's suffixes. Counting each on its own
/// text tokenises every character several times. A counter that names the scalars its counts add
/// up across (`separates`) lets the chunker tokenise each document once (`forEachTokenStart`) and
/// answer every size by a subtraction, counting exactly only the pieces of words it cuts.
public protocol TokenCounter: Sendable {
    /// The number of tokens in `text`.
    func count(_ text: Substring) -> Int

    /// Whether counts add up across `scalar`: for any texts `a` and `b` and any non-empty run `s`
    /// of scalars for which this is true, `count(a + s + b) == count(a) + count(b)` (and so
    /// `count(s) == 0`). WordPiece behind BERT's pre-tokenizer has this for the whitespace its
    /// cleaning step keeps: no token spans it and none comes from it. A counter that cannot promise
    /// it for any scalar keeps the default, false, and every size is counted on its exact text.
    func separates(_ scalar: Unicode.Scalar) -> Bool

    /// Calls `body` once for each token of `text` with an offset, in Unicode scalars of `text`,
    /// where it starts: each maximal stretch of scalars that do not separate must hold as many of
    /// the offsets as its own count. Asked once per document, and only of counters that separate. The default counts each such stretch with `count` and
    /// reports its tokens at the stretch's start; a tokenizer that can report where its tokens
    /// start in one pass over the text saves the per-stretch calls.
    func forEachTokenStart(_ text: Substring, _ body: (Int) -> Void)
}

extension TokenCounter {
    public func separates(_ scalar: Unicode.Scalar) -> Bool { false }

    public func forEachTokenStart(_ text: Substring, _ body: (Int) -> Void) {
        let scalars = text.unicodeScalars
        var offset = 0
        var stretchStart: (index: Substring.UnicodeScalarView.Index, offset: Int)? = nil
        func close(at end: Substring.UnicodeScalarView.Index) {
            guard let start = stretchStart else { return }
            for _ in 0..<count(Substring(scalars[start.index..<end])) { body(start.offset) }
            stretchStart = nil
        }
        var i = scalars.startIndex
        while i < scalars.endIndex {
            if separates(scalars[i]) {
                close(at: i)
            } else if stretchStart == nil {
                stretchStart = (i, offset)
            }
            i = scalars.index(after: i)
            offset += 1
        }
        close(at: scalars.endIndex)
    }
}
