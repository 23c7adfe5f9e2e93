/// A file-name pattern as ripgrep's `--glob` takes it: `*` matches within a path component, `?`
/// one character, `[a-z]` / `[!a-z]` a class, `**` any number of components. A pattern without
/// "/" is matched against the file name, one with "/" against the whole relative path. A
/// leading "!" makes it an exclusion.
public struct Glob: Sendable, Equatable {
    public let pattern: String
    public let excludes: Bool
    private let scalars: [Unicode.Scalar]
    private let matchesPath: Bool

    public init(_ text: String) {
        excludes = text.hasPrefix("!")
        pattern = excludes ? String(text.dropFirst()) : text
        var body = pattern
        if body.hasPrefix("/") { body.removeFirst() }
        matchesPath = body.contains("/")
        scalars = Array(body.unicodeScalars)
    }

    public func matches(_ relativePath: String) -> Bool {
        let subject = matchesPath ? relativePath : String(relativePath.split(separator: "/").last ?? "")
        return Self.match(scalars[...], Array(subject.unicodeScalars)[...])
    }

    private static func match(_ p: ArraySlice<Unicode.Scalar>, _ s: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        switch first {
        case "*":
            if p.dropFirst().first == "*" {
                // "**/" matches zero or more whole components; a bare "**" matches anything.
                var rest = p.dropFirst(2)
                if rest.first == "/" { rest = rest.dropFirst() }
                if match(rest, s) { return true }
                var tail = s
                while !tail.isEmpty {
                    if p.dropFirst(2).first == "/" {
                        guard let slash = tail.firstIndex(of: "/") else { return false }
                        tail = tail[(slash + 1)...]
                    } else {
                        tail = tail.dropFirst()
                    }
                    if match(rest, tail) { return true }
                }
                return false
            }
            var tail = s
            while true {
                if match(p.dropFirst(), tail) { return true }
                guard let c = tail.first, c != "/" else { return false }
                tail = tail.dropFirst()
            }
        case "?":
            guard let c = s.first, c != "/" else { return false }
            return match(p.dropFirst(), s.dropFirst())
        case "[":
            guard let c = s.first, c != "/", let close = p.dropFirst(2).firstIndex(of: "]") else {
                return s.first == "[" && match(p.dropFirst(), s.dropFirst())
            }
            var set = p[(p.startIndex + 1)..<close]
            let negated = set.first == "!" || set.first == "^"
            if negated { set = set.dropFirst() }
            var found = false
            var i = set.startIndex
            while i < set.endIndex {
                if i + 2 < set.endIndex, set[i + 1] == "-" {
                    if set[i].value <= c.value && c.value <= set[i + 2].value { found = true }
                    i += 3
                } else {
                    if set[i] == c { found = true }
                    i += 1
                }
            }
            return found != negated && match(p[(close + 1)...], s.dropFirst())
        default:
            guard s.first == first else { return false }
            return match(p.dropFirst(), s.dropFirst())
        }
    }
}
