// Scratch for one forward pass, allocated once for the largest batch (llama2.c's "run state"), so
// that encoding a batch allocates no tensors.

import TensorCore

/// Activation buffers of a BERT encoder for batches of up to `maxTokens` tokens in total, no
/// sequence longer than `maxSequence`. Tokens of a batch are packed one sequence after another
/// with no padding, so every projection is one large matrix product.
public final class BertRunState {
    public let maxTokens: Int
    public let maxSequence: Int
    /// The encoder's output: row r is token r of the packed batch.
    let hidden: Tensor        // (N, C)
    let qkv: Tensor           // (N, 3C): query, key, value side by side
    let context: Tensor       // (N, C): attention output before its projection
    let intermediate: Tensor  // (N, I)
    /// (slots, heads, Tmax, Tmax): one sequence's attention at a time per slot; attention runs
    /// up to `scoreSlots` sequences in parallel, one per thread.
    let scores: Tensor
    let scoreSlots: Int
    let scoresPerSlot: Int
    /// Row ranges of the sequences in the current batch.
    var sequenceRows: [Range<Int>] = []

    public init(configuration config: BertConfiguration, maxTokens: Int, maxSequence: Int) {
        precondition(maxTokens >= 1 && maxSequence >= 1, "run state for \(maxTokens) tokens, sequences of \(maxSequence)")
        self.maxTokens = maxTokens
        self.maxSequence = maxSequence
        let c = config.hiddenSize
        hidden = Tensor(rows: maxTokens, cols: c)
        qkv = Tensor(rows: maxTokens, cols: 3 * c)
        context = Tensor(rows: maxTokens, cols: c)
        intermediate = Tensor(rows: maxTokens, cols: config.intermediateSize)
        // One slot per thread, but no more than 8: each is heads·Tmax² floats (3 MB for MiniLM).
        scoreSlots = max(1, min(Threads.count, 8))
        scoresPerSlot = config.headCount * maxSequence * maxSequence
        scores = Tensor(shape: [scoreSlots, config.headCount, maxSequence, maxSequence])
    }
}
