import Foundation
import LoragBasics
import ModelFiles
import Models
import Testing

/// Fixtures and the default embedding model, found from this file's location.
enum EmbedTestFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures/embed").appendingPathComponent(name).path
    }

    /// The MiniLM folder; a missing model fails the test (it does not skip it).
    static func modelFolder() throws -> String {
        let path = packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2").path
        try #require(FileManager.default.fileExists(atPath: path + "/model.safetensors"),
                     "\(path) is missing: run `make models`")
        return path
    }

    /// Loaded once for all tests (weights are read-only; each test makes its own pipeline).
    nonisolated(unsafe) private static var cached: SentenceEmbedder?
    private static let lock = NSLock()

    static func miniLM() throws -> SentenceEmbedder {
        let folder = try modelFolder()
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let loaded = try SentenceEmbedder(folder: folder)
        cached = loaded
        return loaded
    }

    /// The 85 reference sentences as records, in file order (record i has id i).
    static func sentences() throws -> [JSONObject] {
        let text = try String(contentsOfFile: fixture("sentences.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard case let .object(o) = try JSONValue(parsing: String(line)) else { throw CocoaError(.coderReadCorrupt) }
            return o
        }
    }

    /// Rows of a float32 [N, D] .npy fixture.
    static func matrix(_ name: String) throws -> [[Float]] {
        let array = try NpyArray(path: fixture(name))
        let values = try #require(array.floats)
        let cols = array.shape[1]
        return (0..<array.shape[0]).map { Array(values[($0 * cols)..<(($0 + 1) * cols)]) }
    }
}

/// Cosine similarity and largest absolute difference of two vectors.
func compare(_ a: [Float], _ b: [Float]) -> (cosine: Double, maxDiff: Float) {
    var dot = 0.0, na = 0.0, nb = 0.0
    var maxDiff: Float = 0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        na += Double(x) * Double(x)
        nb += Double(y) * Double(y)
        maxDiff = max(maxDiff, abs(x - y))
    }
    return (dot / (na.squareRoot() * nb.squareRoot()), maxDiff)
}
