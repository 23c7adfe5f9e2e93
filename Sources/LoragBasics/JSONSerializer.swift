/// Compact, deterministic JSON text: no spaces, members in their stored order, numbers as their
/// literal text, strings escaped per RFC 8259 §7 (quote, backslash and C0 controls; everything
/// else, including non-ASCII, written as UTF-8, as `json.dumps(ensure_ascii=False)` does).
extension JSONValue {
    /// The value as one line of JSON (a JSONL record, without the newline).
    public func serialized() -> String {
        var bytes = [UInt8]()
        write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the JSON text of the value to `bytes`.
    public func write(to bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case let .bool(b): bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case let .number(n): bytes.append(contentsOf: n.text.utf8)
        case let .string(s): JSONValue.writeString(s, to: &bytes)
        case let .array(elements):
            bytes.append(UInt8(ascii: "["))
            for (k, element) in elements.enumerated() {
                if k > 0 { bytes.append(UInt8(ascii: ",")) }
                element.write(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case let .object(object):
            object.write(to: &bytes)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string.
    public static func writeString(_ s: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
            case ..<0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `values` as a JSON array of shortest-round-trip Float32 literals, without building
    /// a `JSONValue` per element (the path `embed` uses for every record).
    /// - Throws: `JSONError.nonFiniteNumber` for infinities and NaN; `bytes` is then unchanged.
    public static func writeFloats<C: Collection>(_ values: C, to bytes: inout [UInt8])
        throws(JSONError) where C.Element == Float
    {
        let mark = bytes.count
        bytes.append(UInt8(ascii: "["))
        var first = true
        for v in values {
            guard v.isFinite else {
                bytes.removeSubrange(mark...)
                throw .nonFiniteNumber(v.description)
            }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(contentsOf: v.description.utf8)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

extension JSONObject {
    /// Appends the object as compact JSON text.
    public func write(to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        for (k, member) in members.enumerated() {
            if k > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.writeString(member.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            member.value.write(to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    public func serialized() -> String { JSONValue.object(self).serialized() }
}
