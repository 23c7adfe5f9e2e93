/// Everything that can go wrong in LoragBasics: reading JSON text and writing JSON values.
///
/// Offsets are in bytes from the start of the parsed text (0-based), so that a tool can point at
/// the column of a JSONL line; `description` says what was expected and what was found.
public enum JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not JSON: `expected` describes what the grammar allows at `offset`,
    /// `found` what is there (a quoted character, "end of input", ...).
    case syntax(offset: Int, expected: String, found: String)
    /// Bytes that are not UTF-8 (RFC 8259 §8.1 requires UTF-8).
    case invalidUTF8(offset: Int)
    /// Arrays and objects nested deeper than the parser's limit (which protects the stack).
    case tooDeep(offset: Int, limit: Int)
    /// A key seen twice in one object, when the caller asked for unique keys.
    case duplicateKey(offset: Int, key: String)
    /// Text after the one value of the input.
    case trailingCharacters(offset: Int)
    /// JSON has no literal for infinities and NaN; writing one is refused rather than emitted as
    /// text no other reader accepts.
    case nonFiniteNumber(String)

    public var description: String {
        switch self {
        case let .syntax(offset, expected, found):
            return "invalid JSON at byte \(offset): expected \(expected), found \(found)"
        case let .invalidUTF8(offset):
            return "invalid UTF-8 at byte \(offset)"
        case let .tooDeep(offset, limit):
            return "JSON nested deeper than \(limit) levels at byte \(offset)"
        case let .duplicateKey(offset, key):
            return "duplicate key '\(key)' before byte \(offset)"
        case let .trailingCharacters(offset):
            return "invalid JSON at byte \(offset): expected end of value, found more text"
        case let .nonFiniteNumber(value):
            return "cannot write \(value) as JSON: only finite numbers have a JSON form"
        }
    }
}
