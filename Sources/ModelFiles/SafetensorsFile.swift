// Reader for the safetensors format (https://github.com/huggingface/safetensors, format section).
//
// Layout, every field checked before use:
//   1. u64 little-endian N: the length of the JSON header. N must fit in the file after these 8
//      bytes and be at most `maxHeaderBytes` (the limit the reference implementation also applies).
//   2. N bytes of UTF-8 JSON: an object mapping each tensor name to
//      {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]}, plus an optional
//      "__metadata__" object of string to string. Trailing spaces pad the header to 8 bytes.
//   3. The data buffer: the rest of the file. `begin`/`end` are relative to its start; each tensor
//      must satisfy 0 <= begin <= end <= buffer size and end - begin = product(shape) * dtype size,
//      and no two tensors may overlap. Names must be unique.

import LoragBasics
import TensorCore

/// One tensor's entry in a safetensors header, with its byte range resolved against the file.
public struct SafetensorsTensor: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Absolute offset of the first byte in the file.
    public let fileOffset: Int
    public let byteCount: Int
    public var elementCount: Int { byteCount / dtype.byteSize }
}

/// A memory-mapped safetensors file. Tensors keep the order of the header.
public final class SafetensorsFile: @unchecked Sendable {
    // Sendable: immutable after init; the mapping is read-only.

    /// Headers larger than this are refused before being read (100 MB, as the reference library).
    public static let maxHeaderBytes = 100_000_000

    public let file: MappedFile
    public var path: String { file.path }
    public let tensors: [SafetensorsTensor]
    /// The `__metadata__` object (empty when absent).
    public let metadata: [String: String]
    private let index: [String: Int]

    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        self.file = file
        let path = file.path
        func bad(_ problem: String) -> ModelFileError { .malformed(path: path, problem: problem) }

        var cursor = file.cursor()
        let declared = try cursor.read(UInt64.self, "safetensors header length")
        guard declared <= UInt64(SafetensorsFile.maxHeaderBytes) else {
            throw bad("safetensors header length \(declared) exceeds the limit of \(SafetensorsFile.maxHeaderBytes) bytes")
        }
        let headerLength = Int(declared)
        guard headerLength <= cursor.remaining else {
            throw bad("safetensors header length \(headerLength) runs past the end of the file "
                      + "(\(cursor.remaining) bytes after the length field)")
        }
        let headerBytes = try cursor.bytes(headerLength, "safetensors header")
        let dataStart = cursor.offset
        let dataSize = file.size - dataStart

        let json = try SafetensorsFile.parseHeader(headerBytes, path: path)
        guard let entries = json.objectValue else { throw bad("safetensors header is not a JSON object") }

        var tensors: [SafetensorsTensor] = []
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                guard let pairs = value.objectValue else { throw bad("__metadata__ is not an object") }
                for (key, item) in pairs {
                    guard let s = item.stringValue else { throw bad("__metadata__ value for '\(key)' is not a string") }
                    metadata[key] = s
                }
                continue
            }
            tensors.append(try SafetensorsFile.entry(name, value, dataStart: dataStart, dataSize: dataSize, path: path))
        }

        // Overlap check: sorted by start, each tensor must begin at or after the previous one's end.
        let byStart = tensors.sorted { ($0.fileOffset, $0.byteCount) < ($1.fileOffset, $1.byteCount) }
        for (a, b) in zip(byStart, byStart.dropFirst()) where b.fileOffset < a.fileOffset + a.byteCount {
            throw bad("tensor '\(b.name)' starts at data offset \(b.fileOffset - dataStart), inside tensor '\(a.name)' "
                      + "(data offsets \(a.fileOffset - dataStart)..<\(a.fileOffset - dataStart + a.byteCount))")
        }

        self.tensors = tensors
        self.metadata = metadata
        self.index = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    /// The header's JSON. Keys must be unique: a tensor named twice is an error, not "the last one
    /// wins"; nesting is bounded so a hostile header cannot exhaust the stack.
    private static func parseHeader(_ raw: UnsafeRawBufferPointer, path: String) throws -> JSONValue {
        let bytes = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)
        let parsed = Result { () throws(JSONError) -> JSONValue in
            try JSONParser.parse(bytes, maxDepth: 64, rejectingDuplicateKeys: true)
        }
        switch parsed {
        case let .success(value):
            return value
        case let .failure(.duplicateKey(_, name)):
            throw ModelFileError.duplicateName(path: path, name: name)
        case let .failure(.tooDeep(_, limit)):
            throw ModelFileError.malformed(path: path, problem: "safetensors header has nesting deeper than \(limit) levels")
        case let .failure(error):
            throw ModelFileError.malformed(path: path, problem: "safetensors header is not valid JSON: \(error)")
        }
    }

    /// Validates one header entry against the data buffer.
    private static func entry(_ name: String, _ value: JSONValue, dataStart: Int, dataSize: Int,
                              path: String) throws -> SafetensorsTensor {
        func bad(_ problem: String) -> ModelFileError { .malformed(path: path, problem: "tensor '\(name)': \(problem)") }
        guard let fields = value.objectValue else { throw bad("header entry is not an object") }
        func field(_ key: String) throws -> JSONValue {
            guard let v = fields[key] else { throw bad("missing \"\(key)\"") }
            return v
        }
        guard let dtypeName = try field("dtype").stringValue else { throw bad("\"dtype\" is not a string") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw ModelFileError.unsupportedType(path: path, what: "tensor '\(name)'", found: "dtype \"\(dtypeName)\"")
        }
        guard let dims = try field("shape").arrayValue else { throw bad("\"shape\" is not an array") }
        var shape: [Int] = []
        var elements = 1
        for d in dims {
            guard let n = d.intValue, n >= 0 else {
                throw bad("shape \(JSONValue.array(dims).serialized()) holds a value that is not a non-negative integer")
            }
            shape.append(n)
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow else { throw bad("shape \(shape) has too many elements") }
            elements = product
        }
        guard let offsets = try field("data_offsets").arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue else {
            throw bad("\"data_offsets\" is not a pair of integers")
        }
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw bad("data_offsets [\(begin), \(end)] are outside the data buffer of \(dataSize) bytes")
        }
        let (expected, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, end - begin == expected else {
            throw bad("data_offsets [\(begin), \(end)] span \(end - begin) bytes, expected \(expected) "
                      + "for shape \(shape) of \(dtypeName)")
        }
        return SafetensorsTensor(name: name, dtype: dtype, shape: shape, fileOffset: dataStart + begin, byteCount: expected)
    }

    /// The tensor called `name`, or `ModelFileError.notFound`.
    public func tensor(_ name: String) throws -> SafetensorsTensor {
        guard let i = index[name] else { throw ModelFileError.notFound(path: path, name: name) }
        return tensors[i]
    }

    /// The tensor's bytes inside the mapping (valid while this object lives; not necessarily aligned).
    public func rawBytes(_ tensor: SafetensorsTensor) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: file.base + tensor.fileOffset, count: tensor.byteCount)
    }

    /// Converts an F32, F16 or BF16 tensor to Float32 into `dst` (room for `elementCount` values).
    public func floats(_ name: String, into dst: UnsafeMutablePointer<Float>) throws {
        let t = try tensor(name)
        let type: GGMLType
        switch t.dtype {
        case .f32: type = .f32
        case .f16: type = .f16
        case .bf16: type = .bf16
        default: throw ModelFileError.wrongType(path: path, name: name, expected: "F32, F16 or BF16", found: t.dtype.rawValue)
        }
        if t.elementCount > 0 { type.dequantize(file.base + t.fileOffset, count: t.elementCount, into: dst) }
    }

    /// An F32, F16 or BF16 tensor as Float32 values, in row-major order.
    public func floats(_ name: String) throws -> [Float] {
        let count = try tensor(name).elementCount
        var out = [Float](repeating: 0, count: count)
        try out.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { try floats(name, into: base) }
        }
        return out
    }

    /// An I64 tensor's values.
    public func int64s(_ name: String) throws -> [Int64] {
        let t = try tensor(name)
        guard t.dtype == .i64 else { throw ModelFileError.wrongType(path: path, name: name, expected: "I64", found: t.dtype.rawValue) }
        let raw = rawBytes(t)
        return (0..<t.elementCount).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
    }
}
