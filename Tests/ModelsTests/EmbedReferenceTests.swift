import Foundation
import LoragBasics
import Models
import TensorCore
import Testing

/// all-MiniLM-L6-v2 against sentence-transformers' own output on 85 hand-picked inputs
/// (Tests/Fixtures/embed/MANIFEST.md). The tolerances are the acceptance criteria of issue 4:
/// float32 sums in another order (BLAS blocking, batch packing) move the last digits only.
@Suite(.serialized) struct EmbedReferenceTests {
    @Test(arguments: [1, 7, 32])
    func embeddingsMatchSentenceTransformers(batchSize: Int) throws {
        let embedder = try EmbedTestFiles.miniLM()
        let expected = try EmbedTestFiles.matrix("embeddings.npy")
        let records = try EmbedTestFiles.sentences()
        for threads in [1, 2] {
            Threads.set(threads)
            // A window smaller than the input checks that windows join up in order.
            let pipeline = EmbeddingPipeline(embedder: embedder, options: EmbeddingOptions(batchSize: batchSize, windowSize: 40))
            var index = 0
            var got: [[Float]] = []
            var ids: [Int] = []
            let summary = try pipeline.run(
                next: { index < records.count ? { index += 1; return records[index - 1] }() : nil },
                onBadRecord: { throw $0 },
                emit: { record, embedding in
                    got.append(Array(embedding))
                    ids.append(record["id"]?.intValue ?? -1)
                })
            #expect(ids == Array(0..<85), "records come out in input order")
            #expect(summary.records == 85 && summary.truncated == 3)
            try #require(got.count == expected.count)
            for (row, (a, b)) in zip(got, expected).enumerated() {
                let (cosine, maxDiff) = compare(a, b)
                #expect(cosine >= 0.99999 && maxDiff <= 1e-4,
                        "row \(row), batch \(batchSize), threads \(threads): cosine \(cosine), max diff \(maxDiff)")
            }
        }
        Threads.set(Threads.available)
    }

    /// The last layer's output for one input, before pooling: localises a failure to the encoder.
    @Test func lastHiddenStateMatchesTransformers() throws {
        let embedder = try EmbedTestFiles.miniLM()
        let expected = try EmbedTestFiles.matrix("hidden_states_id3_layer6_first4.npy")  // (12, 4)
        let ids = embedder.tokenize("The quick brown fox jumps over the lazy dog.").ids
        #expect(ids == [101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102])
        let state = BertRunState(configuration: embedder.encoder.configuration, maxTokens: 12, maxSequence: 12)
        let hidden = embedder.encoder.forward([ids], state: state)
        for t in 0..<12 {
            for j in 0..<4 {
                #expect(abs(hidden[t, j] - expected[t][j]) <= 1e-4, "token \(t), column \(j)")
            }
        }
    }

    @Test func identityNamesTheWeights() throws {
        let embedder = try EmbedTestFiles.miniLM()
        // sha256 of model.safetensors from /work/shared/reference/minilm/meta.json.
        #expect(embedder.identity == "all-MiniLM-L6-v2@sha256:53aa51172d142c89")
        #expect(embedder.dimension == 384 && embedder.normalizes && embedder.maxTokens == 256)
        #expect(embedder.pooling.modes == [.mean])
    }
}
