/// A text addressed by Unicode scalar offset: the string, its scalars and the index of every
/// scalar, so that slicing and looking at a scalar by offset take constant time (the scalars are
/// kept decoded because the chunker looks at each of them several times).
struct IndexedText {
    let text: String
    private let indices: [String.Index]  // count + 1 entries; the last is endIndex
    private let scalars: [Unicode.Scalar]

    init(_ text: String) {
        self.text = text
        var indices: [String.Index] = []
        var scalars: [Unicode.Scalar] = []
        indices.reserveCapacity(text.utf8.count + 1)
        scalars.reserveCapacity(text.utf8.count)
        let view = text.unicodeScalars
        var i = view.startIndex
        while i < view.endIndex {
            indices.append(i)
            scalars.append(view[i])
            i = view.index(after: i)
        }
        indices.append(view.endIndex)
        self.indices = indices
        self.scalars = scalars
    }

    var count: Int { scalars.count }

    subscript(offset: Int) -> Unicode.Scalar { scalars[offset] }

    func substring(_ start: Int, _ end: Int) -> Substring {
        Substring(text.unicodeScalars[indices[start]..<indices[end]])
    }

    func isWhitespace(_ offset: Int) -> Bool { Self.isWhitespace(scalars[offset]) }

    /// Unicode White_Space, with ASCII (most of any text) answered without the property tables.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return s.properties.isWhitespace
    }

    /// Sentences in [start, end): a sentence ends after ".", "!", "?" (or the CJK full stops)
    /// and any closing quotes or brackets, when whitespace follows. Each range is trimmed.
    /// Abbreviations ("e.g. this") split too; that costs a slightly early break, never text.
    func sentences(_ start: Int, _ end: Int) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var sentenceStart: Int? = nil
        var i = start
        while i < end {
            let scalar = self[i]
            if sentenceStart == nil {
                if !Self.isWhitespace(scalar) { sentenceStart = i }
                i += 1
                continue
            }
            if Self.sentenceEnders.contains(scalar) {
                var j = i + 1
                while j < end, Self.closers.contains(self[j]) { j += 1 }
                let cjk = scalar.value >= 0x3000
                if j == end || isWhitespace(j) || cjk {
                    out.append((sentenceStart!, j))
                    sentenceStart = nil
                    i = j
                    continue
                }
            }
            i += 1
        }
        if let s = sentenceStart { out.append(trimmedEnd(s, end)) }
        return out
    }

    /// Non-blank lines in [start, end), without trailing whitespace; leading indentation is kept
    /// because it is meaning in code.
    func lines(_ start: Int, _ end: Int) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var lineStart = start
        var i = start
        while i <= end {
            if i == end || self[i] == "\n" {
                let (s, e) = trimmedEnd(lineStart, i)
                if (s..<e).contains(where: { !isWhitespace($0) }) { out.append((s, e)) }
                lineStart = i + 1
            }
            i += 1
        }
        return out
    }

    /// Maximal runs of non-whitespace in [start, end).
    func words(_ start: Int, _ end: Int) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var wordStart: Int? = nil
        for i in start..<end {
            if isWhitespace(i) {
                if let s = wordStart { out.append((s, i)) }
                wordStart = nil
            } else if wordStart == nil {
                wordStart = i
            }
        }
        if let s = wordStart { out.append((s, end)) }
        return out
    }

    private func trimmedEnd(_ start: Int, _ end: Int) -> (Int, Int) {
        var e = end
        while e > start && isWhitespace(e - 1) { e -= 1 }
        return (start, e)
    }

    static let sentenceEnders: Set<Unicode.Scalar> = [".", "!", "?", "\u{3002}", "\u{FF01}", "\u{FF1F}"]
    static let closers: Set<Unicode.Scalar> = [
        "\"", "'", ")", "]", "}", "\u{2019}", "\u{201D}", "\u{00BB}", "\u{300D}", "\u{300F}",
    ]
}
