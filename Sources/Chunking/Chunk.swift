import LoragBasics

/// One chunk of a document: the record `chunk` writes, less the fields the caller passes through.
public struct Chunk: Sendable, Equatable {
    /// `<docID>#<index>`, stable across runs for the same input and options.
    public var id: String
    public var docID: String
    /// Position of the chunk in its document, from 0.
    public var index: Int
    public var title: String?
    /// Heading path, outermost first (written as "A > B").
    public var section: [String]
    /// Exactly the scalars `start..<end` of the document's extracted text.
    public var text: String
    /// Unicode scalar offsets into the extracted text (see `ExtractedDocument`).
    public var start: Int
    public var end: Int
    /// "sha256:<hex>" of the text's UTF-8 bytes, so an index can skip unchanged chunks.
    public var hash: String

    public init(id: String, docID: String, index: Int, title: String?, section: [String],
                text: String, start: Int, end: Int) {
        self.id = id
        self.docID = docID
        self.index = index
        self.title = title
        self.section = section
        self.text = text
        self.start = start
        self.end = end
        self.hash = "sha256:" + SHA256.hash(text).hex
    }
}
