/// A prefix tree over the Unicode scalars of a vocabulary, for greedy longest-match lookup without
/// building a string for every candidate piece. Nodes are integers; edges live in one hash table
/// keyed by (node, scalar), terminal nodes carry the token id.
///
/// The table is open-addressed with a multiplicative hash rather than a `Dictionary`: a lookup is
/// made for every scalar of every word, and Swift's seeded SipHash made those lookups most of
/// WordPiece's time.
struct VocabularyTrie: Sendable {
    /// Edge keys (`key(node, scalar)`, -1 for an empty slot) and the child nodes they lead to.
    private var keys: [Int] = Array(repeating: -1, count: 1024)
    private var children: [Int32] = Array(repeating: 0, count: 1024)
    private var edgeCount = 0
    private var tokenIDs: [Int32] = [-1]

    static let root = 0

    init() {}

    mutating func insert(_ token: String, id: Int) {
        var node = Self.root
        for s in token.unicodeScalars {
            if let next = child(node, s) {
                node = next
            } else {
                let next = tokenIDs.count
                tokenIDs.append(-1)
                addEdge(Self.key(node, s), to: next)
                node = next
            }
        }
        tokenIDs[node] = Int32(id)
    }

    /// The node reached from `node` along `s`, or nil.
    @inline(__always)
    func child(_ node: Int, _ s: Unicode.Scalar) -> Int? {
        let key = Self.key(node, s)
        let mask = keys.count - 1
        var slot = Self.slot(key, mask)
        while true {
            let found = keys[slot]
            if found == key { return Int(children[slot]) }
            if found < 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// The node reached from `node` along all of `text`, or nil.
    func walk(_ node: Int, _ text: String) -> Int? {
        var node = node
        for s in text.unicodeScalars {
            guard let next = child(node, s) else { return nil }
            node = next
        }
        return node
    }

    /// The token id ending at `node`, or nil when no token ends there.
    @inline(__always)
    func tokenID(_ node: Int) -> Int? {
        let id = tokenIDs[node]
        return id < 0 ? nil : Int(id)
    }

    /// The longest token starting at `scalars[start]` reached from `node` (the root, or the node
    /// of the continuation prefix `##`): its id and end, or nil.
    func longestMatch(from node: Int, _ scalars: [Unicode.Scalar], _ start: Int, _ end: Int) -> (id: Int, end: Int)? {
        var node = node
        var best: (id: Int, end: Int)?
        var i = start
        while i < end, let next = child(node, scalars[i]) {
            node = next
            i += 1
            if let id = tokenID(node) { best = (id, i) }
        }
        return best
    }

    /// Adds an edge that is not in the table, doubling the table to keep it at most half full.
    private mutating func addEdge(_ key: Int, to node: Int) {
        if (edgeCount + 1) * 2 > keys.count {
            let oldKeys = keys, oldChildren = children
            keys = Array(repeating: -1, count: oldKeys.count * 2)
            children = Array(repeating: 0, count: oldKeys.count * 2)
            for (k, c) in zip(oldKeys, oldChildren) where k >= 0 { place(k, c) }
        }
        place(key, Int32(node))
        edgeCount += 1
    }

    private mutating func place(_ key: Int, _ node: Int32) {
        let mask = keys.count - 1
        var slot = Self.slot(key, mask)
        while keys[slot] >= 0 { slot = (slot + 1) & mask }
        keys[slot] = key
        children[slot] = node
    }

    /// Fibonacci hashing: the key times 2^64/φ; the product's upper half depends on every bit of
    /// the key below it, so neighbouring nodes and scalars spread over the table.
    @inline(__always)
    private static func slot(_ key: Int, _ mask: Int) -> Int {
        let h = UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 32) & mask
    }

    @inline(__always)
    private static func key(_ node: Int, _ s: Unicode.Scalar) -> Int {
        node << 21 | Int(s.value)
    }
}
