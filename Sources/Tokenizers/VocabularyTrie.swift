/// A prefix tree over the Unicode scalars of a vocabulary, for greedy longest-match lookup without
/// building a string for every candidate piece. Nodes are integers; edges live in one dictionary
/// keyed by (node, scalar), terminal nodes carry the token id.
struct VocabularyTrie: Sendable {
    private var edges: [Int: Int32] = [:]
    private var tokenIDs: [Int32] = [-1]

    static let root = 0

    init() {}

    mutating func insert(_ token: String, id: Int) {
        var node = Self.root
        for s in token.unicodeScalars {
            let key = Self.key(node, s)
            if let next = edges[key] {
                node = Int(next)
            } else {
                let next = tokenIDs.count
                tokenIDs.append(-1)
                edges[key] = Int32(next)
                node = next
            }
        }
        tokenIDs[node] = Int32(id)
    }

    /// The node reached from `node` along `s`, or nil.
    @inline(__always)
    func child(_ node: Int, _ s: Unicode.Scalar) -> Int? {
        edges[Self.key(node, s)].map { Int($0) }
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

    @inline(__always)
    private static func key(_ node: Int, _ s: Unicode.Scalar) -> Int {
        node << 21 | Int(s.value)
    }
}
