/// Everything that can go wrong while reading or chunking a document. Each message names the
/// document, where in it, and what was expected versus found.
public enum ChunkingError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not UTF-8 at `byteOffset` (and `--lossy` was not given).
    case invalidUTF8(source: String, byteOffset: Int)
    /// The file looks binary (a NUL byte in its first kilobytes): skipped, not chunked.
    case binary(source: String, byteOffset: Int)
    /// libxml2 could not build a tree (XML that is not well-formed, or nothing parseable).
    case malformed(source: String, line: Int, message: String)
    /// A file's extension names no format this library reads.
    case unsupportedFormat(source: String, found: String)
    /// The options contradict each other (a programmer or usage error caught before any work).
    case invalidOptions(String)
    /// Reading the file itself failed.
    case unreadable(source: String, reason: String)
    /// A JSONL input document lacks a field or has it with the wrong type.
    case badRecord(field: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .invalidUTF8(source, offset):
            return "\(source): invalid UTF-8 at byte offset \(offset); expected UTF-8 text (use --lossy to replace invalid bytes with U+FFFD)"
        case let .binary(source, offset):
            return "\(source): binary file (NUL byte at offset \(offset)), skipped"
        case let .malformed(source, line, message):
            return "\(source):\(line): not well-formed: \(message)"
        case let .unsupportedFormat(source, found):
            return "\(source): unsupported format \"\(found)\"; expected one of .txt .md .markdown .html .htm .xhtml .xml (optionally .gz)"
        case let .invalidOptions(message):
            return "invalid options: \(message)"
        case let .unreadable(source, reason):
            return "\(source): cannot read: \(reason)"
        case let .badRecord(field, expected, found):
            return "field \"\(field)\": expected \(expected), found \(found)"
        }
    }
}
