// Element-wise activations and their backward kernels (llm.c style: backward accumulates).

/// GELU (erf form), SiLU and SwiGLU over contiguous runs: outputs first, then inputs, then
/// the count. Forward kernels may write in place (`out` may be an input); backward kernels
/// add into their gradient buffers, which the caller zeroes once per step.
public enum Activations {
    /// out = x · Φ(x) = ½x·(1 + erf(x/√2)), the exact GELU that BERT and PyTorch's
    /// `nn.GELU()` use (not the tanh approximation).
    public static func gelu(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count n: Int) {
        Threads.forEachChunk(of: n, elementsPerItem: 1) { range in
            for i in range {
                let v = x[i]
                out[i] = 0.5 * v * (1 + FastMath.erf(v * 0.707_106_77))
            }
        }
    }

    /// out = x · σ(x) = x / (1 + e^(−x)), Llama's MLP activation (PyTorch's `F.silu`).
    public static func silu(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count n: Int) {
        Threads.forEachChunk(of: n, elementsPerItem: 1) { range in
            for i in range {
                let v = x[i]
                out[i] = v / (1 + FastMath.exp(-v))
            }
        }
    }

    /// dx += dout · σ(x)·(1 + x·(1 − σ(x))), the derivative of x·σ(x).
    public static func siluBackward(
        _ dx: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count n: Int
    ) {
        for i in 0..<n {
            let v = x[i]
            let s = 1 / (1 + FastMath.exp(-v))
            dx[i] += dout[i] * s * (1 + v * (1 - s))
        }
    }

    /// out = silu(gate) · up: the gated MLP of Llama (`down(silu(gate(x)) * up(x))`).
    public static func swiglu(
        _ out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count n: Int
    ) {
        Threads.forEachChunk(of: n, elementsPerItem: 1) { range in
            for i in range {
                let g = gate[i]
                out[i] = g / (1 + FastMath.exp(-g)) * up[i]
            }
        }
    }

    /// The backward of `swiglu`: dgate += dout · up · silu′(gate), dup += dout · silu(gate).
    public static func swigluBackward(
        dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>,
        _ dout: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count n: Int
    ) {
        for i in 0..<n {
            let g = gate[i]
            let s = 1 / (1 + FastMath.exp(-g))
            let d = dout[i]
            dgate[i] += d * up[i] * s * (1 + g * (1 - s))
            dup[i] += d * g * s
        }
    }
}
