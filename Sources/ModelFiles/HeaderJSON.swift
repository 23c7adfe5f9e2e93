// A small strict JSON parser for file headers (safetensors). Foundation's JSONSerialization would
// silently keep one of two equal keys; a safetensors header with a duplicated tensor name must be an
// error, and tensor order should follow the file, so objects here keep their keys in order and
// report duplicates. Depth is bounded so a hostile header cannot overflow the stack.

/// A parsed JSON value with objects as ordered key/value lists.
enum HeaderJSON: Equatable {
    case null
    case bool(Bool)
    /// Integers without fraction or exponent that fit in Int64 keep their exact value.
    case integer(Int)
    case number(Double)
    case string(String)
    case array([HeaderJSON])
    case object([(key: String, value: HeaderJSON)])

    static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Why a header is not acceptable JSON, with the byte offset inside the header.
    struct ParseError: Error {
        let message: String
        /// Set when the error is an object key seen twice (a duplicated tensor name in safetensors).
        var duplicateKey: String? = nil
    }

    /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> HeaderJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        static let maxDepth = 64

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func error(_ message: String) -> ParseError { ParseError(message: "\(message) at byte \(index)") }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
        }

        mutating func expect(_ c: UInt8) throws {
            guard current == c else { throw error("expected '\(Character(Unicode.Scalar(c)))'") }
            index += 1
        }

        mutating func value(depth: Int) throws -> HeaderJSON {
            guard depth < Parser.maxDepth else { throw error("nesting deeper than \(Parser.maxDepth)") }
            switch current {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case let c? where c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39): return try number()
            case nil: throw error("unexpected end of JSON")
            default: throw error("unexpected character")
            }
        }

        mutating func literal(_ word: String) throws {
            for c in word.utf8 {
                guard current == c else { throw error("invalid literal, expected '\(word)'") }
                index += 1
            }
        }

        mutating func object(depth: Int) throws -> HeaderJSON {
            index += 1
            var members: [(key: String, value: HeaderJSON)] = []
            var seen = Set<String>()
            skipWhitespace()
            if current == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                guard seen.insert(key).inserted else { throw ParseError(message: "duplicate key '\(key)' at byte \(index)", duplicateKey: key) }
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws -> HeaderJSON {
            index += 1
            var items: [HeaderJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        }

        mutating func number() throws -> HeaderJSON {
            let start = index
            var isInteger = true
            if current == UInt8(ascii: "-") { index += 1 }
            while let c = current {
                if c >= 0x30 && c <= 0x39 { index += 1 }
                else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                            || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { isInteger = false; index += 1 }
                else { break }
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if isInteger, let n = Int(text) { return .integer(n) }
            guard let d = Double(text), d.isFinite else { throw error("invalid number '\(text)'") }
            return .number(d)
        }

        mutating func hex4() throws -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let c = current, let digit = Character(Unicode.Scalar(c)).hexDigitValue else {
                    throw error("invalid \\u escape")
                }
                v = v << 4 | UInt32(digit)
                index += 1
            }
            return v
        }

        mutating func string() throws -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard let c = current else { throw error("unterminated string") }
                index += 1
                switch c {
                case UInt8(ascii: "\""):
                    guard let s = strictUTF8(out) else { throw error("string is not valid UTF-8") }
                    return s
                case UInt8(ascii: "\\"):
                    guard let e = current else { throw error("unterminated escape") }
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if scalar >= 0xD800 && scalar < 0xDC00 {
                            try literal("\\u")
                            let low = try hex4()
                            guard low >= 0xDC00 && low < 0xE000 else { throw error("unpaired surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw error("invalid escape")
                    }
                case 0..<0x20: throw error("control character in string")
                default: out.append(c)
                }
            }
        }
    }

    /// Appends `s` as a JSON string literal (quotes and escapes included) to `out`.
    static func appendQuoted(_ s: String, to out: inout String) {
        out.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(u)
            }
        }
        out.append("\"")
    }
}
