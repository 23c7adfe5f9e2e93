/// The subset of YAML that Markdown front matter uses in practice (Jekyll, Hugo, MkDocs):
/// top-level `key: value` pairs whose values are scalars, flow lists (`[a, b]`), block lists
/// (`- item` lines), or block scalars (`|`, `>`). A value nested deeper than that is kept as its
/// source text, so nothing is lost. Scalars are typed as YAML 1.2's core schema types them:
/// true/false, null/~/empty, JSON-style numbers, anything else a string.
enum FrontMatter {
    static func parse(_ lines: [String]) -> [(key: String, value: MetaValue)] {
        var result: [(key: String, value: MetaValue)] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            i += 1
            let trimmed = TextBuilder.trim(line)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || line.first == " " || line.first == "\t" { continue }
            guard let colon = keyColon(line) else { continue }
            let key = unquote(TextBuilder.trim(line[..<colon]))
            let rest = TextBuilder.trim(line[line.index(after: colon)...])
            // The indented lines that follow belong to this key.
            var nested: [String] = []
            while i < lines.count, TextBuilder.trim(lines[i]).isEmpty || lines[i].first == " "
                    || lines[i].first == "\t" || lines[i].hasPrefix("- ") || lines[i] == "-" {
                nested.append(lines[i])
                i += 1
            }
            while let last = nested.last, TextBuilder.trim(last).isEmpty { nested.removeLast() }
            let value: MetaValue
            if rest == "|" || rest == ">" || rest.hasPrefix("|") || rest.hasPrefix(">") {
                let body = nested.map { TextBuilder.trim($0) }
                value = .string(rest.hasPrefix("|") ? body.joined(separator: "\n") : body.joined(separator: " "))
            } else if !rest.isEmpty && !rest.hasPrefix("#") {
                value = scalarOrFlowList(rest)
            } else if !nested.isEmpty && nested.allSatisfy({ TextBuilder.trim($0).hasPrefix("-") || TextBuilder.trim($0).isEmpty }) {
                value = .array(nested.compactMap { item in
                    let t = TextBuilder.trim(item)
                    return t.isEmpty ? nil : scalar(TextBuilder.trim(t.dropFirst()))
                })
            } else if !nested.isEmpty {
                value = .string(nested.joined(separator: "\n"))
            } else {
                value = .null
            }
            result.append((key: key, value: value))
        }
        return result
    }

    /// The colon that ends a key: the first ": " (or a colon ending the line) outside quotes.
    private static func keyColon(_ line: String) -> String.Index? {
        var quote: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let c = line[index]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == ":" {
                let next = line.index(after: index)
                if next == line.endIndex || line[next] == " " || line[next] == "\t" { return index }
            }
            index = line.index(after: index)
        }
        return nil
    }

    private static func scalarOrFlowList(_ s: String) -> MetaValue {
        if s.hasPrefix("[") && s.hasSuffix("]") {
            let inner = TextBuilder.trim(s.dropFirst().dropLast())
            if inner.isEmpty { return .array([]) }
            return .array(inner.split(separator: ",").map { scalar(TextBuilder.trim($0)) })
        }
        return scalar(s)
    }

    static func scalar(_ raw: String) -> MetaValue {
        var s = raw
        if !(s.hasPrefix("\"") || s.hasPrefix("'")), let comment = s.firstRange(of: " #") {
            s = TextBuilder.trim(s[..<comment.lowerBound])
        }
        if s.count >= 2, let first = s.first, first == "\"" || first == "'", s.last == first {
            return .string(unquote(s))
        }
        switch s {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        if isJSONNumber(s) { return .number(s) }
        return .string(s)
    }

    private static func unquote(_ s: String) -> String {
        guard s.count >= 2, let first = s.first, first == "\"" || first == "'", s.last == first else { return s }
        let inner = String(s.dropFirst().dropLast())
        if first == "'" { return inner.replacing("''", with: "'") }
        return inner.replacing("\\\"", with: "\"").replacing("\\\\", with: "\\")
    }

    /// JSON's number grammar (RFC 8259 §6): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    static func isJSONNumber(_ s: String) -> Bool {
        var chars = Substring(s)
        if chars.first == "-" { chars = chars.dropFirst() }
        let integer = chars.prefix(while: { $0.isASCII && $0.isNumber })
        guard !integer.isEmpty, integer == "0" || integer.first != "0" else { return false }
        chars = chars.dropFirst(integer.count)
        if chars.first == "." {
            chars = chars.dropFirst()
            let fraction = chars.prefix(while: { $0.isASCII && $0.isNumber })
            guard !fraction.isEmpty else { return false }
            chars = chars.dropFirst(fraction.count)
        }
        if chars.first == "e" || chars.first == "E" {
            chars = chars.dropFirst()
            if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
            let exponent = chars.prefix(while: { $0.isASCII && $0.isNumber })
            guard !exponent.isEmpty else { return false }
            chars = chars.dropFirst(exponent.count)
        }
        return chars.isEmpty
    }
}
