// AdamW exactly as PyTorch's single-tensor implementation (torch.optim.AdamW, foreach=False).

import Foundation
import TensorCore

/// AdamW's hyper-parameters (PyTorch's names and defaults, except weight decay: PEFT recipes
/// and the reference run use 0).
public struct AdamWSettings: Sendable, Equatable {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0

    public init(learningRate: Float, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// Updates every LoRA matrix from its gradient; `step` counts updates done (PyTorch's `state["step"]`).
public struct AdamW: Sendable {
    public var settings: AdamWSettings
    public internal(set) var step = 0

    public init(settings: AdamWSettings, step: Int = 0) {
        self.settings = settings
        self.step = step
    }

    /// One update of every parameter of `adapter` from its current gradients.
    ///
    /// Per element, in PyTorch's order of float operations: p ·= 1 − lr·wd; m = m + (1 − β1)(g − m)
    /// (`lerp_`); v = v·β2 + (1 − β2)·g·g (`addcmul_`); p += (−lr / (1 − β1ᵗ))·m / (√v / √(1 − β2ᵗ) + ε)
    /// (`addcdiv_`), the bias corrections computed in Double as Python does.
    public mutating func update(_ adapter: TrainableAdapter) {
        step += 1
        let s = settings
        let t = Double(step)
        let stepSize = Float(Double(s.learningRate) / (1 - pow(Double(s.beta1), t)))
        let correction2 = Float((1 - pow(Double(s.beta2), t)).squareRoot())
        let decay = 1 - s.learningRate * s.weightDecay
        let w1 = 1 - s.beta1, w2 = 1 - s.beta2
        for p in adapter.parameters {
            let na = p.a.count
            for (values, grads, offset, count) in [(p.a.data, p.gradA.data, 0, na), (p.b.data, p.gradB.data, na, p.b.count)] {
                let m = p.m.data + offset, v = p.v.data + offset
                for i in 0..<count {
                    let g = grads[i]
                    if s.weightDecay != 0 { values[i] *= decay }
                    m[i] = m[i] + w1 * (g - m[i])
                    v[i] = v[i] * s.beta2 + w2 * g * g
                    let denominator = v[i].squareRoot() / correction2 + s.epsilon
                    values[i] += -stepSize * m[i] / denominator
                }
            }
        }
    }
}
