/// A JSON object that keeps its members in the order they were read or inserted, so that a
/// program writing a record back changes only the fields it means to change.
///
/// Lookup is a linear scan while the object is small (records between the lorag programs have a
/// handful of fields, where a scan beats hashing) and a hash index once it passes
/// `indexThreshold` members (a tokenizer vocabulary has tens of thousands). Keys are unique;
/// setting an existing key replaces its value in place.
public struct JSONObject: Equatable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Member = (key: String, value: JSONValue)

    public private(set) var members: [Member]
    /// Position of each key in `members`; nil while the object is small.
    private var positions: [String: Int]?

    static let indexThreshold = 16

    public init() { members = [] }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = []
        members.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// Builds an object from members that the caller guarantees have unique keys.
    init(uniqueMembers: [Member], positions: [String: Int]? = nil) {
        members = uniqueMembers
        self.positions = positions
        if positions == nil, members.count > Self.indexThreshold { reindex() }
    }

    private mutating func reindex() {
        positions = members.count > Self.indexThreshold
            ? Dictionary(uniqueKeysWithValues: members.indices.map { (members[$0].key, $0) })
            : nil
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    public func index(forKey key: String) -> Int? {
        if let positions { return positions[key] }
        return members.firstIndex { $0.key == key }
    }

    /// Reading gives the value or nil; writing a value replaces in place or appends at the end;
    /// writing nil removes the member.
    public subscript(key: String) -> JSONValue? {
        get { index(forKey: key).map { members[$0].value } }
        set {
            if let position = index(forKey: key) {
                if let newValue {
                    members[position].value = newValue
                } else {
                    members.remove(at: position)
                    reindex()
                }
            } else if let newValue {
                members.append((key, newValue))
                if positions != nil {
                    positions![key] = members.count - 1
                } else if members.count > Self.indexThreshold {
                    reindex()
                }
            }
        }
    }

    /// Removes the member and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = index(forKey: key) else { return nil }
        let value = members.remove(at: position).value
        reindex()
        return value
    }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// Order matters: two objects are equal when they have the same members in the same order,
    /// which is what byte-identical output needs.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
