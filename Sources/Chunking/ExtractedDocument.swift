/// A document as the readers hand it to the chunker: its extracted plain text and the structure
/// found in it.
///
/// **Offsets.** Every offset in this library (`TextBlock.start`/`end`, `Chunk.start`/`end`) counts
/// Unicode scalars (code points) from the start of `text`. That is how Python's `str` indexes, so
/// `text[start:end]` in Python gives the chunk's text exactly, and a Swift caller gets the same
/// slice from `text.unicodeScalars`. UTF-16 code units or grapheme clusters would disagree with
/// Python on astral characters and combining marks.
public struct ExtractedDocument: Sendable, Equatable {
    /// The extracted text. For plain text and Markdown this is the file itself (BOM dropped); for
    /// HTML and XML it is the readable content, one block after another, separated by blank lines.
    public var text: String
    /// Structural pieces of `text`, in order, non-overlapping, each non-empty and not starting or
    /// ending with whitespace (code blocks may start with indentation).
    public var blocks: [TextBlock]
    /// Heading paths; `TextBlock.section` indexes this array. Entry 0 is always the empty path.
    public var sections: [[String]]
    /// `<title>`, front matter `title`, or the first top-level heading.
    public var title: String?
    /// YAML front matter (Markdown) as ordered key/value pairs.
    public var meta: [(key: String, value: MetaValue)]

    public init(text: String, blocks: [TextBlock], sections: [[String]] = [[]], title: String? = nil,
                meta: [(key: String, value: MetaValue)] = []) {
        self.text = text
        self.blocks = blocks
        self.sections = sections
        self.title = title
        self.meta = meta
    }

    public static func == (a: ExtractedDocument, b: ExtractedDocument) -> Bool {
        a.text == b.text && a.blocks == b.blocks && a.sections == b.sections && a.title == b.title
            && a.meta.map(\.key) == b.meta.map(\.key) && a.meta.map(\.value) == b.meta.map(\.value)
    }

    /// The text between two scalar offsets.
    public func slice(_ start: Int, _ end: Int) -> String {
        let scalars = text.unicodeScalars
        let from = scalars.index(scalars.startIndex, offsetBy: start)
        let to = scalars.index(from, offsetBy: end - start)
        return String(scalars[from..<to])
    }
}

/// One structural piece of a document's text: a paragraph, a list item, a heading, a code block.
public struct TextBlock: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Running text: split at sentences, then words, when too long.
        case prose
        /// Code, `pre`, tables: whitespace matters, so split at lines, then words.
        case lines
        /// A heading; it belongs to the section it opens.
        case heading
    }

    /// Unicode scalar offsets into `ExtractedDocument.text`.
    public var start: Int
    public var end: Int
    public var kind: Kind
    /// Index into `ExtractedDocument.sections`.
    public var section: Int

    public init(start: Int, end: Int, kind: Kind, section: Int) {
        self.start = start
        self.end = end
        self.kind = kind
        self.section = section
    }
}

/// A front matter value: the subset of YAML that front matter uses in practice (scalars and lists
/// of scalars); anything more elaborate is kept as its source text.
public enum MetaValue: Sendable, Equatable {
    case string(String)
    /// Kept as written (it matched JSON's number grammar), so `1.0` stays `1.0`.
    case number(String)
    case bool(Bool)
    case null
    case array([MetaValue])
}
