import Models
import ToolSupport

/// Embeds query texts with the model the index was built with, loading it only when a query
/// needs it (BM25 runs and queries that carry their own embeddings never load a model).
final class QueryEncoder {
    /// The index's model identity ("name@sha256:<16 hex>"), or nil when its records named none.
    let indexModel: String?
    let indexDimension: Int
    let explicitModel: String?
    let prefix: String
    private var pipeline: EmbeddingPipeline?

    init(indexModel: String?, indexDimension: Int, explicitModel: String?, prefix: String) {
        self.indexModel = indexModel
        self.indexDimension = indexDimension
        self.explicitModel = explicitModel
        self.prefix = prefix
    }

    /// Whether `identity` names the index's model. The weights' digest decides when both carry
    /// one: the name part is the folder's name, which differs between copies of the same model.
    static func sameModel(_ identity: String, _ other: String) -> Bool {
        func digest(_ s: String) -> Substring? { s.range(of: "@sha256:").map { s[$0.upperBound...] } }
        if let a = digest(identity), let b = digest(other) { return a == b }
        return identity == other
    }

    /// One embedding per text, in order, from one run of the encoder over all of them.
    func embed(_ texts: [String]) throws -> [[Float]] {
        try loaded().embed(texts)
    }

    private func loaded() throws -> EmbeddingPipeline {
        if let pipeline { return pipeline }
        if indexModel == nil && explicitModel == nil {
            throw ToolError.failure("the index does not record which model embedded its records (they had no "
                                    + "\"embedding_model\"), so retrieve cannot choose one: pass --model PATH, give "
                                    + "each query its \"embedding\", or use --mode bm25")
        }
        let path = try ModelLocator.embedding.resolve(explicit: explicitModel)
        let embedder: SentenceEmbedder
        do {
            embedder = try SentenceEmbedder(folder: path)
        } catch {
            throw ToolError.failure("cannot load the embedding model: \(error)")
        }
        if let indexModel, !QueryEncoder.sameModel(embedder.identity, indexModel) {
            throw ToolError.failure("the index holds embeddings of \(indexModel), but the query model at \(path) is "
                                    + "\(embedder.identity); pass the index's model with --model PATH")
        }
        guard embedder.dimension == indexDimension else {
            throw ToolError.failure("the model at \(path) makes \(embedder.dimension)-dimensional embeddings, "
                                    + "but the index holds \(indexDimension)-dimensional ones")
        }
        let made = EmbeddingPipeline(embedder: embedder, options: EmbeddingOptions(prefix: prefix))
        pipeline = made
        return made
    }
}
