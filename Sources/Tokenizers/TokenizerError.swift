/// Everything that can go wrong in the Tokenizers library. Each message says what went wrong,
/// where (file or key), what was expected and what was found.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tokenizer file could not be read or is not the JSON it should be.
    case unreadableFile(path: String, reason: String)
    /// A key a tokenizer needs is missing or has the wrong type.
    case missingKey(file: String, key: String, expected: String)
    /// The tokenizer file describes a kind of tokenizer this library does not implement.
    case unsupported(file: String, what: String, found: String, supported: String)
    /// A special token named by the configuration is not in the vocabulary.
    case unknownToken(file: String, token: String, role: String)
    /// A merge rule names tokens that are not in the vocabulary, or is not "left right".
    case badMerge(index: Int, rule: String, reason: String)
    /// Parallel arrays (tokens, token types) disagree in length.
    case lengthMismatch(what: String, expected: Int, found: Int)
    /// A chat template whose family is not recognised.
    case unknownChatTemplate(excerpt: String, known: [String])
    /// A chat template name given by the user that is not one of ours.
    case unknownChatTemplateName(name: String, known: [String])
    /// Messages that the chat family cannot express (e.g. a role it has no marker for).
    case invalidMessages(family: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read tokenizer file \(path): \(reason)"
        case let .missingKey(file, key, expected):
            return "\(file): missing or malformed key \"\(key)\": expected \(expected)"
        case let .unsupported(file, what, found, supported):
            return "\(file): unsupported \(what) \"\(found)\"; supported: \(supported)"
        case let .unknownToken(file, token, role):
            return "\(file): the \(role) token \"\(token)\" is not in the vocabulary"
        case let .badMerge(index, rule, reason):
            return "merge rule \(index) \"\(rule)\": \(reason)"
        case let .lengthMismatch(what, expected, found):
            return "\(what): expected \(expected) entries, found \(found)"
        case let .unknownChatTemplate(excerpt, known):
            return "unrecognised chat template (starts \"\(excerpt)\"); "
                + "name its family with --chat-template NAME, one of: \(known.joined(separator: ", "))"
        case let .unknownChatTemplateName(name, known):
            return "unknown chat template \"\(name)\"; expected one of: \(known.joined(separator: ", "))"
        case let .invalidMessages(family, reason):
            return "cannot render messages with the \(family) chat template: \(reason)"
        }
    }
}
