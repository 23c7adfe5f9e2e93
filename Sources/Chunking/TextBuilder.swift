/// Accumulates the extracted text of a tree-shaped document (HTML, XML) block by block.
///
/// Inline text is gathered into a pending block with runs of whitespace collapsed to one space, as
/// a browser renders it; `endBlock` trims the pending text and, if anything is left, appends it
/// to `text` after a blank line and records its scalar range. Offsets are counted as the text
/// grows, so they are exact by construction.
struct TextBuilder {
    private(set) var text = ""
    private(set) var scalarCount = 0
    private(set) var blocks: [TextBlock] = []
    private(set) var sections: [[String]] = [[]]
    private var currentSection = 0

    private var pending = ""
    /// A list marker ("- ", "3. ") written before the pending block's first visible character,
    /// so that an item holding only a nested list leaves no lone marker behind.
    var prefix: String?
    /// True when whitespace was seen since the last non-space character of `pending`.
    private var pendingSpace = false

    /// The separator between blocks: a blank line, as in Markdown and plain text.
    static let separator = "\n\n"

    /// Adds inline text, collapsing HTML whitespace (space, tab, CR, LF, FF) to single spaces.
    mutating func appendInline(_ s: String) {
        for scalar in s.unicodeScalars {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{0C}":
                pendingSpace = true
            default:
                if pending.isEmpty, let marker = prefix {
                    pending = marker
                    prefix = nil
                } else if pendingSpace && !pending.isEmpty && !pending.hasSuffix("\n") {
                    pending.append(" ")
                }
                pendingSpace = false
                pending.unicodeScalars.append(scalar)
            }
        }
    }

    /// A hard line break (`<br>`) inside a block.
    mutating func appendLineBreak() {
        if !pending.isEmpty { pending.append("\n") }
        pendingSpace = false
    }

    /// Adds text whose whitespace is significant (`pre`, code listings), as one block of its own.
    mutating func appendVerbatimBlock(_ s: String) {
        endBlock()
        // A newline right after <pre> is not content (HTML), nor are blank lines around a listing.
        var body = Substring(s)
        while let first = body.first, first == "\n" || first == "\r" { body = body.dropFirst() }
        while let last = body.last, last.isWhitespace { body = body.dropLast() }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        let cleaned = lines.joined(separator: "\n")
        if cleaned.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) {
            record(cleaned, kind: .lines)
        }
    }

    /// Closes the pending block (if it has any visible text) as `kind`.
    mutating func endBlock(kind: TextBlock.Kind = .prose) {
        let trimmed = Self.trim(pending)
        pending = ""
        pendingSpace = false
        prefix = nil
        if !trimmed.isEmpty { record(trimmed, kind: kind) }
    }

    /// Takes the pending text without recording it (a heading's text, a table cell).
    mutating func takePending() -> String {
        let trimmed = Self.trim(pending)
        pending = ""
        pendingSpace = false
        prefix = nil
        return trimmed
    }

    /// Records a finished block of text (already trimmed) as `kind`.
    mutating func addBlock(_ s: String, kind: TextBlock.Kind) {
        endBlock()
        let trimmed = kind == .lines ? s : Self.trim(s)
        if !trimmed.isEmpty { record(trimmed, kind: kind) }
    }

    /// Makes `path` the section of the blocks that follow.
    mutating func setSection(_ path: [String]) {
        if sections[currentSection] == path { return }
        if let last = sections.indices.last, sections[last] == path {
            currentSection = last
        } else {
            sections.append(path)
            currentSection = sections.count - 1
        }
    }

    func document(title: String?) -> ExtractedDocument {
        ExtractedDocument(text: text, blocks: blocks, sections: sections, title: title)
    }

    private mutating func record(_ s: String, kind: TextBlock.Kind) {
        if !text.isEmpty {
            text += Self.separator
            scalarCount += 2
        }
        let length = s.unicodeScalars.count
        blocks.append(TextBlock(start: scalarCount, end: scalarCount + length, kind: kind,
                                section: currentSection))
        text += s
        scalarCount += length
    }

    /// Strips Unicode whitespace at both ends.
    static func trim<S: StringProtocol>(_ s: S) -> String {
        let scalars = Substring(s).unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(Substring(scalars[first...last]))
    }
}
