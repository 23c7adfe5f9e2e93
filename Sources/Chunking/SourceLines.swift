/// The lines of a text with their Unicode scalar offsets, for the line-oriented readers (plain
/// text, Markdown), whose extracted text is the file itself.
struct SourceLine {
    /// Offsets of the line's first scalar and one past its last, without "\n" or "\r\n".
    var start: Int
    var end: Int
    var text: Substring

    var isBlank: Bool { text.unicodeScalars.allSatisfy { IndexedText.isWhitespace($0) } }

    /// Offsets of the line with surrounding whitespace removed (nil when blank).
    var trimmedRange: (start: Int, end: Int)? {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !IndexedText.isWhitespace($0) }),
              let last = scalars.lastIndex(where: { !IndexedText.isWhitespace($0) }) else { return nil }
        let leading = scalars.distance(from: scalars.startIndex, to: first)
        let trailing = scalars.distance(from: last, to: scalars.endIndex) - 1
        return (start + leading, end - trailing)
    }

    /// Number of leading spaces (a tab counts as 4, as in CommonMark's tab stops, roughly).
    var indent: Int {
        var count = 0
        for scalar in text.unicodeScalars {
            if scalar == " " { count += 1 } else if scalar == "\t" { count += 4 } else { break }
        }
        return count
    }

    static func split(_ text: String) -> [SourceLine] {
        var lines: [SourceLine] = []
        let scalars = text.unicodeScalars
        var lineStart = scalars.startIndex
        var lineStartOffset = 0
        var offset = 0
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if scalar == "\n" {
                var end = index
                var endOffset = offset
                if end > lineStart, scalars[scalars.index(before: end)] == "\r" {
                    end = scalars.index(before: end)
                    endOffset -= 1
                }
                lines.append(SourceLine(start: lineStartOffset, end: endOffset,
                                        text: Substring(scalars[lineStart..<end])))
                lineStart = next
                lineStartOffset = offset + 1
            }
            offset += 1
            index = next
        }
        if lineStart < scalars.endIndex {
            lines.append(SourceLine(start: lineStartOffset, end: offset,
                                    text: Substring(scalars[lineStart..<scalars.endIndex])))
        }
        return lines
    }
}
