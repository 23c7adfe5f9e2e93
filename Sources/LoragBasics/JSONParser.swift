/// A strict RFC 8259 parser over UTF-8 bytes, written for JSONL records: one pass, no
/// Foundation, no copies of ASCII strings beyond the `String` itself.
///
/// - Numbers keep their literal text (validated against the grammar).
/// - Strings must be UTF-8; an invalid byte is an error with its offset. A `\u` escape of a lone
///   UTF-16 surrogate becomes U+FFFD, as Hugging Face's tokenizers (Rust's serde_json with
///   lossy decoding) and Python's `errors="replace"` do, instead of failing a whole corpus.
/// - Nesting deeper than `maxDepth` is an error, so `[[[[…` cannot overflow the stack.
/// - A repeated key keeps its first position and takes the last value (as Python's `json` does).
public struct JSONParser {
    /// Deep enough for any record people write, shallow enough for an 512 KiB thread stack.
    public static let defaultMaxDepth = 256

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var position = 0
    private var depth = 0
    private let maxDepth: Int
    private var rejectsDuplicateKeys = false

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        // An empty buffer may have a nil base; any valid pointer works with `end == 0`.
        base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        end = bytes.count
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON value, surrounded by optional whitespace.
    /// With `rejectingDuplicateKeys`, a key repeated within one object is an error
    /// (`JSONError.duplicateKey`) instead of "last value wins": file headers such as safetensors'
    /// must not name one tensor twice.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>,
                             maxDepth: Int = defaultMaxDepth,
                             rejectingDuplicateKeys: Bool = false) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        parser.rejectsDuplicateKeys = rejectingDuplicateKeys
        parser.skipWhitespace()
        let value = try parser.parseValue()
        try parser.expectEnd()
        return value
    }

    /// Parses one record (a JSON object) and, if its member `floatField` is an array, returns
    /// that array as Float32 read straight from the digits, removed from the returned object.
    /// This is the path for 100,000 records of 384-float embeddings: no per-number `JSONValue`.
    /// A `floatField` that is not an array (a base64 string, say) stays in the object and
    /// `floats` is nil.
    public static func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>, floatField: String,
                                   maxDepth: Int = defaultMaxDepth)
        throws(JSONError) -> (record: JSONObject, floats: [Float]?)
    {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        guard parser.peek == UInt8(ascii: "{") else {
            throw parser.unexpected("a JSON object")
        }
        var floats: [Float]? = nil
        let record = try parser.parseObject(floatField: floatField, floats: &floats)
        try parser.expectEnd()
        return (record, floats)
    }

    // MARK: Values

    private var peek: UInt8? { position < end ? base[position] : nil }

    private mutating func skipWhitespace() {
        while position < end {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func expectEnd() throws(JSONError) {
        skipWhitespace()
        if position != end { throw .trailingCharacters(offset: position) }
    }

    private mutating func parseValue() throws(JSONError) -> JSONValue {
        guard let byte = peek else { throw unexpected("a value") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"):
            var unused: [Float]? = nil
            return .object(try parseObject(floatField: nil, floats: &unused))
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (start, length) = try scanNumber()
            let text = String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
            return .number(JSONNumber(validatedText: text))
        default: throw unexpected("a value")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        let bytes = word.utf8Start
        for k in 0..<count {
            guard position < end, base[position] == bytes[k] else { throw unexpected("'\(word)'") }
            position += 1
        }
    }

    private mutating func enterContainer() throws(JSONError) {
        depth += 1
        if depth > maxDepth { throw .tooDeep(offset: position, limit: maxDepth) }
        position += 1  // the opening bracket
        skipWhitespace()
    }

    private mutating func parseArray() throws(JSONError) -> [JSONValue] {
        try enterContainer()
        var elements = [JSONValue]()
        if peek == UInt8(ascii: "]") { position += 1; depth -= 1; return elements }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard let byte = peek else { throw unexpected("',' or ']'") }
            position += 1
            if byte == UInt8(ascii: "]") { break }
            guard byte == UInt8(ascii: ",") else { position -= 1; throw unexpected("',' or ']'") }
            skipWhitespace()
        }
        depth -= 1
        return elements
    }

    private mutating func parseObject(floatField: String?, floats: inout [Float]?)
        throws(JSONError) -> JSONObject
    {
        try enterContainer()
        var members = [JSONObject.Member]()
        // Key positions, built only once an object grows past a few members: records have a
        // handful of fields (a scan is fastest), vocabularies in tokenizer.json have 50,000.
        var positions: [String: Int]? = nil
        if peek == UInt8(ascii: "}") { position += 1; depth -= 1; return JSONObject(uniqueMembers: members) }
        while true {
            guard peek == UInt8(ascii: "\"") else { throw unexpected("a string key") }
            let key = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw unexpected("':'") }
            position += 1
            skipWhitespace()
            if let floatField, key == floatField, peek == UInt8(ascii: "[") {
                floats = try parseFloatArray(field: floatField)
            } else {
                let value = try parseValue()
                // Repeated keys are rare: the last value wins, at the first key's position.
                let earlier = positions.map { $0[key] }
                    ?? members.firstIndex(where: { $0.key == key })
                if let earlier {
                    if rejectsDuplicateKeys { throw .duplicateKey(offset: position, key: key) }
                    members[earlier].value = value
                } else {
                    if positions != nil {
                        positions![key] = members.count
                    } else if members.count == JSONObject.indexThreshold {
                        positions = Dictionary(uniqueKeysWithValues: members.indices.map { (members[$0].key, $0) })
                        positions![key] = members.count
                    }
                    members.append((key, value))
                }
            }
            skipWhitespace()
            guard let byte = peek else { throw unexpected("',' or '}'") }
            position += 1
            if byte == UInt8(ascii: "}") { break }
            guard byte == UInt8(ascii: ",") else { position -= 1; throw unexpected("',' or '}'") }
            skipWhitespace()
        }
        depth -= 1
        return JSONObject(uniqueMembers: members, positions: positions)
    }

    private mutating func parseFloatArray(field: String) throws(JSONError) -> [Float] {
        try enterContainer()
        var values = [Float]()
        values.reserveCapacity(512)
        if peek == UInt8(ascii: "]") { position += 1; depth -= 1; return values }
        while true {
            guard let byte = peek, byte == UInt8(ascii: "-") || (byte &- 48) < 10 else {
                throw unexpected("a number in \"\(field)\"")
            }
            let (start, length) = try scanNumber()
            guard let value = JSONNumber.parseFloat(UnsafeBufferPointer(start: base + start, count: length)) else {
                let text = String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
                throw .syntax(offset: start, expected: "a number within Float32 range in \"\(field)\"", found: text)
            }
            values.append(value)
            skipWhitespace()
            guard let next = peek else { throw unexpected("',' or ']'") }
            position += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else { position -= 1; throw unexpected("',' or ']'") }
            skipWhitespace()
        }
        depth -= 1
        return values
    }

    // MARK: Numbers

    /// Checks `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` and returns its extent.
    private mutating func scanNumber() throws(JSONError) -> (start: Int, length: Int) {
        let start = position
        if base[position] == UInt8(ascii: "-") { position += 1 }
        guard let first = peek, (first &- 48) < 10 else { throw unexpected("a digit") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek == UInt8(ascii: ".") {
            position += 1
            guard let d = peek, (d &- 48) < 10 else { throw unexpected("a digit after '.'") }
            skipDigits()
        }
        if let e = peek, e | 0x20 == UInt8(ascii: "e") {
            position += 1
            if let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            guard let d = peek, (d &- 48) < 10 else { throw unexpected("a digit in the exponent") }
            skipDigits()
        }
        return (start, position - start)
    }

    private mutating func skipDigits() {
        while position < end && (base[position] &- 48) < 10 { position += 1 }
    }

    // MARK: Strings

    private mutating func parseString() throws(JSONError) -> String {
        position += 1  // the opening quote
        let start = position
        // Fast scan: plain ASCII up to the closing quote needs neither decoding nor validation.
        while position < end {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            position += 1
        }
        return try parseStringSlowly(from: start)
    }

    /// Handles escapes, control characters (an error) and multi-byte UTF-8 (validated).
    private mutating func parseStringSlowly(from start: Int) throws(JSONError) -> String {
        var bytes = [UInt8](UnsafeBufferPointer(start: base + start, count: position - start))
        while true {
            guard position < end else { throw unexpected("'\"' to close the string") }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: bytes, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                try parseEscape(into: &bytes)
            } else if byte < 0x20 {
                throw unexpected("a character (control characters must be escaped in strings)")
            } else if byte < 0x80 {
                bytes.append(byte)
                position += 1
            } else {
                let length = try utf8SequenceLength(at: position)
                bytes.append(contentsOf: UnsafeBufferPointer(start: base + position, count: length))
                position += length
            }
        }
    }

    private mutating func parseEscape(into bytes: inout [UInt8]) throws(JSONError) {
        position += 1  // the backslash
        guard let code = peek else { throw unexpected("an escape character") }
        position += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(code)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate pairs only with an immediately following \u low surrogate.
                if position + 1 < end && base[position] == UInt8(ascii: "\\") && base[position + 1] == UInt8(ascii: "u") {
                    let save = position
                    position += 2
                    let low = try parseHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                        position = save  // the second escape is read on its own
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00..<0xE000).contains(scalar) {
                scalar = 0xFFFD
            }
            appendUTF8(scalar, to: &bytes)
        default:
            position -= 1
            throw unexpected("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u")
        }
    }

    private mutating func parseHex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek else { throw unexpected("4 hex digits after \\u") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - 55
            default: throw unexpected("4 hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            bytes.append(UInt8(scalar))
        case ..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The length of the well-formed UTF-8 sequence at `offset`.
    private func utf8SequenceLength(at offset: Int) throws(JSONError) -> Int {
        guard let length = UTF8Validation.sequenceLength(base, at: offset, end: end) else {
            throw .invalidUTF8(offset: offset)
        }
        return length
    }

    // MARK: Errors

    private func unexpected(_ expected: String) -> JSONError {
        guard position < end else { return .syntax(offset: position, expected: expected, found: "end of input") }
        let byte = base[position]
        if byte >= 0x80 {
            if (try? utf8SequenceLength(at: position)) == nil { return .invalidUTF8(offset: position) }
            return .syntax(offset: position, expected: expected, found: "a non-ASCII character")
        }
        let found = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'"
                                                : "control character 0x\(String(byte, radix: 16))"
        return .syntax(offset: position, expected: expected, found: found)
    }
}

extension JSONValue {
    /// Parses one JSON value from UTF-8 text.
    public init(parsing text: String, maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONError) {
        var copy = text
        let result = copy.withUTF8 { bytes in
            Result { () throws(JSONError) -> JSONValue in try JSONParser.parse(bytes, maxDepth: maxDepth) }
        }
        self = try result.get()
    }

    /// Parses one JSON value from UTF-8 bytes.
    public init(parsing bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONError) {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONError) -> JSONValue in try JSONParser.parse(buffer, maxDepth: maxDepth) }
        }
        self = try result.get()
    }
}
