/// The token count of any stretch of one document, from one tokenisation of the whole of it.
///
/// With `before[i]` the number of tokens that start before scalar `i`, a stretch whose ends do not
/// fall inside a word (a maximal run of scalars the counter does not separate at) has
/// `before[end] - before[start]` tokens, by the counter's additivity (`TokenCounter.separates`).
/// A stretch that cuts a word is the cut pieces at its ends, counted on their exact text, plus the
/// whole words between them by subtraction. For a counter that separates at nothing, only the whole
/// document is a stretch of whole words, and everything else is counted exactly.
struct TokenSizes {
    let text: IndexedText
    let counter: any TokenCounter
    /// `before[i]`: tokens starting before scalar `i` (count + 1 entries).
    private let before: [Int]
    /// Whether the counter separates at scalar `i`.
    private let separator: [Bool]

    init(text: IndexedText, counter: any TokenCounter) {
        self.text = text
        self.counter = counter
        let n = text.count
        separator = [Bool](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0..<n { buffer.initializeElement(at: i, to: counter.separates(text[i])) }
            initialized = n
        }
        before = [Int](unsafeUninitializedCapacity: n + 1) { buffer, initialized in
            buffer.initialize(repeating: 0)
            let starts = buffer.baseAddress!
            counter.forEachTokenStart(text.substring(0, n)) { offset in
                precondition(offset >= 0 && offset < n, "a token start outside the text")
                starts[offset + 1] += 1
            }
            for i in 0..<n { starts[i + 1] += starts[i] }
            initialized = n + 1
        }
    }

    /// The tokens of scalars `start..<end`.
    func size(_ start: Int, _ end: Int) -> Int {
        guard start < end else { return 0 }
        if isBoundary(start) && isBoundary(end) { return before[end] - before[start] }
        var first = start  // the first word boundary at or after start
        while !isBoundary(first) { first += 1 }
        var last = end  // the last one at or before end
        while !isBoundary(last) { last -= 1 }
        guard first < last else { return counter.count(text.substring(start, end)) }
        var size = before[last] - before[first]
        if start < first { size += counter.count(text.substring(start, first)) }
        if last < end { size += counter.count(text.substring(last, end)) }
        return size
    }

    /// Whether offset `i` does not fall inside a word: cutting the text there cuts no word.
    private func isBoundary(_ i: Int) -> Bool {
        i == 0 || i == separator.count || separator[i - 1] || separator[i]
    }
}
