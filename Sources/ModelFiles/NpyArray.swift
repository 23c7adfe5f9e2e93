// NumPy .npy files (format spec: numpy.lib.format), float32 / int32 / int64 in C order.
//
// Layout, every field checked before use:
//   1. magic "\x93NUMPY" (6 bytes), then u8 major and u8 minor version.
//   2. header length: u16 little-endian for version 1.0, u32 for 2.0 and 3.0; it must fit in the file.
//   3. the header: an ASCII (3.0: UTF-8) Python dict literal
//      {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
//      padded with spaces and ended by '\n' so the data starts at a multiple of 64.
//   4. the data: product(shape) * item size bytes, which must be present (trailing bytes ignored,
//      as numpy does).

import Foundation

/// A whole .npy array held in memory, little-endian.
public struct NpyArray: Equatable, Sendable {
    /// The element types lorag reads and writes, by their numpy `descr`.
    public enum DType: String, Sendable, CaseIterable {
        case float32 = "<f4", int32 = "<i4", int64 = "<i8"

        public var byteSize: Int { self == .int64 ? 8 : 4 }
    }

    public let dtype: DType
    public let shape: [Int]
    /// The elements' little-endian bytes in C (row-major) order.
    public let data: [UInt8]

    public var elementCount: Int { shape.reduce(1, *) }

    public init(floats: [Float], shape: [Int]) {
        self.init(dtype: .float32, shape: shape, values: floats.map(\.bitPattern))
    }

    public init(int32s: [Int32], shape: [Int]) {
        self.init(dtype: .int32, shape: shape, values: int32s)
    }

    public init(int64s: [Int64], shape: [Int]) {
        self.init(dtype: .int64, shape: shape, values: int64s)
    }

    private init<T: FixedWidthInteger>(dtype: DType, shape: [Int], values: [T]) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
                     "npy: \(values.count) values do not fill shape \(shape)")
        var data: [UInt8] = []
        data.reserveCapacity(values.count * MemoryLayout<T>.size)
        for v in values { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// Float32 values, or nil for an integer array.
    public var floats: [Float]? {
        dtype == .float32 ? values(UInt32.self).map(Float.init(bitPattern:)) : nil
    }

    public var int32s: [Int32]? { dtype == .int32 ? values(Int32.self) : nil }
    public var int64s: [Int64]? { dtype == .int64 ? values(Int64.self) : nil }

    private func values<T: FixedWidthInteger>(_: T.Type) -> [T] {
        data.withUnsafeBytes { raw in
            (0..<elementCount).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
    }

    // MARK: Reading

    public init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        let path = file.path
        func bad(_ problem: String) -> ModelFileError { .malformed(path: path, problem: problem) }
        var cursor = file.cursor()
        let magic = try cursor.bytes(6, "npy magic")
        guard Array(magic) == [0x93] + Array("NUMPY".utf8) else {
            throw ModelFileError.badMagic(path: path, format: ".npy", found: magic.map { String($0, radix: 16) }.joined(separator: " "))
        }
        let major = try cursor.read(UInt8.self, "npy major version")
        let minor = try cursor.read(UInt8.self, "npy minor version")
        let headerLength: Int
        switch major {
        case 1: headerLength = Int(try cursor.read(UInt16.self, "npy header length"))
        case 2, 3: headerLength = Int(try cursor.read(UInt32.self, "npy header length"))
        default:
            throw ModelFileError.unsupportedVersion(path: path, format: ".npy", found: "\(major).\(minor)", supported: "1.0, 2.0, 3.0")
        }
        guard headerLength <= cursor.remaining else {
            throw bad("npy header length \(headerLength) runs past the end of the file (\(cursor.remaining) bytes left)")
        }
        let headerBytes = try cursor.bytes(headerLength, "npy header")
        guard let header = strictUTF8(headerBytes) else { throw bad("npy header is not text") }

        let dict: [String: NpyHeaderValue]
        do { dict = try NpyHeaderValue.parseDict(header) } catch let error as NpyHeaderValue.ParseError {
            throw bad("npy header \(header.trimmingCharacters(in: .whitespacesAndNewlines).debugDescription) is malformed: \(error.message)")
        }
        guard case let .string(descr)? = dict["descr"] else { throw bad("npy header has no 'descr' string") }
        guard let dtype = DType(rawValue: descr) else {
            throw ModelFileError.unsupportedType(path: path, what: "npy array", found: "descr '\(descr)' (supported: <f4, <i4, <i8)")
        }
        guard case let .bool(fortran)? = dict["fortran_order"] else { throw bad("npy header has no 'fortran_order' bool") }
        guard !fortran else { throw bad("npy array is in Fortran order; only C order is supported") }
        guard case let .tuple(dims)? = dict["shape"] else { throw bad("npy header has no 'shape' tuple") }
        var elements = 1
        for d in dims {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow else { throw bad("npy shape \(dims) is not a valid size") }
            elements = product
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, bytes <= cursor.remaining else {
            throw ModelFileError.truncated(path: path, what: "npy data for shape \(dims) of \(descr)",
                                           offset: cursor.offset, needed: overflow ? Int.max : bytes, size: file.size)
        }
        self.dtype = dtype
        self.shape = dims
        self.data = Array(try cursor.bytes(bytes, "npy data"))
    }

    // MARK: Writing

    /// The magic, version and padded header for an array of `dtype` and `shape` (version 1.0), so that
    /// a writer can stream the data after it.
    public static func header(dtype: DType, shape: [Int]) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var text = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(dims), }"
        let unpadded = 10 + text.utf8.count + 1
        text += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        withUnsafeBytes(of: UInt16(text.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        return out + Array(text.utf8)
    }

    /// The complete file contents.
    public func encoded() -> [UInt8] { NpyArray.header(dtype: dtype, shape: shape) + data }

    public func write(to handle: FileHandle, path: String) throws {
        try FileSink(handle: handle, path: path).write(encoded())
    }

    public func write(toPath path: String) throws {
        try FileSink.withFile(path) { try $0.write(encoded()) }
    }
}
