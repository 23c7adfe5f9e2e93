// The errors of the Models library: loading a decoder, its tokenizer or an adapter, and running it.

/// Everything in Models that can go wrong because of a file or an input, with what, where,
/// and what was expected.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// A metadata key or config field is missing or has the wrong type.
    case missingSetting(file: String, key: String, expected: String)
    /// The file describes a model this library does not run.
    case unsupportedArchitecture(file: String, found: String, supported: String)
    /// A tensor has another shape than the configuration implies.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// A tensor is stored in a type the decoder cannot use.
    case unsupportedTensorType(file: String, tensor: String, found: String)
    /// A setting has a value the decoder cannot use.
    case invalidSetting(file: String, key: String, found: String, expected: String)
    /// The sequence would not fit in the session's KV cache.
    case contextOverflow(have: Int, adding: Int, capacity: Int)
    /// A token id outside the vocabulary.
    case tokenOutOfRange(token: Int, vocabularySize: Int)
    /// An adapter does not fit the model it is attached to.
    case adapterMismatch(file: String, reason: String)
    /// Scoring asked for the log-probability of a first token with nothing before it.
    case emptyContext

    public var description: String {
        switch self {
        case let .missingSetting(file, key, expected):
            "\(file): '\(key)' is missing or not \(expected)"
        case let .unsupportedArchitecture(file, found, supported):
            "\(file): architecture '\(found)' is not supported (supported: \(supported))"
        case let .shapeMismatch(file, tensor, expected, found):
            "\(file): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .unsupportedTensorType(file, tensor, found):
            "\(file): tensor '\(tensor)' is stored as \(found), which the decoder does not read"
        case let .invalidSetting(file, key, found, expected):
            "\(file): '\(key)' is \(found), expected \(expected)"
        case let .contextOverflow(have, adding, capacity):
            "context overflow: \(have) tokens cached plus \(adding) new exceed the context of \(capacity)"
        case let .tokenOutOfRange(token, vocabularySize):
            "token id \(token) is outside the vocabulary of \(vocabularySize)"
        case let .adapterMismatch(file, reason):
            "\(file): adapter does not fit the model: \(reason)"
        case .emptyContext:
            "cannot score the first token of an empty sequence: append a prompt (or a BOS token) first"
        }
    }
}
