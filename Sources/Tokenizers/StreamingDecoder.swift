/// Turns generated token ids into text as they arrive. A byte-level token can end in the middle
/// of a UTF-8 character (an emoji is often two or three tokens), so bytes are held back until the
/// character they begin is complete; text is only ever returned whole.
public struct StreamingDecoder: Sendable {
    private let tokenizer: ByteLevelBPETokenizer
    private let skipSpecial: Bool
    private var pending: [UInt8] = []

    public init(_ tokenizer: ByteLevelBPETokenizer, skipSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// The text completed by token `id`: possibly empty, possibly more than the token's own bytes.
    public mutating func append(_ id: Int) -> String {
        tokenizer.appendBytes(of: id, to: &pending, skipSpecial: skipSpecial)
        let complete = Self.completePrefix(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Whatever is held back, with an unfinished character shown as U+FFFD: the end of the stream.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of the longest prefix that does not end inside a UTF-8 sequence which could still
    /// be completed. Invalid bytes count as complete: decoding turns them into U+FFFD at once
    /// rather than waiting forever.
    static func completePrefix(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // Find the start of the last sequence: at most 3 continuation bytes (10xxxxxx) back.
        var start = n - 1
        while start >= 0 && n - start <= 4 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard start >= 0 && n - start <= 4 else { return n }
        let lead = bytes[start]
        let length = lead < 0x80 ? 1 : lead & 0xE0 == 0xC0 ? 2 : lead & 0xF0 == 0xE0 ? 3 : lead & 0xF8 == 0xF0 ? 4 : 1
        return n - start < length ? start : n
    }
}
