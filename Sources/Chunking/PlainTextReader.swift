/// Plain text: the extracted text is the file itself; paragraphs are separated by blank lines.
public enum PlainTextReader {
    public static func extract(_ text: String) -> ExtractedDocument {
        var blocks: [TextBlock] = []
        var paragraph: (start: Int, end: Int)?
        for line in SourceLine.split(text) {
            guard let range = line.trimmedRange else {
                if let p = paragraph { blocks.append(TextBlock(start: p.start, end: p.end, kind: .prose, section: 0)) }
                paragraph = nil
                continue
            }
            paragraph = (paragraph?.start ?? range.start, range.end)
        }
        if let p = paragraph { blocks.append(TextBlock(start: p.start, end: p.end, kind: .prose, section: 0)) }
        return ExtractedDocument(text: text, blocks: blocks)
    }
}
