// The tiny subset of Python literals found in .npy headers: a dict of quoted-string keys whose
// values are strings, True/False, or tuples of integers.

enum NpyHeaderValue: Equatable {
    case string(String)
    case bool(Bool)
    case tuple([Int])

    struct ParseError: Error {
        let message: String
    }

    static func parseDict(_ text: String) throws -> [String: NpyHeaderValue] {
        var s = Substring(text)
        func skipSpace() { s = s.drop { $0 == " " || $0 == "\n" || $0 == "\t" } }
        func expect(_ c: Character) throws {
            skipSpace()
            guard s.first == c else { throw ParseError(message: "expected '\(c)' at \(s.prefix(12).debugDescription)") }
            s = s.dropFirst()
        }
        func quoted() throws -> String {
            skipSpace()
            guard let q = s.first, q == "'" || q == "\"" else { throw ParseError(message: "expected a quoted string") }
            s = s.dropFirst()
            guard let end = s.firstIndex(of: q) else { throw ParseError(message: "unterminated string") }
            let value = String(s[..<end])
            s = s[s.index(after: end)...]
            return value
        }
        func integer() throws -> Int {
            skipSpace()
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int(digits) else { throw ParseError(message: "expected a non-negative integer") }
            s = s.dropFirst(digits.count)
            if s.first == "L" { s = s.dropFirst() }   // Python 2 long suffix
            return n
        }
        func value() throws -> NpyHeaderValue {
            skipSpace()
            if s.hasPrefix("True") { s = s.dropFirst(4); return .bool(true) }
            if s.hasPrefix("False") { s = s.dropFirst(5); return .bool(false) }
            if s.first == "'" || s.first == "\"" { return .string(try quoted()) }
            try expect("(")
            var items: [Int] = []
            while true {
                skipSpace()
                if s.first == ")" { s = s.dropFirst(); return .tuple(items) }
                items.append(try integer())
                skipSpace()
                if s.first == "," { s = s.dropFirst() } else { try expect(")"); return .tuple(items) }
            }
        }

        try expect("{")
        var dict: [String: NpyHeaderValue] = [:]
        while true {
            skipSpace()
            if s.first == "}" { s = s.dropFirst(); break }
            let key = try quoted()
            try expect(":")
            guard dict.updateValue(try value(), forKey: key) == nil else { throw ParseError(message: "duplicate key '\(key)'") }
            skipSpace()
            if s.first == "," { s = s.dropFirst() } else { try expect("}"); break }
        }
        skipSpace()
        guard s.isEmpty else { throw ParseError(message: "unexpected text after the dict") }
        return dict
    }
}
