// One tokenised training example.

/// Token ids and their labels in Hugging Face's convention: `labels[t]` is the token the model
/// should predict at position t − 1, or `ignoredLabel` where no loss is taken (prompt tokens).
public struct TrainingSequence: Sendable, Equatable {
    /// PyTorch's `ignore_index`, which PEFT/transformers training data uses.
    public static let ignoredLabel = -100

    public var ids: [Int]
    public var labels: [Int]

    public init(ids: [Int], labels: [Int]) {
        precondition(ids.count == labels.count, "a training sequence needs one label per token")
        self.ids = ids
        self.labels = labels
    }

    /// The number of positions that contribute to the loss.
    public var lossTokens: Int {
        labels.dropFirst().reduce(0) { $0 + ($1 == Self.ignoredLabel ? 0 : 1) }
    }
}
