/// A JSON value as read from, or written to, one JSONL record.
///
/// Objects keep their key order and numbers keep their literal text (`JSONObject`,
/// `JSONNumber`), so a value parsed and serialised again comes out with the same members in the
/// same order and the same digits. Parse with `JSONValue(parsing:)`, write with `serialized()`.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var isNull: Bool { if case .null = self { true } else { false } }

    public var boolValue: Bool? { if case let .bool(b) = self { b } else { nil } }

    public var stringValue: String? { if case let .string(s) = self { s } else { nil } }

    public var numberValue: JSONNumber? { if case let .number(n) = self { n } else { nil } }

    public var arrayValue: [JSONValue]? { if case let .array(a) = self { a } else { nil } }

    public var objectValue: JSONObject? { if case let .object(o) = self { o } else { nil } }

    public var doubleValue: Double? { numberValue?.double }

    public var intValue: Int? { numberValue?.int }

    /// The member `key` of an object; nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case let .object(o) = self { o[key] } else { nil }
    }

    /// An array whose elements are all numbers, as Float32 (an embedding); nil otherwise or when
    /// an element overflows Float. For whole records use `JSONParser.parseRecord(_:floatField:)`,
    /// which reads the numbers straight from the bytes.
    public var floatArray: [Float]? {
        guard case let .array(elements) = self else { return nil }
        var result = [Float]()
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case let .number(n) = element, let f = n.float else { return nil }
            result.append(f)
        }
        return result
    }

    /// An array of numbers written as the shortest text that reads back as the same Float32.
    /// - Throws: `JSONError.nonFiniteNumber` if an element is infinite or NaN.
    public static func floats<C: Collection>(_ values: C) throws(JSONError) -> JSONValue
    where C.Element == Float {
        var elements = [JSONValue]()
        elements.reserveCapacity(values.count)
        for v in values { elements.append(.number(try JSONNumber(v))) }
        return .array(elements)
    }

    /// A short name of the kind of value, for messages ("expected string, found number").
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
