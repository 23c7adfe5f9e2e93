// Token-level mean cross entropy over rows of logits, and its gradient.

import Foundation
import TensorCore

enum CrossEntropy {
    /// mean over rows of −log softmax(row)[target], as PyTorch's `cross_entropy` with
    /// reduction "mean". With `gradient`, each row is replaced by ∂mean/∂logits =
    /// (softmax(row) − onehot(target)) / rows.
    static func meanLoss(_ logits: MatrixView, targets: [Int], gradient: Bool) -> Double {
        let n = logits.rows, v = logits.cols
        precondition(targets.count == n, "one target per row")
        var total = 0.0
        for (r, target) in targets.enumerated() {
            precondition(target >= 0 && target < v, "target \(target) outside the vocabulary of \(v)")
            let row = logits.row(r)
            let m = VectorMath.max(row, count: v)
            // log Σ exp(x − max) in Double: the sum runs over the whole vocabulary.
            var sum = 0.0
            for i in 0..<v { sum += Double(expf(row[i] - m)) }
            let logSum = Foundation.log(sum)
            total += logSum + Double(m) - Double(row[target])
            if gradient {
                let inverse = Float(1 / (sum * Double(n)))
                for i in 0..<v { row[i] = expf(row[i] - m) * inverse }
                row[target] -= 1 / Float(n)
            }
        }
        return total / Double(n)
    }
}
