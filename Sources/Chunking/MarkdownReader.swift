/// Markdown: the extracted text is the file itself (BOM dropped), so offsets point into the source
/// and chunks keep their Markdown syntax. The reader finds the block structure:
///
/// - YAML front matter (`---` on the first line up to a closing `---` or `...`) goes to `meta`
///   and is in no chunk.
/// - ATX (`## Title`) and setext (underlined) headings give the section path.
/// - Fenced code blocks (``` or ~~~, closed by a fence of the same character at least as long,
///   CommonMark 0.31 §4.5) are one block each; nothing inside a fence is a heading.
/// - Each list item is a block, so nested items are blocks of their own.
/// - HTML comment blocks (`<!-- ... -->`, which Node.js uses for metadata) are in no chunk.
/// - Other runs of non-blank lines are paragraphs; tables (`|` rows) and indented code are
///   paragraphs split at lines rather than sentences.
public enum MarkdownReader {
    public static func extract(_ text: String) -> ExtractedDocument {
        var parser = Parser(lines: SourceLine.split(text))
        parser.run()
        var title = parser.firstH1
        if case let .string(value)? = parser.meta.first(where: { $0.key == "title" })?.value {
            title = value
        }
        return ExtractedDocument(text: text, blocks: parser.blocks, sections: parser.sections,
                                 title: title, meta: parser.meta)
    }

    private struct Parser {
        let lines: [SourceLine]
        var blocks: [TextBlock] = []
        var sections: [[String]] = [[]]
        var meta: [(key: String, value: MetaValue)] = []
        var firstH1: String?
        private var headings: [(level: Int, text: String)] = []
        private var section = 0
        /// The open paragraph or list item: its first line index and kind.
        private var open: (first: Int, last: Int, kind: TextBlock.Kind)?

        init(lines: [SourceLine]) { self.lines = lines }

        mutating func run() {
            var i = frontMatter()
            while i < lines.count {
                let line = lines[i]
                let trimmed = TextBuilder.trim(line.text)
                if trimmed.isEmpty {
                    closeOpen()
                    i += 1
                } else if line.indent < 4, let fence = Self.fenceOpening(trimmed) {
                    closeOpen()
                    i = codeFence(from: i, fence: fence)
                } else if line.indent < 4, let (level, heading) = Self.atxHeading(trimmed) {
                    closeOpen()
                    addHeading(level: level, text: heading, first: i, last: i)
                    i += 1
                } else if line.indent < 4, let level = Self.setextLevel(trimmed),
                          let paragraph = open, paragraph.kind == .prose {
                    open = nil
                    let text = lines[paragraph.first...paragraph.last]
                        .map { TextBuilder.trim($0.text) }.joined(separator: " ")
                    addHeading(level: level, text: text, first: paragraph.first, last: i)
                    i += 1
                } else if open == nil, line.indent < 4, trimmed.hasPrefix("<!--") {
                    // A comment block: skipped up to the line that closes it.
                    var j = i
                    while j < lines.count, !lines[j].text.contains("-->") { j += 1 }
                    i = j + 1
                } else if Self.isThematicBreak(trimmed) && line.indent < 4 {
                    closeOpen()
                    i += 1
                } else if Self.isListItem(trimmed) {
                    closeOpen()
                    open = (i, i, .prose)
                    i += 1
                } else if var paragraph = open {
                    paragraph.last = i
                    open = paragraph
                    i += 1
                } else {
                    let kind: TextBlock.Kind = trimmed.hasPrefix("|") || line.indent >= 4 ? .lines : .prose
                    open = (i, i, kind)
                    i += 1
                }
            }
            closeOpen()
        }

        /// Parses front matter if the file starts with it; returns the first line after it.
        private mutating func frontMatter() -> Int {
            guard let first = lines.first, TextBuilder.trim(first.text) == "---" else { return 0 }
            for j in 1..<max(lines.count, 1) {
                let t = TextBuilder.trim(lines[j].text)
                if t == "---" || t == "..." {
                    meta = FrontMatter.parse(lines[1..<j].map { String($0.text) })
                    return j + 1
                }
            }
            return 0
        }

        /// Reads a fenced code block starting at line `i`; returns the line after its end.
        private mutating func codeFence(from i: Int, fence: (marker: Character, length: Int)) -> Int {
            var j = i + 1
            while j < lines.count {
                let t = TextBuilder.trim(lines[j].text)
                if lines[j].indent < 4, t.count >= fence.length,
                   t.allSatisfy({ $0 == fence.marker }) {
                    break
                }
                j += 1
            }
            let last = min(j, lines.count - 1)
            addBlock(first: i, last: last, kind: .lines)
            return j + 1
        }

        private mutating func closeOpen() {
            if let paragraph = open { addBlock(first: paragraph.first, last: paragraph.last, kind: paragraph.kind) }
            open = nil
        }

        private mutating func addHeading(level: Int, text: String, first: Int, last: Int) {
            if level == 1 && firstH1 == nil && !text.isEmpty { firstH1 = text }
            while let top = headings.last, top.level >= level { headings.removeLast() }
            if !text.isEmpty { headings.append((level, text)) }
            let path = headings.map(\.text)
            if sections[section] != path {
                sections.append(path)
                section = sections.count - 1
            }
            addBlock(first: first, last: last, kind: .heading)
        }

        private mutating func addBlock(first: Int, last: Int, kind: TextBlock.Kind) {
            guard let start = lines[first...last].lazy.compactMap(\.trimmedRange).first?.start,
                  let end = lines[first...last].reversed().lazy.compactMap(\.trimmedRange).first?.end
            else { return }
            blocks.append(TextBlock(start: start, end: end, kind: kind, section: section))
        }

        static func fenceOpening(_ t: String) -> (marker: Character, length: Int)? {
            guard let marker = t.first, marker == "`" || marker == "~" else { return nil }
            let length = t.prefix(while: { $0 == marker }).count
            guard length >= 3 else { return nil }
            // A backtick fence's info string may not contain a backtick (CommonMark §4.5).
            if marker == "`" && t.dropFirst(length).contains("`") { return nil }
            return (marker, length)
        }

        static func atxHeading(_ t: String) -> (Int, String)? {
            let level = t.prefix(while: { $0 == "#" }).count
            guard (1...6).contains(level) else { return nil }
            let rest = t.dropFirst(level)
            guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
            var text = TextBuilder.trim(rest)
            // An optional closing run of #s, preceded by a space, is not part of the heading.
            let closing = text.reversed().prefix(while: { $0 == "#" }).count
            if closing > 0 {
                let body = text.dropLast(closing)
                if body.isEmpty || body.last == " " || body.last == "\t" { text = TextBuilder.trim(body) }
            }
            return (level, text)
        }

        static func setextLevel(_ t: String) -> Int? {
            if !t.isEmpty && t.allSatisfy({ $0 == "=" }) { return 1 }
            if !t.isEmpty && t.allSatisfy({ $0 == "-" }) { return 2 }
            return nil
        }

        static func isThematicBreak(_ t: String) -> Bool {
            let compact = t.filter { $0 != " " && $0 != "\t" }
            guard compact.count >= 3, let c = compact.first, c == "-" || c == "*" || c == "_" else { return false }
            return compact.allSatisfy { $0 == c }
        }

        static func isListItem(_ t: String) -> Bool {
            if let c = t.first, c == "-" || c == "*" || c == "+" {
                let rest = t.dropFirst()
                return rest.isEmpty || rest.first == " " || rest.first == "\t"
            }
            let digits = t.prefix(while: { $0.isASCII && $0.isNumber })
            guard (1...9).contains(digits.count) else { return false }
            let rest = t.dropFirst(digits.count)
            guard let delimiter = rest.first, delimiter == "." || delimiter == ")" else { return false }
            let after = rest.dropFirst()
            return after.isEmpty || after.first == " " || after.first == "\t"
        }
    }
}
