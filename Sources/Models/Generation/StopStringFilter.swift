/// Cuts generated text at the first stop string, which may arrive split over several tokens.
/// Text that could still turn out to be the start of a stop string is held back, so a streamed
/// reader never sees part of a stop string; it is released as soon as it cannot.
///
/// Works on UTF-8 bytes. Text fed in is whole characters (the `StreamingDecoder`'s output) and
/// every stop string starts with a lead byte, so the held-back part always starts on a
/// character boundary and every piece returned is valid UTF-8.
public struct StopStringFilter: Sendable {
    private let stops: [[UInt8]]
    private var pending: [UInt8] = []
    public private(set) var stopped = false

    /// Empty stop strings are ignored (they would match before anything was generated).
    public init(stops: [String]) {
        self.stops = stops.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Takes newly generated text; returns the text that can be shown now. After a stop string
    /// is seen, `stopped` is true and the text before it is the last returned.
    public mutating func feed(_ text: String) -> String {
        precondition(!stopped, "text fed after a stop string")
        pending.append(contentsOf: text.utf8)
        if let cut = firstMatch() {
            stopped = true
            defer { pending.removeAll() }
            return String(decoding: pending[..<cut], as: UTF8.self)
        }
        let held = longestPartialMatch()
        let ready = pending.count - held
        defer { pending.removeFirst(ready) }
        return String(decoding: pending[..<ready], as: UTF8.self)
    }

    /// The text held back at the end of generation (it never became a stop string).
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The byte offset of the earliest stop string in `pending`.
    private func firstMatch() -> Int? {
        var earliest: Int?
        for stop in stops where stop.count <= pending.count {
            for start in 0...(pending.count - stop.count) where earliest.map({ start < $0 }) ?? true {
                if pending[start..<(start + stop.count)].elementsEqual(stop) {
                    earliest = start
                    break
                }
            }
        }
        return earliest
    }

    /// The length of the longest suffix of `pending` that is a proper prefix of a stop string.
    private func longestPartialMatch() -> Int {
        var longest = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, pending.count), to: longest, by: -1)
            where pending.suffix(length).elementsEqual(stop.prefix(length)) {
                longest = length
                break
            }
        }
        return longest
    }
}
