import Foundation
import Testing

/// The tokenizer arrays of a GGUF file, for the golden BPE test. A stopgap that reads only the
/// metadata key-value section (GGUF v2/v3: magic, version, tensor count, kv count, then key,
/// type, value triples; see ggml's docs/gguf.md) until ModelFiles' GGUF reader lands, when this
/// helper switches to it.
struct GGUFVocabulary {
    var tokens: [String] = []
    var merges: [String] = []
    var tokenTypes: [Int32] = []
    var bosID: Int?
    var eosID: Int?
    var pre = ""
    var chatTemplate = ""

    init(_ url: URL) throws {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        var reader = Reader(data: data)
        try #require(reader.bytes(4) == Array("GGUF".utf8), "\(url.path) is not a GGUF file")
        let version = try reader.u32()
        try #require(version == 2 || version == 3, "GGUF version \(version)")
        _ = try reader.u64()
        let kvCount = try reader.u64()
        for _ in 0..<kvCount {
            let key = try reader.string()
            let type = try reader.u32()
            switch key {
            case "tokenizer.ggml.tokens": tokens = try reader.array { try $0.string() }
            case "tokenizer.ggml.merges": merges = try reader.array { try $0.string() }
            case "tokenizer.ggml.token_type": tokenTypes = try reader.array { Int32(bitPattern: try $0.u32()) }
            case "tokenizer.ggml.bos_token_id": bosID = Int(try reader.u32())
            case "tokenizer.ggml.eos_token_id": eosID = Int(try reader.u32())
            case "tokenizer.ggml.pre": pre = try reader.string()
            case "tokenizer.chat_template": chatTemplate = try reader.string()
            default: try reader.skip(type)
            }
        }
    }

    private struct Reader {
        let data: Data
        var offset = 0

        mutating func bytes(_ n: Int) throws -> [UInt8] {
            try #require(n >= 0 && offset + n <= data.count, "GGUF metadata runs past the end of the file")
            defer { offset += n }
            return Array(data[(data.startIndex + offset)..<(data.startIndex + offset + n)])
        }

        mutating func u32() throws -> UInt32 {
            try bytes(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func u64() throws -> UInt64 {
            try bytes(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }

        mutating func string() throws -> String {
            String(decoding: try bytes(Int(try u64())), as: UTF8.self)
        }

        /// An array value whose type tag has been read: element type, count, elements.
        mutating func array<T>(_ element: (inout Reader) throws -> T) throws -> [T] {
            _ = try u32()
            let count = Int(try u64())
            var out: [T] = []
            out.reserveCapacity(count)
            for _ in 0..<count { out.append(try element(&self)) }
            return out
        }

        /// Skips a value of GGUF type `type`.
        mutating func skip(_ type: UInt32) throws {
            let sizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
            if let size = sizes[type] {
                _ = try bytes(size)
            } else if type == 8 {
                _ = try string()
            } else if type == 9 {
                let elementType = try u32()
                let count = try u64()
                for _ in 0..<count { try skip(elementType) }
            } else {
                Issue.record("unknown GGUF value type \(type)")
                throw CancellationError()
            }
        }
    }
}
