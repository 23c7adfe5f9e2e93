import Foundation
import Testing
@testable import ModelFiles

@Suite struct NpyArrayTests {
    @Test func roundTripsAndNumpyReadsWhatWeWrite() throws {
        let dir = try TestPaths.scratch()
        let arrays: [(String, NpyArray)] = [
            ("f.npy", NpyArray(floats: [1.5, -2, 0, .infinity, 1e-30, 3], shape: [2, 3])),
            ("i.npy", NpyArray(int32s: [Int32.min, -1, 0, Int32.max], shape: [4])),
            ("l.npy", NpyArray(int64s: [Int64.min, 42], shape: [1, 2, 1])),
            ("e.npy", NpyArray(floats: [], shape: [0, 384])),
            ("s.npy", NpyArray(floats: [7], shape: [])),
        ]
        for (name, array) in arrays {
            let path = dir.appendingPathComponent(name).path
            try array.write(toPath: path)
            #expect(try NpyArray(path: path) == array, "\(name)")
            #expect((NpyArray.header(dtype: array.dtype, shape: array.shape).count) % 64 == 0)
        }
        // numpy itself must read them with the same dtype, shape and values.
        let script = """
        import numpy, sys
        d = sys.argv[1]
        f = numpy.load(d + '/f.npy'); assert f.dtype == numpy.float32 and f.shape == (2, 3), f
        assert f.tolist() == [[1.5, -2.0, 0.0], [float('inf'), float(numpy.float32(1e-30)), 3.0]], f.tolist()
        i = numpy.load(d + '/i.npy'); assert i.dtype == numpy.int32 and i.tolist() == [-2**31, -1, 0, 2**31 - 1]
        l = numpy.load(d + '/l.npy'); assert l.dtype == numpy.int64 and l.shape == (1, 2, 1) and l.ravel().tolist() == [-2**63, 42]
        e = numpy.load(d + '/e.npy'); assert e.shape == (0, 384)
        s = numpy.load(d + '/s.npy'); assert s.shape == () and s == 7
        print('ok')
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, dir.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0 && text.hasSuffix("ok\n"), "python3/numpy: \(text)")
    }

    @Test func readsWhatNumpyWrote() throws {
        // Written by numpy (see MANIFEST.md): float32 [576] and [4, 576].
        let norm = try NpyArray(path: TestPaths.fixture("smollm2_output_norm.npy"))
        #expect(norm.dtype == .float32 && norm.shape == [576] && norm.floats?.count == 576)
        let rows = try NpyArray(path: TestPaths.fixture("smollm2_token_embd_rows0-3.npy"))
        #expect(rows.shape == [4, 576] && rows.int32s == nil)
    }

    // MARK: bad files

    static func file(_ header: String, data: Int = 24, major: UInt8 = 1, declared: Int? = nil) -> [UInt8] {
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
        if major == 1 { bytes.append(le: UInt16(declared ?? header.utf8.count)) } else { bytes.append(le: UInt32(declared ?? header.utf8.count)) }
        return bytes + Array(header.utf8) + [UInt8](repeating: 0, count: data)
    }

    static let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n"

    static func failure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let path = try writeScratch(bytes, name: "bad.npy")
        let error = expectModelFileError({ _ = try NpyArray(path: path) }, sourceLocation: sourceLocation)
        let message = error.map(String.init(describing:)) ?? ""
        #expect(message.hasPrefix(path + ": "), "\(message)", sourceLocation: sourceLocation)
        return message
    }

    @Test func goodBaseline() throws {
        let path = try writeScratch(Self.file(Self.good), name: "good.npy")
        #expect(try NpyArray(path: path).floats == [0, 0, 0, 0, 0, 0])
        let v2 = try writeScratch(Self.file(Self.good, major: 2), name: "v2.npy")
        #expect(try NpyArray(path: v2).shape == [2, 3])
    }

    @Test func rejectsTruncatedFiles() throws {
        let full = Self.file(Self.good)
        for length in 0..<full.count {
            #expect(!(try Self.failure(Array(full.prefix(length)))).isEmpty, "length \(length)")
        }
        #expect(try Self.failure(Array(full.dropLast())).contains("npy data for shape [2, 3] of <f4 needs 24 bytes"))
    }

    @Test func rejectsHeaderLengthPastEndAndHugeShapes() throws {
        #expect(try Self.failure(Self.file(Self.good, declared: 60000)).contains("header length 60000 runs past the end"))
        #expect(try Self.failure(Self.file(Self.good, major: 2, declared: 1 << 31)).contains("runs past the end"))
        let huge = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 1), }\n"
        #expect(try Self.failure(Self.file(huge)).contains("truncated"))
        let overflow = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }\n"
        #expect(try Self.failure(Self.file(overflow)).contains("is not a valid size"))
        let big = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }\n"
        #expect(try Self.failure(Self.file(big)).contains("needs 4398046511104 bytes"))
    }

    @Test func rejectsUnsupportedAndMalformedHeaders() throws {
        #expect(try Self.failure(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }")).contains("unsupported type descr '<f8'"))
        #expect(try Self.failure(Self.file("{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }")).contains("descr '>f4'"))
        #expect(try Self.failure(Self.file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }")).contains("Fortran order"))
        #expect(try Self.failure(Self.file("{'descr': '<f4', 'descr': '<i4', 'fortran_order': False, 'shape': (3,), }")).contains("duplicate key 'descr'"))
        #expect(try Self.failure(Self.file("{'descr': '<f4', 'shape': (3,), }")).contains("no 'fortran_order'"))
        #expect(try Self.failure(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }")).contains("malformed"))
        #expect(try Self.failure(Self.file("not a dict")).contains("malformed"))
        var bytes = Self.file(Self.good)
        bytes[1] = UInt8(ascii: "X")
        #expect(try Self.failure(bytes).contains("not a .npy file"))
        bytes = Self.file(Self.good)
        bytes[6] = 9
        #expect(try Self.failure(bytes).contains(".npy version 9.0 is not supported"))
    }
}
