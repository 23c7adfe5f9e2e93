// The set of LoRA pairs being trained on a Llama model.

import TensorCore

/// LoRA pairs on the chosen projections of every block: y = W·x + (alpha / rank)·B·(A·x).
public final class TrainableAdapter: @unchecked Sendable {
    public let rank: Int
    public let alpha: Float
    /// The adapted projections, in the order `LlamaWeightNames.projections` lists them.
    public let targets: [LlamaWeightRole]
    /// Every pair, block by block, then in `targets` order.
    public let parameters: [LoRAParameter]
    /// `parameters` by [layer][projection index in `LlamaWeightNames.projections`].
    let table: [[LoRAParameter?]]

    /// alpha / rank (PEFT's `scaling` without rsLoRA).
    public var scale: Float { alpha / Float(rank) }

    /// Zero-filled pairs shaped for `configuration`; `initialise` or a loaded folder fills them.
    public init(configuration c: LlamaConfiguration, rank: Int, alpha: Float, targets: [LlamaWeightRole]) {
        precondition(rank > 0, "LoRA rank must be positive")
        self.rank = rank
        self.alpha = alpha
        self.targets = LlamaWeightNames.projections.filter { targets.contains($0) }
        var all: [LoRAParameter] = []
        var table: [[LoRAParameter?]] = []
        for layer in 0..<c.layerCount {
            var row: [LoRAParameter?] = []
            for role in LlamaWeightNames.projections {
                guard targets.contains(role) else { row.append(nil); continue }
                let (outputs, inputs) = Self.shape(role, c)
                let p = LoRAParameter(layer: layer, role: role, rank: rank, inputs: inputs, outputs: outputs)
                all.append(p)
                row.append(p)
            }
            table.append(row)
        }
        parameters = all
        self.table = table
    }

    /// Trainable copies of a loaded adapter's pairs. Training keeps one rank and one scale for
    /// all pairs and adapts the same projections in every block, so a loaded adapter must too;
    /// alpha is recorded as scale · rank (for an rsLoRA file that is the same products as its
    /// alpha / √rank).
    public convenience init(_ loaded: LoRAAdapter, configuration c: LlamaConfiguration) throws {
        guard let first = loaded.entries.first else {
            throw TrainingError.badAdapter(path: loaded.source, reason: "no LoRA pairs")
        }
        let rank = first.a.shape[0]
        for e in loaded.entries where e.a.shape[0] != rank || e.scale != first.scale {
            throw TrainingError.badAdapter(path: loaded.source, reason: "\(LlamaWeightNames.gguf(e.role, layer: e.layer)) has rank \(e.a.shape[0]) and scale \(e.scale), expected rank \(rank) and scale \(first.scale) as every other pair (lora-train trains one rank and scale)")
        }
        let targets = Set(loaded.entries.map(\.role))
        let byKey = Dictionary(loaded.entries.map { (LlamaWeightNames.gguf($0.role, layer: $0.layer), $0) }) { a, _ in a }
        self.init(configuration: c, rank: rank, alpha: first.scale * Float(rank), targets: Array(targets))
        for p in parameters {
            let name = LlamaWeightNames.gguf(p.role, layer: p.layer)
            guard let e = byKey[name] else {
                throw TrainingError.badAdapter(path: loaded.source, reason: "\(name) has no pair while other blocks adapt that projection (lora-train adapts the same projections in every block)")
            }
            p.a.copy(from: e.a)
            p.b.copy(from: e.b)
        }
    }

    /// (out, in) of a projection.
    static func shape(_ role: LlamaWeightRole, _ c: LlamaConfiguration) -> (Int, Int) {
        switch role {
        case .query: (c.queryDim, c.hiddenSize)
        case .key, .value: (c.kvDim, c.hiddenSize)
        case .attentionOutput: (c.hiddenSize, c.queryDim)
        case .gate, .up: (c.intermediateSize, c.hiddenSize)
        case .down: (c.hiddenSize, c.intermediateSize)
        default: preconditionFailure("\(role) is not a projection")
        }
    }

    /// The pair on `role` of block `layer`, or nil when that projection is not adapted.
    func parameter(layer: Int, _ role: LlamaWeightRole) -> LoRAParameter? {
        table[layer][LlamaWeightNames.projections.firstIndex(of: role)!]
    }

    /// PEFT's default initialisation: A uniform in ±1/√in (`kaiming_uniform_(a=√5)`), B zero, so
    /// the adapted model starts equal to the base. Drawn from `generator` in `parameters` order.
    public func initialise(using generator: inout some RandomNumberGenerator) {
        for p in parameters {
            let bound = 1 / Float(p.inputs).squareRoot()
            for i in 0..<p.a.count { p.a.data[i] = Float.random(in: -bound..<bound, using: &generator) }
            p.b.zero()
        }
    }

    func zeroGradients() {
        for p in parameters { p.zeroGradients() }
    }

    /// The trainable parameter count.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.a.count + $1.b.count } }
}
