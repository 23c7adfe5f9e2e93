// Token-level mean cross entropy over rows of logits, and its gradient.

import Foundation
import TensorCore

enum CrossEntropy {
    /// mean over rows of −log softmax(row)[target], as PyTorch's `cross_entropy` with
    /// reduction "mean". With `gradient`, each row is replaced by ∂mean/∂logits =
    /// (softmax(row) − onehot(target)) / rows.
    ///
    /// Rows are independent, so they are split across threads (each row is a whole vocabulary:
    /// 8% of a step's time when it ran on one thread); the per-row losses are added in row
    /// order afterwards, so the result does not depend on the thread count.
    static func meanLoss(_ logits: MatrixView, targets: [Int], gradient: Bool) -> Double {
        let n = logits.rows, v = logits.cols
        precondition(targets.count == n, "one target per row")
        for target in targets {
            precondition(target >= 0 && target < v, "target \(target) outside the vocabulary of \(v)")
        }
        let rowLosses = UnsafeMutablePointer<Double>.allocate(capacity: max(1, n))
        defer { rowLosses.deallocate() }
        targets.withUnsafeBufferPointer { targets in
            Threads.forEachChunk(of: n, elementsPerItem: v) { rows in
                for r in rows {
                    let row = logits.row(r), target = targets[r]
                    let m = VectorMath.max(row, count: v)
                    // log Σ exp(x − max) in Double: the sum runs over the whole vocabulary, and a
                    // float32 sum is part of why transformers' float32 loss lands 2e-6 below float64.
                    var sum = 0.0
                    for i in 0..<v { sum += Double(expf(row[i] - m)) }
                    rowLosses[r] = Foundation.log(sum) + Double(m) - Double(row[target])
                    if gradient {
                        let inverse = Float(1 / (sum * Double(n)))
                        for i in 0..<v { row[i] = expf(row[i] - m) * inverse }
                        row[target] -= 1 / Float(n)
                    }
                }
            }
        }
        var total = 0.0
        for r in 0..<n { total += rowLosses[r] }
        return total / Double(n)
    }
}
