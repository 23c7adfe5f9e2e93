// GGML tensor element types as GGUF stores them: the numeric ids, block sizes and bytes per block.
//
// Ids and sizes are the published facts of ggml's `ggml_type` enum (ggml/include/ggml.h and the GGUF
// spec in ggml's docs/gguf.md). Only the types lorag reads or writes are cases here; other ids are
// named by `GGMLType.name(forID:)` so an error can say "Q2_K is not supported" rather than "type 10".

/// A GGML element type: either plain scalars (block size 1) or a quantised block format.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case bf16 = 30

    /// Elements per block (the unit in which rows are stored); every row length must be a multiple.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: return 32
        case .q4_K, .q5_K, .q6_K: return 256
        }
    }

    /// Bytes per block. Layouts (all little-endian, `half` = IEEE binary16):
    ///   Q4_0 { half d; u8 qs[16] }                         Q4_1 { half d, m; u8 qs[16] }
    ///   Q5_0 { half d; u8 qh[4]; u8 qs[16] }               Q5_1 { half d, m; u8 qh[4]; u8 qs[16] }
    ///   Q8_0 { half d; i8 qs[32] }
    ///   Q4_K { half d, dmin; u8 scales[12]; u8 qs[128] }
    ///   Q5_K { half d, dmin; u8 scales[12]; u8 qh[32]; u8 qs[128] }
    ///   Q6_K { u8 ql[128]; u8 qh[64]; i8 scales[16]; half d }
    public var typeSize: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .q4_0: return 18
        case .q4_1: return 20
        case .q5_0: return 22
        case .q5_1: return 24
        case .q8_0: return 34
        case .q4_K: return 144
        case .q5_K: return 176
        case .q6_K: return 210
        }
    }

    /// The name ggml and llama.cpp print ("Q4_K", "BF16").
    public var description: String { GGMLType.name(forID: rawValue) }

    /// Bytes taken by `elements` values of this type, or nil when `elements` is not a whole number
    /// of blocks or the size would overflow.
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0, elements % blockSize == 0 else { return nil }
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: typeSize)
        return overflow ? nil : bytes
    }

    /// The ggml name of any type id, including those lorag does not decode.
    public static func name(forID id: UInt32) -> String {
        let names: [UInt32: String] = [
            0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1",
            10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS",
            17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S",
            23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M",
            30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
        ]
        return names[id] ?? "type \(id)"
    }
}
