/// Failures of the generation layer (prompts, sampling settings, scoring). Each message says what
/// was wrong, where, and what was expected.
public enum GenerationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A sampling or length setting out of range: flag name, value, what is allowed.
    case invalidSetting(name: String, value: String, expected: String)
    /// An input record that cannot be turned into a prompt.
    case badRecord(String)
    /// The prompt alone does not leave room for one generated token.
    case promptTooLong(tokens: Int, contextLength: Int)
    /// A `--rag-template` without a required placeholder.
    case badTemplate(String)
    /// Too little text to score.
    case tooFewTokens(what: String, found: Int, needed: Int)

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, expected):
            return "\(name) \(value) is out of range: expected \(expected)"
        case let .badRecord(message):
            return message
        case let .promptTooLong(tokens, contextLength):
            return "the prompt has \(tokens) tokens but the context holds \(contextLength); "
                + "shorten it, lower --max-tokens, or raise --ctx-size"
        case let .badTemplate(message):
            return message
        case let .tooFewTokens(what, found, needed):
            return "\(what) has \(found) tokens, at least \(needed) are needed"
        }
    }
}
