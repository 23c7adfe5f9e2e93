/// The regular expressions that split text into words before byte-level BPE, written out by hand
/// over Unicode scalars (letters `\p{L}` and numbers `\p{N}` by general category, `\s` by the
/// White_Space property). Each case names the expression it implements:
///
/// - `gpt2`: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// - `smollm`: every number character split off on its own first (`Digits(individual_digits)` in
///   SmolLM2's tokenizer.json, `\p{N}` in llama.cpp's `smollm` pre-tokeniser), then `gpt2`.
/// - `llama3`: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
///   ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// - `qwen2`: as `llama3` but numbers one character at a time (`\p{N}`).
public enum ByteLevelPreTokenizer: String, Sendable, CaseIterable {
    case gpt2, smollm, llama3, qwen2

    /// The pre-tokeniser for a GGUF file's `tokenizer.ggml.pre`, using llama.cpp's names.
    public init(ggmlName name: String) throws {
        switch name {
        case "gpt-2", "gpt2": self = .gpt2
        // llama.cpp gives these the same two expressions: `\p{N}`, then GPT-2's.
        case "smollm", "starcoder", "refact": self = .smollm
        case "llama3", "llama-bpe": self = .llama3
        case "qwen2": self = .qwen2
        default:
            throw TokenizerError.unsupported(file: "GGUF metadata", what: "tokenizer.ggml.pre", found: name,
                                             supported: "gpt-2, smollm, starcoder, refact, llama-bpe, qwen2")
        }
    }

    /// The words of `text`, as strings: for inspection and tests.
    public func words(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var words: [String] = []
        split(scalars, 0..<scalars.count) { words.append(String(String.UnicodeScalarView(scalars[$0]))) }
        return words
    }

    /// Calls `body` with the range of each word of `text[range]`, in order.
    func split(_ text: [Unicode.Scalar], _ range: Range<Int>, _ body: (Range<Int>) -> Void) {
        switch self {
        case .gpt2:
            Self.gpt2(text, range, body)
        case .smollm:
            var start = range.lowerBound
            for i in range where Self.isNumber(text[i]) {
                if start < i { Self.gpt2(text, start..<i, body) }
                body(i..<(i + 1))
                start = i + 1
            }
            if start < range.upperBound { Self.gpt2(text, start..<range.upperBound, body) }
        case .llama3:
            Self.llama3(text, range, maxDigits: 3, body)
        case .qwen2:
            Self.llama3(text, range, maxDigits: 1, body)
        }
    }

    private static func gpt2(_ s: [Unicode.Scalar], _ range: Range<Int>, _ body: (Range<Int>) -> Void) {
        let end = range.upperBound
        var i = range.lowerBound
        while i < end {
            if let n = contraction(s, i, end, ignoringCase: false) {
                body(i..<(i + n)); i += n; continue
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
            let j = s[i] == " " ? i + 1 : i
            if j < end && !isWhitespace(s[j]) {
                let c = s[j]
                var k = j + 1
                if isLetter(c) {
                    while k < end && isLetter(s[k]) { k += 1 }
                } else if isNumber(c) {
                    while k < end && isNumber(s[k]) { k += 1 }
                } else {
                    while k < end && isOther(s[k]) { k += 1 }
                }
                body(i..<k); i = k; continue
            }
            i = whitespace(s, i, end, body)
        }
    }

    private static func llama3(_ s: [Unicode.Scalar], _ range: Range<Int>, maxDigits: Int, _ body: (Range<Int>) -> Void) {
        let end = range.upperBound
        var i = range.lowerBound
        while i < end {
            if let n = contraction(s, i, end, ignoringCase: true) {
                body(i..<(i + n)); i += n; continue
            }
            let c = s[i]
            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            let letterStart = isLetter(c) ? i
                : (c != "\r" && c != "\n" && !isNumber(c) && i + 1 < end && isLetter(s[i + 1])) ? i + 1 : nil
            if let letterStart {
                var k = letterStart + 1
                while k < end && isLetter(s[k]) { k += 1 }
                body(i..<k); i = k; continue
            }
            // `\p{N}{1,maxDigits}`
            if isNumber(c) {
                var k = i + 1
                while k < end && k - i < maxDigits && isNumber(s[k]) { k += 1 }
                body(i..<k); i = k; continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let j = c == " " ? i + 1 : i
            if j < end && isOther(s[j]) {
                var k = j + 1
                while k < end && isOther(s[k]) { k += 1 }
                while k < end && (s[k] == "\r" || s[k] == "\n") { k += 1 }
                body(i..<k); i = k; continue
            }
            // `\s*[\r\n]+`: the whitespace run up to and including its last line break.
            var k = i
            var afterBreak: Int?
            while k < end && isWhitespace(s[k]) {
                if s[k] == "\r" || s[k] == "\n" { afterBreak = k + 1 }
                k += 1
            }
            if let afterBreak {
                body(i..<afterBreak); i = afterBreak; continue
            }
            i = whitespace(s, i, end, body)
        }
    }

    /// `\s+(?!\S)|\s+` at `i`, where `s[i]` is whitespace: a run of whitespace, less its last
    /// character when a non-space follows and the run is longer than one (that character then
    /// starts the next word, e.g. " world"). Returns the end of the match.
    private static func whitespace(_ s: [Unicode.Scalar], _ i: Int, _ end: Int, _ body: (Range<Int>) -> Void) -> Int {
        var k = i + 1
        while k < end && isWhitespace(s[k]) { k += 1 }
        if k < end && k - i > 1 { k -= 1 }
        body(i..<k)
        return k
    }

    /// The length of `'s|'t|'re|'ve|'m|'ll|'d` at `i`, or nil.
    private static func contraction(_ s: [Unicode.Scalar], _ i: Int, _ end: Int, ignoringCase: Bool) -> Int? {
        guard s[i] == "'", i + 1 < end else { return nil }
        func lower(_ k: Int) -> UInt32 {
            let v = s[k].value
            return ignoringCase && v >= 0x41 && v <= 0x5A ? v + 0x20 : v
        }
        switch lower(i + 1) {
        case 0x73, 0x74, 0x6D, 0x64: return 2  // s t m d
        case 0x72, 0x76:  // r v -> re ve
            return i + 2 < end && lower(i + 2) == 0x65 ? 3 : nil
        case 0x6C:  // l -> ll
            return i + 2 < end && lower(i + 2) == 0x6C ? 3 : nil
        default: return nil
        }
    }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return c.properties.isWhitespace
    }

    /// `[^\s\p{L}\p{N}]`
    static func isOther(_ c: Unicode.Scalar) -> Bool {
        !isWhitespace(c) && !isLetter(c) && !isNumber(c)
    }
}
