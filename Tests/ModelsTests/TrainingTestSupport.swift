import Foundation
import ModelFiles
@testable import Models
import TensorCore
import Testing

/// Fixtures of the LoRA training tests, found from this file's location.
enum TrainingTestFiles {
    static func fixture(_ name: String) -> URL {
        LlamaTestFiles.packageRoot.appendingPathComponent("Tests/Fixtures/lora").appendingPathComponent(name)
    }

    /// The sequences of a batch file ({"input_ids", "attention_mask", "labels"}, right-padded),
    /// with the padding removed.
    static func batch(_ url: URL) throws -> [TrainingSequence] {
        struct Batch: Decodable {
            var input_ids: [[Int]]
            var attention_mask: [[Int]]
            var labels: [[Int]]
        }
        let b = try JSONDecoder().decode(Batch.self, from: Data(contentsOf: url))
        return b.input_ids.indices.map { i in
            let n = b.attention_mask[i].reduce(0, +)
            return TrainingSequence(ids: Array(b.input_ids[i][..<n]), labels: Array(b.labels[i][..<n]))
        }
    }

    /// The largest |x|, and the largest |x − y|, over two runs of equal length.
    static func maxima(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> (scale: Float, difference: Float) {
        var scale: Float = 0, difference: Float = 0
        for i in 0..<x.count {
            scale = max(scale, abs(y[i]))
            difference = max(difference, abs(x[i] - y[i]))
        }
        return (scale, difference)
    }
}
