import Foundation
import ModelFiles
import Models
import Testing

/// Fixtures and models for the Llama tests, found from this file's location.
enum LlamaTestFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures/llama").appendingPathComponent(name)
    }

    /// A file under models/; a missing model fails the test (it does not skip it).
    static func model(_ relative: String) throws -> URL {
        let url = packageRoot.appendingPathComponent("models").appendingPathComponent(relative)
        try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) is missing: run `make models`")
        return url
    }

    static func jsonl<Row: Decodable>(_ name: String, as: Row.Type) throws -> [Row] {
        let text = try String(contentsOf: fixture(name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
    }

    /// SmolLM2-135M-Instruct Q4_1, loaded once for all tests.
    static func smolLM() throws -> LlamaModel {
        try SmolLMCache.shared.model()
    }
}

/// Loads the GGUF once per test process (tests run in parallel and would each map it otherwise).
final class SmolLMCache: @unchecked Sendable {
    static let shared = SmolLMCache()
    private let lock = NSLock()
    private var loaded: LlamaModel?

    func model() throws -> LlamaModel {
        lock.lock()
        defer { lock.unlock() }
        if let loaded { return loaded }
        let url = try LlamaTestFiles.model("SmolLM2-135M-Instruct.Q4_1.gguf")
        let model = try LlamaModel.load(path: url.path)
        loaded = model
        return model
    }
}

/// A row of smollm2_prompts_greedy.jsonl.
struct GreedyRow: Decodable {
    var id: Int
    var input_ids: [Int32]
    var new_ids: [Int32]
    var top1_minus_top2_logit: [Double]
    var max_abs_logit: Float
    var text: String
    var messages: [[String: String]]?
}

func argmax(_ x: UnsafeBufferPointer<Float>) -> Int32 {
    var best = 0
    for i in 1..<x.count where x[i] > x[best] { best = i }
    return Int32(best)
}
