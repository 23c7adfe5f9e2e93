import LoragBasics
import ModelFiles

/// `generate --info`: a GGUF file's metadata as one JSON object. Long arrays (the vocabulary,
/// merges, token types) are summarised by element type and length, since printing 49,152 tokens
/// is not what a user asking for a model's metadata wants; the tensors are summarised by type.
public enum ModelMetadata {
    /// Arrays up to this length are printed in full.
    public static let maxPrintedArrayLength = 64

    public static func json(of file: GGUFFile) throws -> JSONObject {
        var metadata = JSONObject()
        for (key, value) in file.metadata { metadata[key] = try json(value) }
        var byType: [String: Int] = [:]
        var parameters = 0
        for tensor in file.tensors {
            byType["\(tensor.type)", default: 0] += 1
            parameters += tensor.elementCount
        }
        let types = JSONObject(byType.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.number(JSONNumber($0.value))) })
        return ["path": .string(file.path),
                "format": .string("gguf"),
                "version": .number(JSONNumber(file.version)),
                "parameters": .number(JSONNumber(parameters)),
                "tensors": .object(["count": .number(JSONNumber(file.tensors.count)), "types": .object(types)]),
                "metadata": .object(metadata)]
    }

    private static func json(_ value: GGUFValue) throws -> JSONValue {
        switch value {
        case let .bool(b): return .bool(b)
        case let .string(s): return .string(s)
        case let .float32(f): return .number(try JSONNumber(f))
        case let .float64(d): return .number(try JSONNumber(d))
        case let .uint64(u): return .number(JSONNumber(Int(clamping: u)))
        case let .array(type, elements):
            guard elements.count <= maxPrintedArrayLength else {
                return .object(["array": .string("\(type)"), "length": .number(JSONNumber(elements.count))])
            }
            return .array(try elements.map(json))
        default:
            return .number(JSONNumber(value.intValue ?? 0))
        }
    }
}

private extension JSONObject {
    init(_ members: [(String, JSONValue)]) {
        self.init()
        for (key, value) in members { self[key] = value }
    }
}
