// The one error type of the ModelFiles library. Every case names the file, and its message says
// what is wrong, where, and what was expected versus found, so a user can tell a truncated download
// from a wrong format from a bug.

/// Why a model file could not be read or written.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened, sized or mapped (`reason` is the system's message).
    case cannotOpen(path: String, reason: String)
    /// A read of `needed` bytes at `offset` for `what` runs past the end of the file (`size` bytes).
    case truncated(path: String, what: String, offset: Int, needed: Int, size: Int)
    /// The file does not start with the magic of the expected format.
    case badMagic(path: String, format: String, found: String)
    /// A format version lorag does not read.
    case unsupportedVersion(path: String, format: String, found: String, supported: String)
    /// A structurally invalid field: `problem` says which field, expected versus found.
    case malformed(path: String, problem: String)
    /// A data type (dtype, GGML type or metadata value type) lorag does not know or decode.
    case unsupportedType(path: String, what: String, found: String)
    /// Two tensors (or metadata keys) share a name.
    case duplicateName(path: String, name: String)
    /// A tensor or key asked for by name is absent.
    case notFound(path: String, name: String)
    /// A tensor exists but holds a type the caller cannot use as asked.
    case wrongType(path: String, name: String, expected: String, found: String)
    /// Writing failed (`reason` says why).
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open: \(reason)"
        case let .truncated(path, what, offset, needed, size):
            return "\(path): truncated or corrupt: \(what) needs \(needed) bytes at offset \(offset), "
                + "but the file has \(size) bytes (\(max(0, size - offset)) left)"
        case let .badMagic(path, format, found):
            return "\(path): not a \(format) file (starts with \(found))"
        case let .unsupportedVersion(path, format, found, supported):
            return "\(path): \(format) version \(found) is not supported (supported: \(supported))"
        case let .malformed(path, problem):
            return "\(path): \(problem)"
        case let .unsupportedType(path, what, found):
            return "\(path): \(what) has unsupported type \(found)"
        case let .duplicateName(path, name):
            return "\(path): duplicate name '\(name)'"
        case let .notFound(path, name):
            return "\(path): no tensor or key named '\(name)'"
        case let .wrongType(path, name, expected, found):
            return "\(path): '\(name)' has type \(found), expected \(expected)"
        case let .writeFailed(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}
