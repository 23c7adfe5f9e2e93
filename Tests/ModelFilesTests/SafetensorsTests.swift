import Foundation
import Testing
@testable import ModelFiles

@Suite struct SafetensorsTests {
    /// all-MiniLM-L6-v2: every tensor's name, dtype and shape, in header order, and four values of
    /// each, against minilm_tensors.json (cut from the file with numpy; see MANIFEST.md).
    @Test func readsMiniLM() throws {
        guard let path = TestPaths.model("all-MiniLM-L6-v2/model.safetensors") else { return }
        let file = try SafetensorsFile(path: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("minilm_tensors.json")))
        let expected = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["tensors"] as? [[String: Any]])
        #expect(file.tensors.count == expected.count)
        #expect(file.metadata == ["format": "pt"])
        for (tensor, want) in zip(file.tensors, expected) {
            #expect(tensor.name == want["name"] as? String)
            #expect(tensor.dtype.rawValue == want["dtype"] as? String)
            #expect(tensor.shape == want["shape"] as? [Int])
            let samples = try #require(want["samples"] as? [[NSNumber]])
            if tensor.dtype == .i64 {
                let values = try file.int64s(tensor.name)
                for s in samples { #expect(values[s[0].intValue] == s[1].int64Value, "\(tensor.name)[\(s[0])]") }
            } else {
                let values = try file.floats(tensor.name)
                #expect(values.count == tensor.shape.reduce(1, *))
                // Exact: the fixture holds the float32 values printed as doubles.
                for s in samples { #expect(values[s[0].intValue] == Float(s[1].doubleValue), "\(tensor.name)[\(s[0])]") }
            }
        }
    }

    @Test func writeThenReadRoundTrips() throws {
        let dir = try TestPaths.scratch()
        let path = dir.appendingPathComponent("t.safetensors").path
        let values: [Float] = [1.5, -2.25, 0, 3.0e-3, 65504, -1.0e-8]
        var writer = SafetensorsWriter(metadata: ["format": "pt", "note": "quote \" and \\ and\nnewline"])
        try writer.add(name: "a.f32", floats: values, shape: [2, 3])
        try writer.add(name: "b.f16", floats: values, shape: [6], as: .f16)
        try writer.add(name: "c.bf16", floats: values, shape: [3, 2], as: .bf16)
        try writer.add(name: "d.i64", int64s: [-1, 0, Int64.max], shape: [3])
        try writer.add(name: "e.u8", dtype: .u8, shape: [2, 2], bytes: [0, 1, 128, 255])
        try writer.add(name: "f.empty", floats: [], shape: [0, 4])
        try writer.write(toPath: path)

        let file = try SafetensorsFile(path: path)
        #expect(file.tensors.map(\.name) == ["a.f32", "b.f16", "c.bf16", "d.i64", "e.u8", "f.empty"])
        #expect(file.metadata == writer.metadata)
        #expect(try file.floats("a.f32") == values)
        #expect(try file.tensor("a.f32").shape == [2, 3])
        #expect(try file.floats("b.f16") == values.map { Float(Float16($0)) })
        // bfloat16 keeps 8 significant bits: 1.5, -2.25, 0 are exact; the rest within 2^-8 relative.
        let bf = try file.floats("c.bf16")
        for (x, y) in zip(values, bf) { #expect(abs(x - y) <= abs(x) / 256) }
        #expect(Array(bf.prefix(3)) == [1.5, -2.25, 0])
        #expect(try file.int64s("d.i64") == [-1, 0, Int64.max])
        #expect(Array(file.rawBytes(try file.tensor("e.u8"))) == [0, 1, 128, 255])
        #expect(try file.floats("f.empty") == [])
        // Data starts 8-aligned: the header is padded.
        var cursor = try MappedFile(path: path).cursor()
        let headerLength = try cursor.read(UInt64.self, "length")
        #expect(headerLength % 8 == 0)
        // Asking for a missing tensor or the wrong conversion is an error, not a crash.
        #expect(throws: ModelFileError.notFound(path: path, name: "zzz")) { try file.floats("zzz") }
        #expect(throws: ModelFileError.self) { try file.floats("d.i64") }
    }

    @Test func writerRejectsDuplicateNames() throws {
        var writer = SafetensorsWriter()
        try writer.add(name: "x", floats: [1], shape: [1])
        #expect(throws: ModelFileError.self) { try writer.add(name: "x", floats: [2], shape: [1]) }
    }

    // MARK: bad files

    /// A file with the given header text and `dataBytes` zero bytes of data.
    static func file(header: String, dataBytes: Int = 16, declaredLength: UInt64? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append(le: declaredLength ?? UInt64(header.utf8.count))
        bytes += Array(header.utf8)
        bytes += [UInt8](repeating: 0, count: dataBytes)
        return bytes
    }

    static let good = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#

    /// Reads `bytes` as a safetensors file and returns the error message, which must name the file.
    static func failure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = try writeScratch(bytes, name: "bad.safetensors")
        let error = expectModelFileError({ _ = try SafetensorsFile(path: path) }, sourceLocation: sourceLocation)
        let message = error.map(String.init(describing:)) ?? ""
        #expect(message.hasPrefix(path + ": "), "\(message)", sourceLocation: sourceLocation)
        return message
    }

    @Test func goodBaseline() throws {
        let path = try writeScratch(Self.file(header: Self.good), name: "good.safetensors")
        #expect(try SafetensorsFile(path: path).floats("w") == [0, 0, 0, 0])
    }

    @Test func rejectsTruncatedFiles() throws {
        #expect(try Self.failure([]).contains("safetensors header length needs 8 bytes at offset 0"))
        #expect(try Self.failure([1, 2, 3]).contains("truncated"))
        let full = Self.file(header: Self.good)
        #expect(try Self.failure(Array(full.dropLast(1))).contains("outside the data buffer of 15 bytes"))
        #expect(try Self.failure(Array(full.prefix(20))).contains("header length \(Self.good.utf8.count) runs past the end"))
    }

    @Test func rejectsHeaderLengthPastEnd() throws {
        #expect(try Self.failure(Self.file(header: Self.good, declaredLength: 1000)).contains("runs past the end"))
        #expect(try Self.failure(Self.file(header: Self.good, declaredLength: 1 << 40)).contains("exceeds the limit"))
        #expect(try Self.failure(Self.file(header: Self.good, declaredLength: UInt64.max)).contains("exceeds the limit"))
    }

    @Test func rejectsOffsetsAndSizesOutsideTheData() throws {
        let pastEnd = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}"#
        #expect(try Self.failure(Self.file(header: pastEnd)).contains("data_offsets [8, 24] are outside the data buffer of 16 bytes"))
        let wrongSize = #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}}"#
        #expect(try Self.failure(Self.file(header: wrongSize)).contains("span 16 bytes, expected 24"))
        let huge = #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#
        #expect(try Self.failure(Self.file(header: huge)).contains("too many elements"))
        let hugeOffset = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[1099511627776,1099511627792]}}"#
        #expect(try Self.failure(Self.file(header: hugeOffset)).contains("outside the data buffer"))
        let negative = #"{"w":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}}"#
        #expect(try Self.failure(Self.file(header: negative)).contains("non-negative"))
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        #expect(try Self.failure(Self.file(header: overlap)).contains("inside tensor 'a'"))
    }

    @Test func rejectsUnknownDtypeAndDuplicates() throws {
        let unknown = #"{"w":{"dtype":"F8_E4M3X","shape":[16],"data_offsets":[0,16]}}"#
        #expect(try Self.failure(Self.file(header: unknown)).contains("tensor 'w' has unsupported type dtype \"F8_E4M3X\""))
        let duplicate = #"{"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"w":{"dtype":"U8","shape":[8],"data_offsets":[8,16]}}"#
        #expect(try Self.failure(Self.file(header: duplicate)).contains("duplicate name 'w'"))
    }

    @Test func rejectsBadJSON() throws {
        #expect(try Self.failure(Self.file(header: "{\"w\": ")).contains("not valid JSON"))
        #expect(try Self.failure(Self.file(header: "[1,2]")).contains("not a JSON object"))
        #expect(try Self.failure(Self.file(header: String(repeating: "[", count: 100_000))).contains("nesting deeper"))
        #expect(try Self.failure(Self.file(header: #"{"__metadata__":{"k":1}}"#)).contains("not a string"))
        #expect(try Self.failure(Self.file(header: #"{"w":{"dtype":"F32","shape":[4]}}"#)).contains("missing \"data_offsets\""))
    }

    @Test func rejectsDirectoriesAndMissingFiles() throws {
        let dir = try TestPaths.scratch().path
        #expect(expectModelFileError({ _ = try SafetensorsFile(path: dir) }) == .cannotOpen(path: dir, reason: "not a regular file"))
        let missing = dir + "/nope.safetensors"
        let error = expectModelFileError { _ = try SafetensorsFile(path: missing) }
        #expect(error.map(String.init(describing:))?.hasPrefix(missing + ": cannot open") == true)
    }
}
