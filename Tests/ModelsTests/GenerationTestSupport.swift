import Foundation
import Models
import Tokenizers

/// A tokenizer of the 256 byte tokens (GPT-2's byte alphabet: printable Latin-1 bytes stand for
/// themselves, the others for U+0100 + n in order) plus two control tokens, `<eos>` = 256 and
/// `<bos>` = 257; no merges, so every byte is one token and tests can name tokens by character.
func byteTokenizer() throws -> ByteLevelBPETokenizer {
    var tokens: [String] = []
    var shifted = 0
    for byte in 0..<256 {
        let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
        if printable {
            tokens.append(String(UnicodeScalar(UInt8(byte))))
        } else {
            tokens.append(String(UnicodeScalar(256 + shifted)!))
            shifted += 1
        }
    }
    tokens += ["<eos>", "<bos>"]
    let types = [Int32](repeating: 1, count: 256) + [3, 3]
    return try ByteLevelBPETokenizer(tokens: tokens, merges: [], tokenTypes: types, bosID: 257, eosID: 256,
                                     preTokenizer: .gpt2)
}

let eosToken: Int32 = 256
let bosToken: Int32 = 257

/// The token of an ASCII character in `byteTokenizer()`.
func tok(_ c: Character) -> Int32 { Int32(c.asciiValue!) }

/// A deterministic stand-in for a decoder: the logits after a sequence depend only on its last
/// token, through a fixed function. Checks the protocol's contract (context overflow throws)
/// so the loop is tested against a session that enforces it.
final class TableSession: CausalLanguageModelSession {
    let vocabularySize: Int
    let contextLength: Int
    private(set) var tokens: [Int32] = []
    private var logits: [Float]
    private let table: (Int32) -> [Float]
    /// How many times `append` ran.
    private(set) var appendCalls = 0

    struct Overflow: Error {}

    init(vocabularySize: Int = 258, contextLength: Int = 64, table: @escaping (Int32) -> [Float]) {
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.table = table
        logits = [Float](repeating: 0, count: vocabularySize)
    }

    /// Logits that make `next[last]` the clear favourite (10 above everything else, which is 0).
    convenience init(next: [Int32: Int32], contextLength: Int = 64) {
        self.init(contextLength: contextLength) { last in
            var row = [Float](repeating: 0, count: 258)
            if let n = next[last] { row[Int(n)] = 10 }
            return row
        }
    }

    var position: Int { tokens.count }

    func reset() { tokens.removeAll() }

    func append(_ new: [Int32]) throws -> UnsafeBufferPointer<Float> {
        guard !new.isEmpty, tokens.count + new.count <= contextLength else { throw Overflow() }
        appendCalls += 1
        tokens += new
        logits = table(new.last!)
        return logits.withUnsafeBufferPointer { $0 }
    }

    func logProbabilities(of new: [Int32]) throws -> [Double] {
        guard let previous = tokens.last, tokens.count + new.count <= contextLength else { throw Overflow() }
        var last = previous
        var out: [Double] = []
        for t in new {
            let row = table(last).map(Double.init)
            let maximum = row.max()!
            let logSum = maximum + log(row.reduce(0) { $0 + exp($1 - maximum) })
            out.append(row[Int(t)] - logSum)
            last = t
        }
        tokens += new
        return out
    }
}
