internal import CLibXML2

/// HTML and XML through libxml2. Neither parser touches the network or the file system: the
/// options never include XML_PARSE_NOENT, XML_PARSE_DTDLOAD or XML_PARSE_XINCLUDE, NONET is
/// always set, and the process-wide external entity loader refuses every request, so DTDs and
/// external entities (XXE) are never loaded.
public enum MarkupReader {
    /// HTML through libxml2's error-recovering HTML parser, which copes with unclosed and
    /// misnested tags and honours the charset declared in `<meta charset>` or
    /// `<meta http-equiv="Content-Type">` (UTF-8 otherwise). Entities are decoded by the parser.
    public static func html(_ bytes: [UInt8], source: String) throws -> ExtractedDocument {
        _ = libxml2Initialised
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return ExtractedDocument(text: "", blocks: [])
        }
        guard bytes.count < Int(Int32.max) else {
            throw ChunkingError.unreadable(source: source, reason: "larger than 2 GiB")
        }
        let options = Int32(bitPattern: HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                htmlReadMemory($0.baseAddress, Int32($0.count), nil, nil, options)
            }
        }
        guard let document else { return ExtractedDocument(text: "", blocks: []) }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return ExtractedDocument(text: "", blocks: []) }
        return HTMLWalker.extract(root: XMLNodeView(root))
    }

    /// XML through libxml2's XML parser. A document that is not well-formed is an error naming
    /// the line. An `html` root (XHTML) is read as HTML; anything else by `XMLWalker`.
    public static func xml(_ bytes: [UInt8], source: String) throws -> ExtractedDocument {
        _ = libxml2Initialised
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return ExtractedDocument(text: "", blocks: [])
        }
        guard bytes.count < Int(Int32.max) else {
            throw ChunkingError.unreadable(source: source, reason: "larger than 2 GiB")
        }
        guard let context = xmlNewParserCtxt() else {
            throw ChunkingError.unreadable(source: source, reason: "libxml2 could not allocate a parser")
        }
        defer { xmlFreeParserCtxt(context) }
        let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                xmlCtxtReadMemory(context, $0.baseAddress, Int32($0.count), nil, nil, options)
            }
        }
        guard let document else {
            var line = 0
            var message = "libxml2 gave no reason"
            if let error = xmlCtxtGetLastError(context) {
                line = Int(error.pointee.line)
                if let text = error.pointee.message {
                    message = TextBuilder.trim(String(cString: text))
                }
            }
            throw ChunkingError.malformed(source: source, line: line, message: message)
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return ExtractedDocument(text: "", blocks: []) }
        let rootView = XMLNodeView(root)
        if rootView.name.lowercased() == "html" { return HTMLWalker.extract(root: rootView) }
        return XMLWalker.extract(root: rootView)
    }
}
