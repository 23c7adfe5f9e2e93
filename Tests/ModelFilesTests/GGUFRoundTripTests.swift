// Tiny GGUF files written by the tests: every metadata value type, every block type.

import Foundation
import Testing
import TensorCore
@testable import ModelFiles

@Suite struct GGUFRoundTripTests {
    static let everyValue: [(String, GGUFValue)] = [
        ("u8", .uint8(250)), ("i8", .int8(-7)), ("u16", .uint16(65000)), ("i16", .int16(-30000)),
        ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)),
        ("u64", .uint64(UInt64.max)), ("i64", .int64(Int64.min)),
        ("f32", .float32(1e-5)), ("f64", .float64(-2.5e300)), ("yes", .bool(true)), ("no", .bool(false)),
        ("s", .string("héllo ✓ \u{0}")), ("empty", .string("")),
        ("strings", .array(.string, [.string("a"), .string("ĠĠ"), .string("")])),
        ("ints", .array(.int32, [.int32(1), .int32(-2)])),
        ("floats", .array(.float32, [.float32(0.5), .float32(-0.25)])),
        ("none", .array(.uint8, [])),
        ("nested", .array(.array, [.array(.uint16, [.uint16(1), .uint16(2)]), .array(.uint16, []),
                                   .array(.array, [.array(.string, [.string("deep")])])])),
    ]

    @Test func metadataOfEveryTypeRoundTrips() throws {
        var writer = GGUFWriter()
        for (key, value) in Self.everyValue { try writer.set(key, value) }
        #expect(throws: ModelFileError.self) { try writer.set("u8", .uint8(1)) }
        let path = try TestPaths.scratch().appendingPathComponent("meta.gguf").path
        try writer.write(toPath: path)
        let gguf = try GGUFFile(path: path)
        #expect(gguf.version == 3)
        #expect(gguf.tensors.isEmpty)
        #expect(gguf.metadata.map(\.key) == Self.everyValue.map(\.0))
        for ((_, got), (key, want)) in zip(gguf.metadata, Self.everyValue) { #expect(got == want, "\(key)") }
        #expect(gguf.int("u64") == nil)            // does not fit in Int
        #expect(gguf.int("i32") == -2_000_000_000)
        #expect(gguf.double("f32") == Double(Float(1e-5)))
        #expect(gguf.strings("strings") == ["a", "ĠĠ", ""])
        #expect(gguf.ints("ints") == [1, -2])
        #expect(gguf.floats("floats") == [0.5, -0.25])
        #expect(gguf.strings("ints") == nil)
        #expect(gguf.bool("no") == false)
    }

    /// A value pattern with structure at every scale, so errors in any nibble or scale show.
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { i in
            let x = Float((i * 7919 + seed * 104_729) % 1000) / 1000 - 0.5
            return x * (1 + Float(i % 64) / 16) + Float((i / 32) % 3) * 0.1
        }
    }

    /// How close each reference quantiser must get, relative to the block's value range: half a
    /// quantisation step of the format, plus slack for half-precision scales (and for the K-quants'
    /// 6-bit sub-block scales, which round each step by up to 1/126 of the largest one).
    static func tolerance(_ type: GGMLType) -> Float {
        switch type {
        case .f32: return 0
        case .f16: return 1e-3
        case .bf16: return 8e-3
        case .q8_0: return 0.5 / 127 * 2 + 1e-3
        case .q4_0: return 0.5 / 7 + 1e-3        // 8 negative steps, 7 positive
        case .q4_1: return 0.5 / 15 + 1e-3
        case .q5_0: return 0.5 / 15 + 1e-3
        case .q5_1: return 0.5 / 31 + 1e-3
        case .q4_K: return 0.5 / 15 + 0.05
        case .q5_K: return 0.5 / 31 + 0.05
        case .q6_K: return 0.5 / 31 + 0.02
        }
    }

    /// Every type: quantise known values, write them into a GGUF with a second tensor after them
    /// (so alignment padding is exercised), read back, and check the bytes survive, rows decode the
    /// same one at a time as in bulk, and values are within the format's precision.
    @Test(arguments: GGMLType.allCases)
    func everyBlockTypeRoundTrips(_ type: GGMLType) throws {
        let ne = [2 * 256, 3]
        let values = Self.values(ne[0] * ne[1], seed: Int(type.rawValue))
        var writer = GGUFWriter(alignment: 64)
        try writer.set("general.architecture", .string("test"))
        try writer.add(name: "w", floats: values, ne: ne, type: type)
        try writer.add(name: "bias", floats: [1, 2, 3], ne: [3])
        let path = try TestPaths.scratch().appendingPathComponent("\(type).gguf").path
        try writer.write(toPath: path)

        let gguf = try GGUFFile(path: path)
        #expect(gguf.alignment == 64)
        let w = try gguf.tensor("w")
        #expect(w.type == type && w.ne == ne && w.rowCount == 3 && w.rowLength == 512)
        #expect(w.rowStride == 512 / type.blockSize * type.typeSize)
        #expect(Array(UnsafeRawBufferPointer(start: gguf.pointer(w), count: w.byteCount)) == type.quantize(values))
        let decoded = gguf.dequantize(w)
        var middle = [Float](repeating: 0, count: 512)
        middle.withUnsafeMutableBufferPointer { gguf.dequantize(w, rows: 1..<2, into: $0.baseAddress!) }
        #expect(middle == Array(decoded[512..<1024]))
        #expect(gguf.dequantize(try gguf.tensor("bias")) == [1, 2, 3])
        #expect(try gguf.tensor("bias").relativeOffset % 64 == 0)

        let range = (values.max()! - values.min()!)
        let worst = zip(values, decoded).map { abs($0 - $1) }.max()!
        #expect(worst <= Self.tolerance(type) * range, "\(type): max error \(worst) over range \(range)")
    }

    /// Independent decoding check: random blocks whose expected values come from the `gguf` Python
    /// package's dequantiser (fixtures), stored in a GGUF by the writer and decoded by the reader.
    @Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K])
    func randomBlocksMatchGGUFPy(_ type: GGMLType) throws {
        let blocks = Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("blocks_\(type).bin"))))
        let want = try #require(try NpyArray(path: TestPaths.fixture("blocks_\(type)_dequant.npy")).floats)
        #expect(blocks.count == 2 * type.typeSize && want.count == 2 * type.blockSize)
        var writer = GGUFWriter()
        try writer.add(name: "blocks", type: type, ne: [type.blockSize, 2], bytes: blocks)
        let path = try TestPaths.scratch().appendingPathComponent("blocks.gguf").path
        try writer.write(toPath: path)
        let gguf = try GGUFFile(path: path)
        let got = gguf.dequantize(try gguf.tensor("blocks"))
        #expect(got == want, "\(type): first difference at \(zip(got, want).enumerated().first { $1.0 != $1.1 }.map { "\($0): \($1)" } ?? "-")")
    }

    @Test func writesToAnOpenHandle() throws {
        var writer = GGUFWriter()
        try writer.set("k", .string("v"))
        try writer.add(name: "t", floats: [1, 2, 3, 4], ne: [2, 2], type: .f16)
        let path = try TestPaths.scratch().appendingPathComponent("h.gguf").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try writer.write(to: handle, path: path)
        try handle.close()
        let gguf = try GGUFFile(path: path)
        #expect(gguf.string("k") == "v")
        #expect(gguf.dequantize(try gguf.tensor("t")) == [1, 2, 3, 4])
    }
}
