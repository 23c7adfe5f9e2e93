// The one error type of the VectorIndex library. Every message says what went wrong, where,
// what was expected and what was found, so a tool can print it as is.

public enum VectorIndexError: Error, Equatable, CustomStringConvertible {
    /// A vector's length differs from the index dimension. `item` names the record (id or line).
    case dimensionMismatch(item: String, expected: Int, found: Int)
    /// A vector contains NaN or infinity, or has zero length where unit vectors are required.
    case invalidVector(item: String, reason: String)
    /// Two records in one input carry the same id.
    case duplicateID(String)
    /// Records embedded by a different model than the one the index holds.
    case modelMismatch(expected: String, found: String, item: String)
    /// A metadata filter that is not `field=value`.
    case badFilter(String)
    /// The index file is not a lorag index, is truncated, or is inconsistent.
    case badFile(path: String, reason: String)
    /// The index file cannot be opened at all.
    case cannotOpen(path: String, reason: String)
    /// A record is missing something the index needs.
    case badRecord(item: String, reason: String)

    public var description: String {
        switch self {
        case let .dimensionMismatch(item, expected, found):
            return "\(item): embedding has dimension \(found), expected \(expected)"
        case let .invalidVector(item, reason):
            return "\(item): invalid embedding: \(reason)"
        case let .duplicateID(id):
            return "duplicate id \"\(id)\" in one input; ids must be unique"
        case let .modelMismatch(expected, found, item):
            return "\(item): embedded with model \(found), but the index holds embeddings of \(expected); "
                + "re-embed with the index's model or build a new index"
        case let .badFilter(text):
            return "bad filter \"\(text)\": expected field=value"
        case let .badFile(path, reason):
            return "\(path): not a valid lorag index: \(reason)"
        case let .cannotOpen(path, reason):
            return "\(path): cannot open index: \(reason)"
        case let .badRecord(item, reason):
            return "\(item): \(reason)"
        }
    }
}
