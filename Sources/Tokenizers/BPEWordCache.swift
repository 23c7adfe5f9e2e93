import Foundation

/// Remembers the BPE result of each word (by its bytes), shared by all copies of a tokenizer and
/// safe to use from several threads. Text repeats its words, so most lookups hit; the cache is
/// emptied when it grows past `limit` entries so that memory stays bounded on endless input.
final class BPEWordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [[UInt8]: [Int]] = [:]
    private let limit = 100_000

    subscript(word: [UInt8]) -> [Int]? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return entries[word]
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[word] = newValue
        }
    }
}
