import Foundation
import LoragBasics

/// How long one completion took, split as llama.cpp splits it (its server's `timings` object):
/// the prompt's prefill, and the token-by-token decoding after it (sampling included).
public struct GenerationTimings: Sendable, Equatable {
    /// Prompt tokens evaluated in the prefill.
    public var promptTokens = 0
    public var promptSeconds = 0.0
    /// Single-token forward passes after the prefill (a completion of n tokens that ends at
    /// `--max-tokens` needs n - 1 of them: the last token is never fed back).
    public var decodedTokens = 0
    public var decodeSeconds = 0.0

    public init() {}

    /// `{"prompt_n", "prompt_ms", "prompt_per_second", "predicted_n", "predicted_ms",
    /// "predicted_per_second"}` with llama.cpp server's names, so scripts written for one read
    /// the other. A rate with nothing measured is omitted rather than printed as infinity.
    public var json: JSONObject {
        var out: JSONObject = [:]
        func add(_ name: String, count: Int, seconds: Double) {
            out[name + "_n"] = .number(JSONNumber(count))
            out[name + "_ms"] = Self.number(seconds * 1000)
            if count > 0 && seconds > 0 { out[name + "_per_second"] = Self.number(Double(count) / seconds) }
        }
        add("prompt", count: promptTokens, seconds: promptSeconds)
        add("predicted", count: decodedTokens, seconds: decodeSeconds)
        return out
    }

    /// Rounded to 0.001: the clock's noise is far above that.
    private static func number(_ x: Double) -> JSONValue {
        (try? JSONNumber((x * 1000).rounded() / 1000)).map(JSONValue.number) ?? .null
    }
}

/// A monotonic stopwatch in seconds.
struct Stopwatch {
    private var start = DispatchTime.now().uptimeNanoseconds

    /// Seconds since the start or the previous lap, and starts the next lap.
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { start = now }
        return Double(now - start) / 1e9
    }
}
