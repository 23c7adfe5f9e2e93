// One weight matrix of the decoder (out × in, PyTorch's nn.Linear layout), kept as it is stored:
// GGUF blocks stay quantised inside the memory-mapped file; safetensors weights become Float32.

import TensorCore

/// A linear layer `out = x · Wᵀ (+ bias) (+ LoRA paths)`.
///
/// One-token products (decode) dot each quantised row with the activation directly, split across
/// threads by rows: Q4_1/Q8_0 rows against the activation quantised to int16 per block
/// (`QuantizedActivations`, AVX2), other types (or with `integerProducts` off) against Float32
/// (`QuantizedDot`). Many-token products (prefill) decode a slab of
/// rows at a time into the caller's scratch and hand it to `cblas_sgemm`, so prefill runs at BLAS
/// speed without ever holding the whole matrix in Float32.
public final class LinearWeight: @unchecked Sendable {
    enum Storage {
        /// Blocks of `type`, row r at `base + r · rowStride`, owned by a mapped file.
        case quantized(type: GGMLType, base: UnsafeRawPointer, rowStride: Int)
        case float(Tensor)
    }

    /// Output features.
    public let rows: Int
    /// Input features.
    public let cols: Int
    private(set) var storage: Storage
    /// `rows` elements (Qwen2's q/k/v projections), or nil.
    let bias: Tensor?
    /// Adapters applied on top of the base weight, unmerged.
    public internal(set) var adapters: [LoRAPath] = []
    /// Keeps the mapped file of quantised storage alive.
    private let owner: AnyObject?

    init(quantized type: GGMLType, base: UnsafeRawPointer, rows: Int, cols: Int, bias: Tensor?, owner: AnyObject) {
        self.rows = rows
        self.cols = cols
        self.bias = bias
        self.owner = owner
        if type == .f32 {
            // Plain floats read in place: the float path's BLAS calls take them directly.
            let t = Tensor(rows: rows, cols: cols)
            t.data.update(from: base.assumingMemoryBound(to: Float.self), count: rows * cols)
            storage = .float(t)
        } else {
            storage = .quantized(type: type, base: base, rowStride: type.byteCount(elements: cols)!)
        }
    }

    init(float weight: Tensor, bias: Tensor?) {
        precondition(weight.shape.count == 2, "linear weight must be a matrix, got \(weight.shape)")
        rows = weight.shape[0]
        cols = weight.shape[1]
        storage = .float(weight)
        self.bias = bias
        owner = nil
    }

    /// Whether the base weight is held in a quantised block format.
    public var isQuantized: Bool {
        if case .quantized = storage { return true }
        return false
    }

    /// Decodes row `r` into `dst` (`cols` values): the embedding lookup of a tied table.
    func row(_ r: Int, into dst: UnsafeMutablePointer<Float>) {
        switch storage {
        case let .quantized(type, base, rowStride):
            type.dequantize(base + r * rowStride, count: cols, into: dst)
        case let .float(t):
            dst.update(from: t.row(r), count: cols)
        }
    }

    /// Decodes rows `range` into `dst`, row-major.
    func rows(_ range: Range<Int>, into dst: UnsafeMutablePointer<Float>) {
        switch storage {
        case let .quantized(type, base, rowStride):
            type.dequantize(base + range.lowerBound * rowStride, count: range.count * cols, into: dst)
        case let .float(t):
            dst.update(from: t.row(range.lowerBound), count: range.count * cols)
        }
    }

    /// out (T × rows) = input (T × cols) · Wᵀ + bias + Σ adapters.
    func apply(_ out: MatrixView, _ input: MatrixView, _ work: LinearWorkspace) {
        precondition(out.rows == input.rows && out.cols == rows && input.cols == cols,
                     "linear \(rows)×\(cols): input \(input.rows)×\(input.cols), out \(out.rows)×\(out.cols)")
        if input.rows == 1 {
            vector(out.base, input.base, work)
        } else {
            matrix(out, input, work)
        }
        addBiasAndAdapters(out, input, work)
    }

    /// outs[i] = input · layers[i]ᵀ (+ bias + adapters) for layers that read the same input (q, k
    /// and v; gate and up). For one token with int16 products the input is quantised once and all
    /// the layers' rows go to the worker pool in one hand-off, since each hand-off waits for the
    /// slowest thread; otherwise each layer's `apply`.
    static func apply(_ layers: [LinearWeight], _ outs: [MatrixView], _ input: MatrixView, _ work: LinearWorkspace) {
        precondition(layers.count == outs.count, "\(layers.count) layers, \(outs.count) outputs")
        guard input.rows == 1 && work.integerProducts
                && layers.allSatisfy({ $0.integerRows != nil && $0.cols == input.cols }) else {
            for (layer, out) in zip(layers, outs) { layer.apply(out, input, work) }
            return
        }
        for (layer, out) in zip(layers, outs) {
            precondition(out.rows == 1 && out.cols == layer.rows, "linear \(layer.rows)×\(layer.cols): out \(out.rows)×\(out.cols)")
        }
        let activations = work.activations, parts = work.pool.count
        activations.quantize(input.base, count: input.cols)
        let total = layers.reduce(0) { $0 + $1.rows }
        work.pool.run { part in
            // This part's share of all the layers' rows, stacked in order.
            let first = total * part / parts, end = total * (part + 1) / parts
            var offset = 0
            for (layer, out) in zip(layers, outs) {
                let lower = max(first, offset) - offset, upper = min(end, offset + layer.rows) - offset
                if lower < upper, let (type, base, rowStride) = layer.integerRows {
                    activations.dotRows(type, base: base, rowStride: rowStride, rows: lower..<upper, into: out.base)
                }
                offset += layer.rows
            }
        }
        for (layer, out) in zip(layers, outs) { layer.addBiasAndAdapters(out, input, work) }
    }

    /// The quantised rows when `QuantizedActivations` has a kernel for their type.
    private var integerRows: (GGMLType, UnsafeRawPointer, Int)? {
        if case let .quantized(type, base, rowStride) = storage, QuantizedActivations.hasKernel(type) {
            return (type, base, rowStride)
        }
        return nil
    }

    private func addBiasAndAdapters(_ out: MatrixView, _ input: MatrixView, _ work: LinearWorkspace) {
        if let bias { VectorMath.addRowBias(out, bias.data) }
        for path in adapters {
            let mid = MatrixView(base: work.lora.data, rows: input.rows, cols: path.rank)
            BLAS.gemm(mid, input, path.a.matrix, transposeB: true)
            BLAS.gemm(out, mid, path.b.matrix, transposeB: true, alpha: path.scale, beta: 1)
        }
    }

    /// y (rows) = W · x (cols), for one token.
    private func vector(_ y: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Float>, _ work: LinearWorkspace) {
        switch storage {
        case let .float(t):
            BLAS.gemv(y, t.matrix, x)
        case let .quantized(type, base, rowStride) where work.integerProducts && QuantizedActivations.hasKernel(type):
            let activations = work.activations, rows = rows, parts = work.pool.count
            activations.quantize(x, count: cols)
            work.pool.run { part in
                activations.dotRows(type, base: base, rowStride: rowStride,
                                    rows: (rows * part / parts)..<(rows * (part + 1) / parts), into: y)
            }
        case let .quantized(type, base, rowStride):
            let n = cols
            if type == .q4_1 { QuantizedDot.blockSums(x, count: n, into: work.sums.data) }
            let sums = UnsafePointer(work.sums.data), xin = UnsafePointer(x)
            let rows = rows, parts = work.pool.count
            work.pool.run { part in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { scratch in
                    for r in (rows * part / parts)..<(rows * (part + 1) / parts) {
                        y[r] = QuantizedDot.dot(type, row: base + r * rowStride, xin, sums: sums,
                                                count: n, scratch: scratch.baseAddress!)
                    }
                }
            }
        }
    }

    /// out = input · Wᵀ for many tokens: quantised rows are decoded a slab at a time.
    private func matrix(_ out: MatrixView, _ input: MatrixView, _ work: LinearWorkspace) {
        switch storage {
        case let .float(t):
            BLAS.gemm(out, input, t.matrix, transposeB: true)
        case .quantized:
            let slabRows = max(1, min(rows, work.dequantized.count / cols))
            var start = 0
            while start < rows {
                let end = min(rows, start + slabRows)
                let slab = MatrixView(base: work.dequantized.data, rows: end - start, cols: cols)
                Threads.forEachChunk(of: end - start, elementsPerItem: cols) { part in
                    self.rows((start + part.lowerBound)..<(start + part.upperBound), into: slab.row(part.lowerBound))
                }
                BLAS.gemm(out.columns(start..<end), input, slab, transposeB: true)
                start = end
            }
        }
    }

    /// Folds every adapter into a Float32 copy of the weight (W += scale · B · A) and drops them.
    /// A quantised weight is decoded to Float32 first: merging costs 4 bytes per weight.
    func mergeAdapters() {
        guard !adapters.isEmpty else { return }
        let weight: Tensor
        switch storage {
        case let .float(t):
            weight = t
        case .quantized:
            weight = Tensor(rows: rows, cols: cols)
            self.rows(0..<rows, into: weight.data)
        }
        for path in adapters {
            BLAS.gemm(weight.matrix, path.b.matrix, path.a.matrix, alpha: path.scale, beta: 1)
        }
        storage = .float(weight)
        adapters = []
    }

    func attach(_ path: LoRAPath) {
        precondition(path.a.shape[1] == cols && path.b.shape[0] == rows,
                     "LoRA path A \(path.a.shape), B \(path.b.shape) on a \(rows)×\(cols) weight")
        adapters.append(path)
    }

    func detachAdapters() {
        adapters = []
    }
}
