import Foundation

/// Hugging Face's `BertNormalizer` followed by its `BertPreTokenizer`, fused into one pass over the
/// text's Unicode scalars so that no intermediate strings are built:
///
/// 1. clean text: drop NUL, U+FFFD and control characters (general categories Cc, Cf, Co; tab, CR
///    and LF count as whitespace instead), map every whitespace character to a space;
/// 2. put spaces around CJK ideographs, so each becomes a word of its own;
/// 3. strip accents: canonical decomposition (NFD) then drop nonspacing marks (Mn);
/// 4. lower-case (the full Unicode mapping, as Rust's `char::to_lowercase`);
/// 5. split on whitespace and make every punctuation character a word of its own.
///
/// Every normalised scalar remembers which scalar of the original text it came from, so that
/// tokens can be traced back to the text (`WordPieceEncoding.offsets`).
struct BertPreTokenizer: Sendable {
    var cleanText = true
    var handleChineseChars = true
    var stripAccents = true
    var lowercase = true

    /// The words of one stretch of text, in a buffer reused across calls.
    struct Words {
        /// Normalised scalars of all words, back to back.
        var scalars: [Unicode.Scalar] = []
        /// For each normalised scalar, the index of the original scalar it came from.
        var origins: [Int] = []
        /// Each word as a range of `scalars`.
        var ranges: [Range<Int>] = []

        mutating func removeAll() {
            scalars.removeAll(keepingCapacity: true)
            origins.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
        }
    }

    /// Appends the words of `text[range]` to `words`.
    func split(_ text: [Unicode.Scalar], _ range: Range<Int>, into words: inout Words) {
        var wordStart = words.scalars.count
        // Ends the word under construction, if any.
        func flush(_ words: inout Words) {
            if wordStart < words.scalars.count { words.ranges.append(wordStart..<words.scalars.count) }
            wordStart = words.scalars.count
        }
        // Adds one normalised scalar and applies the pre-tokeniser's splitting rules to it.
        func emit(_ s: Unicode.Scalar, from origin: Int, _ words: inout Words) {
            if Self.isWhitespace(s) {
                flush(&words)
            } else if Self.isPunctuation(s) {
                flush(&words)
                words.scalars.append(s)
                words.origins.append(origin)
                flush(&words)
            } else {
                words.scalars.append(s)
                words.origins.append(origin)
            }
        }

        for index in range {
            let scalar = text[index]
            let v = scalar.value
            if v < 0x80 {
                // ASCII: no decomposition, no CJK; the common case, kept free of calls.
                if cleanText && (v == 0 || (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F) {
                    continue
                }
                var s = scalar
                if lowercase && v >= 0x41 && v <= 0x5A { s = Unicode.Scalar(v + 0x20)! }
                emit(s, from: index, &words)
                continue
            }
            if cleanText && (v == 0xFFFD || Self.isControl(scalar)) { continue }
            if cleanText && Self.isWhitespace(scalar) {
                flush(&words)
                continue
            }
            let isCJK = handleChineseChars && Self.isCJK(v)
            if isCJK { flush(&words) }
            if stripAccents || lowercase {
                for d in decompose(scalar) {
                    if stripAccents && d.properties.generalCategory == .nonspacingMark { continue }
                    if lowercase && d.properties.changesWhenLowercased {
                        for l in d.properties.lowercaseMapping.unicodeScalars { emit(l, from: index, &words) }
                    } else {
                        emit(d, from: index, &words)
                    }
                }
            } else {
                emit(scalar, from: index, &words)
            }
            if isCJK { flush(&words) }
        }
        flush(&words)
    }

    /// The canonical decomposition of one scalar when accents are stripped. Decomposing scalar by
    /// scalar skips NFD's canonical reordering of combining marks; the reordered marks are the
    /// nonspacing ones that step 3 drops anyway, so the words come out the same.
    private func decompose(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        // Below U+00C0 nothing has a canonical decomposition.
        guard stripAccents, scalar.value >= 0xC0 else { return [scalar] }
        return Array(String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// Whether `s` always ends a word and yields nothing itself: whitespace that survives cleaning.
    /// The other Unicode White_Space scalars (VT, FF, NEL) are controls that cleaning drops, so
    /// the words on either side of them join ("un\u{0C}able" is the word "unable").
    func separates(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        case 0..<0x80: return false
        default: return s.properties.isWhitespace && !(cleanText && Self.isControl(s))
        }
    }

    /// Whitespace as Hugging Face's BERT code sees it: tab, LF, CR and Unicode White_Space.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        case 0..<0x80: return false
        default: return s.properties.isWhitespace
        }
    }

    /// Control as Hugging Face's BERT code sees it: categories Cc, Cf and Co (the Rust crate
    /// `unicode_categories`' `is_other`, which leaves out unassigned code points), except tab, LF, CR.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: return false
        default:
            switch s.properties.generalCategory {
            case .control, .format, .privateUse: return true
            default: return false
            }
        }
    }

    /// ASCII punctuation (which includes symbols such as `$`, `+`, `<`, `^`, `|`) or any Unicode
    /// punctuation category (Pc, Pd, Ps, Pe, Pi, Pf, Po).
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 0x21 && v <= 0x2F) || (v >= 0x3A && v <= 0x40) || (v >= 0x5B && v <= 0x60) || (v >= 0x7B && v <= 0x7E)
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK ideograph blocks that BERT's original code (and Hugging Face's) isolate.
    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
