// Keys and values of every block for the tokens seen so far.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TensorCore

/// One session's cache: per block, [context, kvHeads · headDim] keys and values in Float32.
///
/// The storage comes from `calloc`, whose large blocks are fresh zero pages from the kernel: memory
/// is only committed as positions are written, so a session sized for the model's whole context
/// costs what its tokens use (a `Tensor` would zero-fill, and so touch, every page up front).
final class LlamaKVCache: @unchecked Sendable {
    final class Layer: @unchecked Sendable {
        let keys: MatrixView
        let values: MatrixView

        init(context: Int, kvDim: Int) {
            keys = MatrixView(base: Layer.allocate(context * kvDim), rows: context, cols: kvDim)
            values = MatrixView(base: Layer.allocate(context * kvDim), rows: context, cols: kvDim)
        }

        deinit {
            free(keys.base)
            free(values.base)
        }

        private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
            guard let raw = calloc(max(count, 1), MemoryLayout<Float>.stride) else {
                preconditionFailure("KV cache: cannot allocate \(count) floats")
            }
            return raw.bindMemory(to: Float.self, capacity: max(count, 1))
        }
    }

    let layers: [Layer]

    init(layers: Int, context: Int, kvDim: Int) {
        self.layers = (0..<layers).map { _ in Layer(context: context, kvDim: kvDim) }
    }
}
