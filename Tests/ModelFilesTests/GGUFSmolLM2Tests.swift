// The real SmolLM2-135M-Instruct Q4_1 GGUF against the reference metadata (gguf_meta.json, copied
// into the fixtures) and rows of gguf-py's dequantisation (see Tests/Fixtures/modelfiles/MANIFEST.md).

import Foundation
import Testing
import TensorCore
@testable import ModelFiles

@Suite struct GGUFSmolLM2Tests {
    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("smollm2_gguf_meta.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func open() throws -> GGUFFile? {
        guard let path = TestPaths.model("SmolLM2-135M-Instruct.Q4_1.gguf") else { return nil }
        return try GGUFFile(path: path)
    }

    @Test func metadataMatchesReference() throws {
        guard let gguf = try Self.open() else { return }
        let ref = try Self.reference()
        #expect(gguf.version == ref["gguf_version"] as? Int)
        #expect(gguf.file.size == ref["file_size_bytes"] as? Int)
        // Every key, in file order (the reference lists GGUF.* header fields first).
        let keys = try #require(ref["all_kv_keys"] as? [String]).filter { !$0.hasPrefix("GGUF.") }
        #expect(gguf.metadata.map(\.key) == keys)

        for key in ["general.architecture", "general.name", "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.chat_template"] {
            #expect(gguf.string(key) == ref[key] as? String, "\(key)")
        }
        for key in ["general.file_type", "general.quantization_version", "llama.block_count", "llama.context_length",
                    "llama.embedding_length", "llama.feed_forward_length", "llama.attention.head_count",
                    "llama.attention.head_count_kv", "llama.rope.dimension_count", "llama.vocab_size",
                    "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
                    "tokenizer.ggml.padding_token_id"] {
            #expect(gguf.int(key) == ref[key] as? Int, "\(key)")
            #expect(try gguf.requiredInt(key) == ref[key] as? Int, "\(key)")
        }
        for key in ["llama.rope.freq_base", "llama.attention.layer_norm_rms_epsilon"] {
            #expect(gguf.double(key) == ref[key] as? Double, "\(key)")
        }
        #expect(gguf.value("llama.attention.layer_norm_rms_epsilon") == .float32(1e-5))
        for key in ["tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_space_prefix"] {
            #expect(gguf.bool(key) == ref[key] as? Bool, "\(key)")
        }
        #expect(gguf.string("tokenizer.chat_template")?.hasPrefix("{% for message in messages %}") == true)

        let tokens = try #require(gguf.strings("tokenizer.ggml.tokens"))
        #expect(tokens.count == ref["tokenizer.ggml.tokens.count"] as? Int)
        #expect(gguf.strings("tokenizer.ggml.merges")?.count == ref["tokenizer.ggml.merges.count"] as? Int)
        let types = try #require(gguf.ints("tokenizer.ggml.token_type"))
        #expect(types.count == tokens.count)
        let typeCounts = try #require(ref["tokenizer.ggml.token_type.counts"] as? [String: Int])
        for (type, count) in typeCounts { #expect(types.filter { String($0) == type }.count == count, "token type \(type)") }
        let control = try #require(ref["control_tokens(token_type==3)"] as? [String: String])
        for (id, text) in control { #expect(tokens[Int(id)!] == text, "control token \(id)") }
        #expect(types.indices.filter { types[$0] == 3 }.map { tokens[$0] }.sorted() == control.values.sorted())
        // Wrong-type and missing keys are errors that name the key.
        #expect(gguf.int("general.architecture") == nil)
        #expect(throws: ModelFileError.self) { try gguf.requiredInt("general.architecture") }
        #expect(throws: ModelFileError.self) { try gguf.requiredString("no.such.key") }
    }

    @Test func tensorInfosMatchReference() throws {
        guard let gguf = try Self.open() else { return }
        let ref = try #require(try Self.reference()["tensors"] as? [[String: Any]])
        #expect(gguf.tensors.count == ref.count)
        for (tensor, want) in zip(gguf.tensors, ref) {
            #expect(tensor.name == want["name"] as? String)
            #expect(tensor.type.description == want["type"] as? String)
            #expect(tensor.ne == want["ggml_shape_ne"] as? [Int])
            #expect(tensor.fileOffset % gguf.alignment == 0)
        }
        let last = try #require(gguf.tensors.last)
        #expect(last.fileOffset + last.byteCount <= gguf.file.size)
        let embd = try gguf.tensor("token_embd.weight")
        #expect(embd.rowLength == 576 && embd.rowCount == 49152 && embd.rowStride == 576 / 32 * 34)
    }

    /// Max absolute difference between `got` and the fixture rows, which must have the same shape.
    static func compare(_ got: [Float], _ fixture: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let want = try #require(try NpyArray(path: TestPaths.fixture(fixture)).floats)
        #expect(got.count == want.count, sourceLocation: sourceLocation)
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
        // The reference computes each value with the same float32 operations in the same order.
        #expect(worst == 0, "\(fixture): max abs difference \(worst)", sourceLocation: sourceLocation)
    }

    static func rows(_ gguf: GGUFFile, _ name: String, _ rows: [Int]) throws -> [Float] {
        let tensor = try gguf.tensor(name)
        var out = [Float](repeating: .nan, count: rows.count * tensor.rowLength)
        out.withUnsafeMutableBufferPointer { buffer in
            for (i, r) in rows.enumerated() {
                gguf.dequantize(tensor, rows: r..<r + 1, into: buffer.baseAddress! + i * tensor.rowLength)
            }
        }
        return out
    }

    @Test func dequantisedRowsMatchReference() throws {
        guard let gguf = try Self.open() else { return }
        try Self.compare(Self.rows(gguf, "token_embd.weight", [0, 1, 2, 3]), "smollm2_token_embd_rows0-3.npy")
        try Self.compare(Self.rows(gguf, "blk.0.attn_k.weight", [0, 1, 2, 3]), "smollm2_blk0_attn_k_rows0-3.npy")
        try Self.compare(Self.rows(gguf, "blk.0.ffn_down.weight", [0, 1, 575]), "smollm2_blk0_ffn_down_rows0-1_and_575.npy")
        try Self.compare(gguf.dequantize(try gguf.tensor("output_norm.weight")), "smollm2_output_norm.npy")
        // A multi-row range equals the same rows one by one.
        let k = try gguf.tensor("blk.0.attn_k.weight")
        let whole = gguf.dequantize(k)
        #expect(Array(whole.prefix(4 * 576)) == (try Self.rows(gguf, "blk.0.attn_k.weight", [0, 1, 2, 3])))
    }
}
