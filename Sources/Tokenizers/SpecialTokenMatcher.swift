/// Finds special tokens written literally in text, before any normalisation, the way Hugging Face's
/// `AddedVocabulary` does for tokens with `normalized: false`: leftmost match first and, among
/// matches starting at the same place, the longest.
struct SpecialTokenMatcher: Sendable {
    /// One literal token: its scalars and its id.
    private struct Literal: Sendable {
        var scalars: [Unicode.Scalar]
        var id: Int
    }

    /// Literals grouped by their first scalar, longest first within a group.
    private let byFirstScalar: [Unicode.Scalar: [Literal]]
    /// Bit `v` set when an ASCII scalar `v` starts a literal: most scalars of a text are ASCII and
    /// start none, and this answers them without hashing.
    private let asciiFirsts: (low: UInt64, high: UInt64)

    var isEmpty: Bool { byFirstScalar.isEmpty }

    init(_ tokens: [(content: String, id: Int)]) {
        var groups: [Unicode.Scalar: [Literal]] = [:]
        for (content, id) in tokens {
            let scalars = Array(content.unicodeScalars)
            guard let first = scalars.first else { continue }
            groups[first, default: []].append(Literal(scalars: scalars, id: id))
        }
        var asciiFirsts: (low: UInt64, high: UInt64) = (0, 0)
        for key in groups.keys {
            groups[key]!.sort { $0.scalars.count > $1.scalars.count }
            if key.value < 64 { asciiFirsts.low |= 1 << key.value } else if key.value < 128 { asciiFirsts.high |= 1 << (key.value - 64) }
        }
        byFirstScalar = groups
        self.asciiFirsts = asciiFirsts
    }

    /// Calls `text` for every stretch of ordinary text and `special` for every special token, in
    /// order; ranges index `scalars`.
    func split(_ scalars: [Unicode.Scalar], text: (Range<Int>) -> Void, special: (Int, Range<Int>) -> Void) {
        var start = 0
        var i = 0
        let n = scalars.count
        while i < n {
            let v = scalars[i].value
            if v < 128 && (v < 64 ? asciiFirsts.low >> v : asciiFirsts.high >> (v - 64)) & 1 == 0 {
                i += 1
                continue
            }
            if let candidates = byFirstScalar[scalars[i]],
               let match = candidates.first(where: { Self.matches($0.scalars, scalars, at: i) }) {
                if start < i { text(start..<i) }
                let end = i + match.scalars.count
                special(match.id, i..<end)
                i = end
                start = end
            } else {
                i += 1
            }
        }
        if start < n { text(start..<n) }
    }

    private static func matches(_ literal: [Unicode.Scalar], _ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        guard scalars.count - i >= literal.count else { return false }
        for k in 1..<literal.count where scalars[i + k] != literal[k] { return false }
        return true
    }
}
