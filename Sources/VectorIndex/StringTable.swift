// A column of strings as one byte blob plus n + 1 offsets: how ids, hashes and record JSON
// are held in memory and in the index file, so an opened file serves them from the mapping
// without building n String objects.

public struct StringTable: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    let offsets: UnsafeBufferPointer<Int64>  // (count + 1), offsets[0] == 0, non-decreasing
    private let owner: AnyObject

    public var count: Int { offsets.count - 1 }

    /// Copies `items` into owned memory.
    public init<S: Sequence>(_ items: S) where S.Element == [UInt8] {
        var blob: [UInt8] = [], offsets: [Int64] = [0]
        for item in items {
            blob.append(contentsOf: item)
            offsets.append(Int64(blob.count))
        }
        let store = OwnedBuffers()
        self.bytes = store.keep(blob)
        self.offsets = store.keep(offsets)
        self.owner = store
    }

    public init(strings: [String]) {
        self.init(strings.lazy.map { Array($0.utf8) })
    }

    /// Wraps memory that `owner` keeps alive, after checking the offsets: nil with the reason
    /// when they are not a valid partition of `bytes`.
    static func wrapping(bytes: UnsafeBufferPointer<UInt8>, offsets: UnsafeBufferPointer<Int64>,
                         owner: AnyObject) -> Result<StringTable, DecodingProblem> {
        if let problem = offsetProblem(offsets, total: bytes.count) { return .failure(.init(text: problem)) }
        return .success(StringTable(bytes: bytes, offsets: offsets, owner: owner))
    }

    /// Why `offsets` is not a partition of `total` items into offsets.count − 1 runs, or nil.
    static func offsetProblem(_ offsets: UnsafeBufferPointer<Int64>, total: Int) -> String? {
        guard offsets.count >= 1, offsets[0] == 0 else { return "offsets do not start at 0" }
        var previous: Int64 = 0
        for (i, offset) in offsets.enumerated() {
            guard offset >= previous else { return "offset \(i) is \(offset), less than the previous \(previous)" }
            previous = offset
        }
        guard previous == Int64(total) else { return "offsets end at \(previous), but there are \(total) items" }
        return nil
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, offsets: UnsafeBufferPointer<Int64>, owner: AnyObject) {
        self.bytes = bytes
        self.offsets = offsets
        self.owner = owner
    }

    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])
    }

    public subscript(i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }

    /// Every item, for rewriting the table.
    func items() -> [[UInt8]] { (0..<count).map { Array(bytes($0)) } }
}

struct DecodingProblem: Error {
    let text: String
}
