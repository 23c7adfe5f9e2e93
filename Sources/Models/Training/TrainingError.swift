// The errors of LoRA training: reading examples, adapter folders and checkpoints.

/// What can go wrong in training because of an input file, with what, where and what was expected.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A training record does not have a usable shape.
    case badExample(source: String, line: Int, reason: String)
    /// No example produced any token to learn from.
    case noTrainableTokens(source: String)
    /// An adapter or checkpoint file is unreadable or inconsistent.
    case badAdapter(path: String, reason: String)
    /// A training option is out of range.
    case invalidOption(name: String, found: String, expected: String)

    public var description: String {
        switch self {
        case let .badExample(source, line, reason):
            "\(source):\(line): \(reason)"
        case let .noTrainableTokens(source):
            "\(source): no example has a token to learn from (completions or assistant turns are empty, or every sequence is a single token)"
        case let .badAdapter(path, reason):
            "\(path): \(reason)"
        case let .invalidOption(name, found, expected):
            "\(name) is \(found), expected \(expected)"
        }
    }
}
