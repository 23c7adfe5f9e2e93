import LoragBasics

// `--where field=value`: a record matches when the field equals the value. `field` names a
// member of the record, or of a nested object with dots ("meta.lang") when no member has the
// dotted name itself. A string matches its text, a number its literal or its numeric value,
// a boolean "true"/"false", null "null", and an array matches when any element does. Several
// conditions must all hold.

public struct MetadataFilter: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public var path: String
        public var value: String
    }

    public var conditions: [Condition]

    public init(conditions: [Condition]) { self.conditions = conditions }

    /// Parses "field=value" expressions (one per condition).
    public init(parsing expressions: [String]) throws(VectorIndexError) {
        var conditions: [Condition] = []
        for expression in expressions {
            guard let equals = expression.firstIndex(of: "="), equals != expression.startIndex else {
                throw .badFilter(expression)
            }
            conditions.append(Condition(path: String(expression[..<equals]),
                                        value: String(expression[expression.index(after: equals)...])))
        }
        self.conditions = conditions
    }

    public func matches(_ record: JSONObject) -> Bool {
        conditions.allSatisfy { condition in
            guard let value = MetadataFilter.lookup(condition.path, in: record) else { return false }
            return MetadataFilter.equals(value, condition.value)
        }
    }

    static func lookup(_ path: String, in record: JSONObject) -> JSONValue? {
        if let direct = record[path] { return direct }
        var current = JSONValue.object(record)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = current[String(part)] else { return nil }
            current = next
        }
        return current
    }

    static func equals(_ value: JSONValue, _ text: String) -> Bool {
        switch value {
        case let .string(s): return s == text
        case let .number(n):
            if n.text == text { return true }
            if let a = n.double, let b = Double(text) { return a == b }
            return false
        case let .bool(b): return text == (b ? "true" : "false")
        case .null: return text == "null"
        case let .array(elements): return elements.contains { equals($0, text) }
        case .object: return false
        }
    }
}
