// Rotary position embeddings (RoPE, Su et al. 2021), forward and backward, in both layouts.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which elements of a head form the rotated pairs.
public enum RopeLayout: Sendable {
    /// (x[2i], x[2i+1]): GGUF files and llama.cpp's LLAMA_ROPE_TYPE_NORM. llama.cpp's converter
    /// permutes the Q and K weights of Hugging Face checkpoints so that this layout applies.
    case adjacentPairs
    /// (x[i], x[i + d/2]): Hugging Face's `rotate_half` (GPT-NeoX style), for safetensors models.
    case rotateHalf
}

/// RoPE for heads of `headDim` elements, with cos/sin precomputed once for every position up to
/// `maxPositions`, so applying it allocates nothing and evaluates no trigonometry.
///
/// Pair i (0 ≤ i < rotaryDim/2) at position p turns by the angle p · θ^(−2i/rotaryDim):
/// (a, b) → (a·cos − b·sin, a·sin + b·cos). Elements past `rotaryDim` are left as they are.
public struct Rope: Sendable {
    public let headDim: Int
    public let rotaryDim: Int
    public let theta: Float
    public let maxPositions: Int
    public let layout: RopeLayout
    /// [maxPositions, rotaryDim/2] each.
    private let cosTable: Tensor
    private let sinTable: Tensor

    public init(headDim: Int, rotaryDim: Int? = nil, theta: Float, maxPositions: Int, layout: RopeLayout) {
        let rotary = rotaryDim ?? headDim
        precondition(rotary > 0 && rotary % 2 == 0 && rotary <= headDim,
                     "rope: rotary dimension \(rotary) must be even and at most the head dimension \(headDim)")
        precondition(maxPositions > 0 && theta > 0, "rope: \(maxPositions) positions, theta \(theta)")
        self.headDim = headDim
        self.rotaryDim = rotary
        self.theta = theta
        self.maxPositions = maxPositions
        self.layout = layout
        let half = rotary / 2
        cosTable = Tensor(rows: maxPositions, cols: half)
        sinTable = Tensor(rows: maxPositions, cols: half)
        for i in 0..<half {
            // The frequency rounded to Float32 and the angle multiplied in Float32, as
            // transformers computes them (inv_freq = 1 / base^(arange(0, d, 2) / d) as float32,
            // freqs = positions · inv_freq), so angles at large positions round the way the
            // reference's do; cos/sin of that angle are taken in Double and rounded once.
            let invFreq = Float(1 / pow(Double(theta), Double(2 * i) / Double(rotary)))
            for p in 0..<maxPositions {
                let angle = Double(Float(p) * invFreq)
                cosTable.data[p * half + i] = Float(cos(angle))
                sinTable.data[p * half + i] = Float(sin(angle))
            }
        }
    }

    /// Rotates, in place, `heads` consecutive heads of `headDim` elements at one position.
    public func forward(_ x: UnsafeMutablePointer<Float>, heads: Int, position: Int) {
        apply(x, heads: heads, position: position)
    }

    /// Rotates every row of `x` in place: row r holds `x.cols / headDim` heads at position
    /// `firstPosition + r`.
    public func forward(_ x: MatrixView, firstPosition: Int) {
        precondition(x.cols % headDim == 0, "rope: row of \(x.cols) is not whole heads of \(headDim)")
        for r in 0..<x.rows {
            apply(x.row(r), heads: x.cols / headDim, position: firstPosition + r)
        }
    }

    /// Accumulates the gradient through `forward` at one position: dx += Rᵀ · dout. The rotation
    /// is orthogonal, so its backward is the rotation by the opposite angle.
    public func backward(
        _ dx: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, heads: Int, position: Int
    ) {
        checkPosition(position)
        let half = rotaryDim / 2
        let c = cosTable.data + position * half, s = sinTable.data + position * half
        let (stride, offset) = pairing
        for h in 0..<heads {
            let dxh = dx + h * headDim, gh = dout + h * headDim
            for i in 0..<half {
                let ia = i * stride, ib = ia + offset
                let ga = gh[ia], gb = gh[ib]
                dxh[ia] += ga * c[i] + gb * s[i]
                dxh[ib] += gb * c[i] - ga * s[i]
            }
            for j in rotaryDim..<headDim { dxh[j] += gh[j] }
        }
    }

    /// `backward` for every row: row r of `dx` and `dout` is position `firstPosition + r`.
    public func backward(_ dx: MatrixView, _ dout: MatrixView, firstPosition: Int) {
        precondition(dx.rows == dout.rows && dx.cols == dout.cols && dx.cols % headDim == 0,
                     "rope backward: dx \(dx.rows)×\(dx.cols), dout \(dout.rows)×\(dout.cols), head \(headDim)")
        for r in 0..<dx.rows {
            backward(dx.row(r), dout.row(r), heads: dx.cols / headDim, position: firstPosition + r)
        }
    }

    /// Element i of a pair sits at i·stride, its partner `offset` further on.
    private var pairing: (stride: Int, offset: Int) {
        switch layout {
        case .adjacentPairs: (2, 1)
        case .rotateHalf: (1, rotaryDim / 2)
        }
    }

    private func checkPosition(_ position: Int) {
        precondition(position >= 0 && position < maxPositions,
                     "rope: position \(position) outside the \(maxPositions) precomputed")
    }

    private func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, position: Int) {
        checkPosition(position)
        let half = rotaryDim / 2
        let c = cosTable.data + position * half, s = sinTable.data + position * half
        let (stride, offset) = pairing
        for h in 0..<heads {
            let xh = x + h * headDim
            for i in 0..<half {
                let ia = i * stride, ib = ia + offset
                let a = xh[ia], b = xh[ib]
                xh[ia] = a * c[i] - b * s[i]
                xh[ib] = a * s[i] + b * c[i]
            }
        }
    }
}
