// Keys and values of every block for the tokens seen so far.

import TensorCore

/// One session's cache: per block, [context, kvHeads · headDim] keys and values in Float32.
final class LlamaKVCache: @unchecked Sendable {
    final class Layer: @unchecked Sendable {
        let keys: Tensor
        let values: Tensor

        init(context: Int, kvDim: Int) {
            keys = Tensor(rows: context, cols: kvDim)
            values = Tensor(rows: context, cols: kvDim)
        }
    }

    let layers: [Layer]

    init(layers: Int, context: Int, kvDim: Int) {
        self.layers = (0..<layers).map { _ in Layer(context: context, kvDim: kvDim) }
    }
}
