/// A text addressed by Unicode scalar offset: the string plus the index of every scalar, so that
/// slicing and looking at a scalar by offset take constant time.
struct IndexedText {
    let text: String
    private let indices: [String.Index]  // count + 1 entries; the last is endIndex

    init(_ text: String) {
        self.text = text
        var indices: [String.Index] = []
        indices.reserveCapacity(text.utf8.count + 1)
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            indices.append(i)
            i = scalars.index(after: i)
        }
        indices.append(scalars.endIndex)
        self.indices = indices
    }

    var count: Int { indices.count - 1 }

    subscript(offset: Int) -> Unicode.Scalar { text.unicodeScalars[indices[offset]] }

    func substring(_ start: Int, _ end: Int) -> Substring {
        Substring(text.unicodeScalars[indices[start]..<indices[end]])
    }

    func isWhitespace(_ offset: Int) -> Bool { self[offset].properties.isWhitespace }

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
                if !scalar.properties.isWhitespace { sentenceStart = i }
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
