// Corrupt GGUF files: each must give an error naming the file and the problem, never a crash,
// a hang or an allocation sized by the corrupt field.

import Foundation
import Testing
import TensorCore
@testable import ModelFiles

@Suite struct GGUFBadFileTests {
    /// A valid file: two metadata keys (the first a string) and tensors "alpha" (F32 [4, 2]) and "beta"
    /// (Q8_0 [32]).
    static func good() throws -> [UInt8] {
        var writer = GGUFWriter()
        try writer.set("general.name", .string("tiny"))
        try writer.set("list", .array(.int32, [.int32(1), .int32(2)]))
        try writer.add(name: "alpha", floats: [1, 2, 3, 4, 5, 6, 7, 8], ne: [4, 2])
        try writer.add(name: "beta", floats: [Float](repeating: 0.5, count: 32), ne: [32], type: .q8_0)
        let path = try TestPaths.scratch().appendingPathComponent("good.gguf").path
        try writer.write(toPath: path)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Offset of the tensor info of `name` (its name bytes), found in the encoded file.
    static func infoOffset(_ bytes: [UInt8], _ name: String) -> Int {
        let needle = Array(name.utf8)
        let start = (0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle }!
        return start + needle.count   // just after the name: n_dims
    }

    /// Reads `bytes` as GGUF; returns the error message, which must start with the path.
    static func failure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = try writeScratch(bytes, name: "bad.gguf")
        let error = expectModelFileError({ _ = try GGUFFile(path: path) }, sourceLocation: sourceLocation)
        let message = error.map(String.init(describing:)) ?? ""
        #expect(message.hasPrefix(path + ": "), "\(message)", sourceLocation: sourceLocation)
        return message
    }

    @Test func goodBaseline() throws {
        let path = try writeScratch(try Self.good(), name: "good.gguf")
        let gguf = try GGUFFile(path: path)
        #expect(gguf.dequantize(try gguf.tensor("alpha")) == [1, 2, 3, 4, 5, 6, 7, 8])
        // Q8_0 stores 0.5 as 127 * d with d rounded to half precision.
        #expect(gguf.dequantize(try gguf.tensor("beta")).allSatisfy { abs($0 - 0.5) < 1e-3 })
    }

    /// Every prefix of a valid file that cuts into its header or tensor data is rejected with an
    /// error. (The writer zero-pads the last tensor to the alignment; that padding is not needed.)
    @Test func everyTruncationIsAnError() throws {
        let bytes = try Self.good()
        let dir = try TestPaths.scratch()
        let beta = try GGUFFile(path: try writeScratch(bytes, name: "good.gguf")).tensor("beta")
        #expect(beta.fileOffset + beta.byteCount == bytes.count - 30)
        for length in 0..<beta.fileOffset + beta.byteCount {
            let path = dir.appendingPathComponent("cut\(length).gguf").path
            try Data(bytes.prefix(length)).write(to: URL(fileURLWithPath: path))
            let error = expectModelFileError { _ = try GGUFFile(path: path) }
            #expect(error.map(String.init(describing:))?.hasPrefix(path + ": ") == true, "length \(length)")
        }
        #expect(try Self.failure(Array(bytes.prefix(bytes.count - 31))).contains("data of tensor 'beta'"))
    }

    @Test func rejectsHugeCounts() throws {
        var bytes = try Self.good()
        bytes.patch(at: 8, le: UInt64(1) << 62)
        #expect(try Self.failure(bytes).contains("tensor count 4611686018427387904 cannot fit"))
        bytes = try Self.good()
        bytes.patch(at: 16, le: UInt64(1) << 62)
        #expect(try Self.failure(bytes).contains("metadata count 4611686018427387904 cannot fit"))
        bytes = try Self.good()
        bytes.patch(at: 24, le: UInt64(1) << 40)   // length of the first key
        #expect(try Self.failure(bytes).contains("needs 1099511627776 bytes"))
        bytes = try Self.good()
        bytes.patch(at: 24 + 8 + 12 + 4, le: UInt64(1) << 40)   // length of the string value "tiny"
        #expect(try Self.failure(bytes).contains("value of metadata key 'general.name' (1099511627776 bytes) needs"))
        bytes = try Self.good()
        bytes.patch(at: 24 + 8 + 12 + 4 + 8 + 4 + 8 + 4 + 4 + 4, le: UInt64(1) << 62)   // count of "list"
        #expect(try Self.failure(bytes).contains("'list' declares 4611686018427387904 elements"))
        bytes = try Self.good()
        bytes.patch(at: 24, le: UInt64.max)
        #expect(try Self.failure(bytes).contains("truncated"))
    }

    @Test func rejectsBadOffsetsAndSizes() throws {
        let good = try Self.good()
        let beta = Self.infoOffset(good, "beta")   // n_dims(4) ne0(8) type(4) offset(8)
        var bytes = good
        bytes.patch(at: beta + 16, le: UInt64(1) << 40)
        #expect(try Self.failure(bytes).contains("tensor 'beta' has offset 1099511627776, expected 32"))
        bytes = good
        bytes.patch(at: beta + 16, le: UInt64(96))
        #expect(try Self.failure(bytes).contains("tensor 'beta' has offset 96, expected 32"))
        bytes = good
        bytes.patch(at: beta + 4, le: UInt64(1) << 40)   // ne0: size past the end of the file
        #expect(try Self.failure(bytes).contains("data of tensor 'beta'"))
        bytes = good
        bytes.patch(at: beta + 4, le: UInt64.max)        // ne0 = -1
        #expect(try Self.failure(bytes).contains("ne[0] = -1"))
        bytes = good
        bytes.patch(at: beta + 4, le: UInt64(33))        // not a whole number of Q8_0 blocks
        #expect(try Self.failure(bytes).contains("rows of 33 values, expected a multiple of the Q8_0 block size 32"))
        let alpha = Self.infoOffset(good, "alpha")
        bytes = good
        bytes.patch(at: alpha + 4, le: UInt64(1) << 62)  // ne0 * ne1 overflows
        #expect(try Self.failure(bytes).contains("more elements than an Int can count"))
        bytes = good
        bytes.patch(at: alpha, le: UInt32(5))
        #expect(try Self.failure(bytes).contains("tensor 'alpha' has 5 dimensions, expected 1 to 4"))
    }

    @Test func rejectsUnknownTypes() throws {
        let good = try Self.good()
        var bytes = good
        bytes.patch(at: Self.infoOffset(good, "beta") + 12, le: UInt32(10))
        #expect(try Self.failure(bytes).contains("tensor 'beta' has unsupported type Q2_K (id 10)"))
        bytes = good
        bytes.patch(at: Self.infoOffset(good, "beta") + 12, le: UInt32(999))
        #expect(try Self.failure(bytes).contains("type 999"))
        bytes = good
        bytes.patch(at: 24 + 8 + 12, le: UInt32(13))     // value type of general.name
        #expect(try Self.failure(bytes).contains("metadata key 'general.name' has unsupported type value type 13"))
        bytes = good
        bytes.patch(at: 24 + 8 + 12 + 4 + 8 + 4 + 8 + 4 + 4, le: UInt32(77))   // element type of "list"
        #expect(try Self.failure(bytes).contains("elements of metadata key 'list' has unsupported type value type 77"))
    }

    @Test func rejectsDuplicateNames() throws {
        var writer = GGUFWriter()
        try writer.add(name: "aa", floats: [1], ne: [1])
        try writer.add(name: "ab", floats: [2], ne: [1])
        var bytes = writer.encodedHeader() + [UInt8](repeating: 0, count: 64)
        bytes[Self.infoOffset(bytes, "ab") - 1] = UInt8(ascii: "a")
        #expect(try Self.failure(bytes).contains("duplicate name 'aa'"))

        writer = GGUFWriter()
        try writer.set("k1", .bool(true))
        try writer.set("k2", .bool(false))
        bytes = writer.encodedHeader()
        bytes[Self.infoOffset(bytes, "k2") - 1] = UInt8(ascii: "1")
        #expect(try Self.failure(bytes).contains("duplicate name 'k1'"))
    }

    @Test func rejectsBadHeaders() throws {
        let good = try Self.good()
        var bytes = good
        bytes[0] = UInt8(ascii: "X")
        #expect(try Self.failure(bytes).contains("not a GGUF file (starts with 58 47 55 46)"))
        bytes = good
        bytes.patch(at: 4, le: UInt32(1))
        #expect(try Self.failure(bytes).contains("GGUF version 1 is not supported (supported: 2, 3)"))
        bytes = good
        bytes.patch(at: 4, le: UInt32(3).byteSwapped)
        #expect(try Self.failure(bytes).contains("big-endian"))
        bytes = good
        bytes.patch(at: 4, le: UInt32(2))
        let v2 = try GGUFFile(path: try writeScratch(bytes, name: "v2.gguf"))
        #expect(v2.version == 2 && v2.tensors.count == 2)
        // A bool byte that is neither 0 nor 1, invalid UTF-8, a bad alignment, deep nesting.
        var writer = GGUFWriter()
        try writer.set("flag", .bool(true))
        bytes = writer.encodedHeader()
        bytes[24 + 8 + 4 + 4] = 7
        #expect(try Self.failure(bytes).contains("bool byte 7"))
        writer = GGUFWriter()
        try writer.set("text", .string("ok"))
        bytes = writer.encodedHeader()
        bytes[24 + 8 + 4 + 4 + 8] = 0xFF
        #expect(try Self.failure(bytes).contains("not valid UTF-8"))
        writer = GGUFWriter()
        try writer.set("general.alignment", .uint32(48))
        #expect(try Self.failure(writer.encodedHeader()).contains("general.alignment must be a power of two"))
        var nested = GGUFValue.array(.int8, [])
        for _ in 0..<20 { nested = .array(.array, [nested]) }
        writer = GGUFWriter()
        try writer.set("deep", nested)
        #expect(try Self.failure(writer.encodedHeader()).contains("nests arrays deeper than 8"))
    }
}
