// Sentence-transformers' Pooling module: from one hidden vector per token to one per text.

import LoragBasics
import TensorCore

/// How token vectors become a sentence vector, as `1_Pooling/config.json` says. With several modes
/// the results are concatenated in sentence-transformers' order (CLS, max, mean, mean/√len).
public struct Pooling: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// The `[CLS]` token's vector (bge, gte-base style).
        case cls = "pooling_mode_cls_token"
        /// Element-wise maximum over tokens.
        case max = "pooling_mode_max_tokens"
        /// Element-wise mean over tokens (MiniLM, e5).
        case mean = "pooling_mode_mean_tokens"
        /// Sum over tokens divided by √(token count).
        case meanSqrtLength = "pooling_mode_mean_sqrt_len_tokens"
    }

    public let modes: [Mode]

    public init(modes: [Mode]) {
        precondition(!modes.isEmpty, "pooling needs at least one mode")
        self.modes = Mode.allCases.filter(modes.contains)
    }

    /// Reads a sentence-transformers `1_Pooling/config.json`.
    public init(json text: String, file: String) throws(EmbeddingError) {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: text)
        } catch {
            throw .unreadableModel(path: file, reason: "not JSON: \(error)")
        }
        guard root.objectValue != nil else {
            throw .unreadableModel(path: file, reason: "expected a JSON object, found \(root.kindName)")
        }
        for unsupported in ["pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"]
        where root[unsupported]?.boolValue == true {
            throw .unsupported(file: file, what: "pooling mode", found: unsupported,
                               supported: Mode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if root["include_prompt"]?.boolValue == false {
            throw .unsupported(file: file, what: "include_prompt", found: "false", supported: "true")
        }
        let modes = Mode.allCases.filter { root[$0.rawValue]?.boolValue == true }
        guard !modes.isEmpty else {
            throw .badConfiguration(file: file, key: "pooling_mode_mean_tokens", expected: "one pooling mode set to true",
                                    found: "none")
        }
        self.init(modes: modes)
    }

    /// Length of the pooled vector for a hidden size of `hidden`.
    public func dimension(hidden: Int) -> Int { modes.count * hidden }

    /// Pools the (T, C) token vectors of one text into `out` (`dimension(hidden: C)` floats).
    /// Every row is a real token: batches are packed, never padded, so there is no mask.
    public func pool(_ tokens: MatrixView, into out: UnsafeMutablePointer<Float>) {
        let t = tokens.rows, c = tokens.cols
        precondition(t >= 1, "pooling needs at least one token")
        for (k, mode) in modes.enumerated() {
            let y = out + k * c
            switch mode {
            case .cls:
                y.update(from: tokens.row(0), count: c)
            case .max:
                y.update(from: tokens.row(0), count: c)
                for r in 1..<t {
                    let x = tokens.row(r)
                    for j in 0..<c { y[j] = Swift.max(y[j], x[j]) }
                }
            case .mean, .meanSqrtLength:
                y.update(from: tokens.row(0), count: c)
                for r in 1..<t { VectorMath.add(y, y, tokens.row(r), count: c) }
                let divisor = mode == .mean ? Float(t) : Float(t).squareRoot()
                VectorMath.scale(y, 1 / divisor, count: c)
            }
        }
    }

    /// Scales `x` to unit Euclidean length (sentence-transformers' Normalize module; a zero
    /// vector stays zero, as `torch.nn.functional.normalize` leaves it).
    public static func normalize(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        let norm = VectorMath.sumOfSquares(x, count: n).squareRoot()
        VectorMath.scale(x, 1 / Swift.max(norm, 1e-12), count: n)
    }
}
