// The one error type of the embedding side of Models: loading a sentence-transformers folder and
// turning records into embeddings. Messages say which file or record, what was expected and what
// was found, so that a user can tell a wrong folder from a corrupt download from bad input.

/// Why an embedding model could not be loaded or a record could not be embedded.
public enum EmbeddingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file of the model folder is missing or unreadable (`reason` says which and why).
    case unreadableModel(path: String, reason: String)
    /// A configuration value is missing or not what the model needs.
    case badConfiguration(file: String, key: String, expected: String, found: String)
    /// A weight tensor has the wrong shape for the configuration.
    case badTensorShape(file: String, name: String, expected: [Int], found: [Int])
    /// The model folder asks for something lorag does not implement.
    case unsupported(file: String, what: String, found: String, supported: String)
    /// A record lacks the text to embed (`found` names what is there instead).
    case badRecord(field: String, found: String)
    /// A text was longer than the model's limit and `--on-truncate=error` was chosen.
    case truncated(tokens: Int, limit: Int)
    /// The model produced an infinite or NaN component, which JSON cannot carry.
    case nonFiniteEmbedding(String)

    public var description: String {
        switch self {
        case let .unreadableModel(path, reason):
            return "\(path): \(reason)"
        case let .badConfiguration(file, key, expected, found):
            return "\(file): \"\(key)\" should be \(expected), found \(found)"
        case let .badTensorShape(file, name, expected, found):
            return "\(file): tensor '\(name)' has shape \(found), expected \(expected) from config.json"
        case let .unsupported(file, what, found, supported):
            return "\(file): \(what) \(found) is not supported (supported: \(supported))"
        case let .badRecord(field, found):
            return "expected a string in field \"\(field)\", found \(found)"
        case let .truncated(tokens, limit):
            return "text has \(tokens) tokens, more than the model's limit of \(limit) "
                + "(use --on-truncate=warn to embed its first \(limit) tokens)"
        case let .nonFiniteEmbedding(value):
            return "the model produced a non-finite embedding component (\(value)); the weights may be corrupt"
        }
    }
}
