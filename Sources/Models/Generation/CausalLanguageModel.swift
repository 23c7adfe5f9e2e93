/// What the generation loop needs from a decoder: the boundary between Models/Llama (the network,
/// its weights, KV cache and LoRA) and Models/Generation (sampling, stopping, prompts, scoring).
/// A session owns one KV cache; it is not shared between threads.
public protocol CausalLanguageModelSession: AnyObject {
    /// Size of the vocabulary, i.e. the length of every logits buffer.
    var vocabularySize: Int { get }
    /// The longest sequence (prompt plus generated tokens) the session can hold.
    var contextLength: Int { get }
    /// Number of tokens currently in the cache.
    var position: Int { get }

    /// Forgets every cached token.
    func reset()

    /// Appends `tokens` to the sequence (prefill when there are many, decode when there is one)
    /// and returns the logits at the last of them. The buffer stays valid until the next call.
    /// Throws when the context would overflow.
    func append(_ tokens: [Int32]) throws -> UnsafeBufferPointer<Float>

    /// Appends `tokens` and returns the log-probability each of them had given everything before
    /// it (the first one is scored against the cache as it was), for `generate --score`.
    func logProbabilities(of tokens: [Int32]) throws -> [Double]
}
