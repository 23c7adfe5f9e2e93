// The Porter stemming algorithm, implemented from its published description: M. F. Porter,
// "An algorithm for suffix stripping", Program 14(3), 1980, pp. 130–137. Two departures are
// those of Porter's own reference implementation (and so of Lucene's PorterStemFilter, which
// Anserini's BM25 baselines use): step 2 maps -bli to -ble (not -abli to -able) and adds
// -logi to -log.
//
// The stemmer works on lower-case ASCII letters; a word with any other byte is returned as is
// (the algorithm is defined for English only). Words of one or two letters are not stemmed.

public enum PorterStemmer {
    public static func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        guard bytes.count > 2, bytes.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        var w = Word(bytes: bytes)
        w.step1ab()
        if w.end > 0 {
            w.step1c(); w.step2(); w.step3(); w.step4(); w.step5()
        }
        bytes = Array(w.bytes[0...w.end])
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The word being stemmed: bytes[0...end] is the current word, and after a successful
    /// `ends`, bytes[0...stemEnd] is the stem before the matched suffix.
    private struct Word {
        var bytes: [UInt8]
        var end: Int
        var stemEnd = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            end = bytes.count - 1
        }

        /// Whether bytes[i] is a consonant: not a, e, i, o, u, and not a y after a consonant.
        func isConsonant(_ i: Int) -> Bool {
            switch bytes[i] {
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"):
                return false
            case UInt8(ascii: "y"):
                return i == 0 ? true : !isConsonant(i - 1)
            default:
                return true
            }
        }

        /// m, the number of VC sequences in bytes[0...stemEnd] written as [C](VC)^m[V].
        func measure() -> Int {
            var n = 0, i = 0
            while i <= stemEnd && isConsonant(i) { i += 1 }
            while i <= stemEnd {
                while i <= stemEnd && !isConsonant(i) { i += 1 }
                guard i <= stemEnd else { break }
                n += 1
                while i <= stemEnd && isConsonant(i) { i += 1 }
            }
            return n
        }

        /// *v*: the stem contains a vowel.
        func stemHasVowel() -> Bool {
            stemEnd >= 0 && (0...stemEnd).contains { !isConsonant($0) }
        }

        /// *d: bytes[i-1...i] is a double consonant.
        func doubleConsonant(_ i: Int) -> Bool {
            i >= 1 && bytes[i] == bytes[i - 1] && isConsonant(i)
        }

        /// *o: bytes[i-2...i] is consonant-vowel-consonant and the last is not w, x or y.
        func cvc(_ i: Int) -> Bool {
            guard i >= 2, isConsonant(i), !isConsonant(i - 1), isConsonant(i - 2) else { return false }
            let c = bytes[i]
            return c != UInt8(ascii: "w") && c != UInt8(ascii: "x") && c != UInt8(ascii: "y")
        }

        /// Whether the word ends with `suffix`; sets stemEnd to the byte before it.
        mutating func ends(_ suffix: String) -> Bool {
            let s = Array(suffix.utf8)
            guard s.count <= end + 1 else { return false }
            let start = end + 1 - s.count
            for i in 0..<s.count where bytes[start + i] != s[i] { return false }
            stemEnd = start - 1
            return true
        }

        /// Replaces the matched suffix by `replacement`.
        mutating func setTo(_ replacement: String) {
            let r = Array(replacement.utf8)
            bytes.replaceSubrange((stemEnd + 1)..., with: r)
            end = stemEnd + r.count
        }

        /// Replaces the matched suffix when m > 0.
        mutating func replaceIfMeasured(_ replacement: String) {
            if measure() > 0 { setTo(replacement) }
        }

        mutating func step1ab() {
            if bytes[end] == UInt8(ascii: "s") {
                if ends("sses") { end -= 2 }
                else if ends("ies") { setTo("i") }
                else if end >= 1 && bytes[end - 1] != UInt8(ascii: "s") { end -= 1 }
            }
            if ends("eed") {
                if measure() > 0 { end -= 1 }
            } else if (ends("ed") || ends("ing")) && stemHasVowel() {
                end = stemEnd
                if ends("at") { setTo("ate") }
                else if ends("bl") { setTo("ble") }
                else if ends("iz") { setTo("ize") }
                else if doubleConsonant(end) {
                    let c = bytes[end]
                    if c != UInt8(ascii: "l") && c != UInt8(ascii: "s") && c != UInt8(ascii: "z") { end -= 1 }
                } else {
                    stemEnd = end
                    if measure() == 1 && cvc(end) { setTo2("e") }
                }
            }
        }

        /// Appends `tail` to the whole current word.
        mutating func setTo2(_ tail: String) {
            stemEnd = end
            setTo(tail)
        }

        mutating func step1c() {
            if ends("y") && stemHasVowel() { bytes[end] = UInt8(ascii: "i") }
        }

        mutating func step2() {
            let rules: [(String, String)] = [
                ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
                ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
                ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
                ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
                ("logi", "log"),
            ]
            applyLongest(rules)
        }

        mutating func step3() {
            let rules: [(String, String)] = [
                ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""),
                ("ness", ""),
            ]
            applyLongest(rules)
        }

        /// Steps 2 and 3: the longest matching suffix is replaced when m > 0; a shorter one is
        /// never tried after a longer one matched.
        private mutating func applyLongest(_ rules: [(String, String)]) {
            var best: (String, String)?
            for rule in rules where ends(rule.0) && rule.0.utf8.count > (best?.0.utf8.count ?? 0) { best = rule }
            guard let (suffix, replacement) = best else { return }
            _ = ends(suffix)
            replaceIfMeasured(replacement)
        }

        mutating func step4() {
            let suffixes = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion",
                            "ou", "ism", "ate", "iti", "ous", "ive", "ize"]
            var best: String?
            for suffix in suffixes where ends(suffix) && suffix.utf8.count > (best?.utf8.count ?? 0) { best = suffix }
            guard let suffix = best else { return }
            _ = ends(suffix)
            if suffix == "ion" {
                guard stemEnd >= 0, bytes[stemEnd] == UInt8(ascii: "s") || bytes[stemEnd] == UInt8(ascii: "t") else { return }
            }
            if measure() > 1 { end = stemEnd }
        }

        mutating func step5() {
            stemEnd = end
            if bytes[end] == UInt8(ascii: "e") {
                stemEnd = end - 1
                let m = measure()
                if m > 1 || (m == 1 && !cvc(end - 1)) { end -= 1 }
            }
            stemEnd = end
            if bytes[end] == UInt8(ascii: "l") && doubleConsonant(end) && measure() > 1 { end -= 1 }
        }
    }
}
