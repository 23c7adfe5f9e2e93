internal import CLibXML2

/// The formats this library reads, chosen by file extension.
public enum DocumentFormat: String, Sendable, CaseIterable {
    case text, markdown, html, xml

    /// The format for a path's extension (.txt .md .markdown .html .htm .xhtml .xml), looking
    /// through a trailing `.gz` (Debian compresses documentation, e.g. nodejs-doc's `*.md.gz`).
    public init?(path: String) {
        var name = Substring(path.split(separator: "/").last ?? "")
        if name.lowercased().hasSuffix(".gz") { name = name.dropLast(3) }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "txt", "text": self = .text
        case "md", "markdown": self = .markdown
        case "html", "htm": self = .html
        case "xhtml", "xml": self = .xml
        default: return nil
        }
    }
}

/// Reads one document from bytes or a file: binary detection, decompression of `.gz`, decoding,
/// and the format's reader.
public struct DocumentReader: Sendable {
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    public var lossy: Bool

    public init(lossy: Bool = false) {
        self.lossy = lossy
    }

    /// Extracts `bytes` as `format`. `source` names the document in errors.
    public func read(_ bytes: [UInt8], format: DocumentFormat, source: String) throws -> ExtractedDocument {
        if let offset = TextDecoding.binaryOffset(bytes) {
            throw ChunkingError.binary(source: source, byteOffset: offset)
        }
        switch format {
        case .text:
            return PlainTextReader.extract(try TextDecoding.decodeUTF8(bytes, source: source, lossy: lossy))
        case .markdown:
            return MarkdownReader.extract(try TextDecoding.decodeUTF8(bytes, source: source, lossy: lossy))
        case .html:
            return try MarkupReader.html(bytes, source: source)
        case .xml:
            return try MarkupReader.xml(bytes, source: source)
        }
    }

    /// Reads the file at `path` (decompressing `.gz`) and extracts it as `format`.
    public func read(path: String, format: DocumentFormat, source: String) throws -> ExtractedDocument {
        try read(try Self.contents(of: path, source: source), format: format, source: source)
    }

    /// The bytes of a file, read through libxml2's I/O layer, which decompresses `.gz` with the
    /// zlib it links (and passes other files through), so the package needs no compression
    /// library of its own.
    public static func contents(of path: String, source: String) throws -> [UInt8] {
        _ = libxml2Initialised
        // A relative path could look like a URL ("http:..."); anchor it so only the file
        // callbacks match.
        let local = path.hasPrefix("/") ? path : "./" + path
        guard let input = xmlParserInputBufferCreateFilename(local, XML_CHAR_ENCODING_NONE) else {
            throw ChunkingError.unreadable(source: source, reason: "cannot open \(path)")
        }
        defer { xmlFreeParserInputBuffer(input) }
        while true {
            let read = xmlParserInputBufferGrow(input, 1 << 16)
            if read < 0 { throw ChunkingError.unreadable(source: source, reason: "read error (corrupt compressed data?)") }
            if read == 0 { break }
        }
        guard let buffer = input.pointee.buffer, let content = xmlBufContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlBufUse(buffer))))
    }
}
