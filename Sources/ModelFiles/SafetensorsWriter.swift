// Writer for the safetensors format (layout in SafetensorsFile.swift). Tensors are laid out in the
// order they were added, each directly after the previous one; the header is padded with spaces to
// a multiple of 8 bytes so the data buffer starts 8-aligned, as the reference writer does.
// Output is a pure function of the tensors and metadata added (metadata keys are written sorted).

import Foundation
import LoragBasics
import TensorCore

/// Collects tensors and metadata, then writes one safetensors file.
public struct SafetensorsWriter {
    private var entries: [(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8])] = []
    private var names = Set<String>()
    /// Written as `__metadata__` (omitted when empty).
    public var metadata: [String: String] = [:]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds a tensor from its raw little-endian bytes. Throws `duplicateName` for a name already added;
    /// a byte count that does not match the shape is a programming error.
    public mutating func add(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) throws {
        let elements = shape.reduce(1, *)
        precondition(shape.allSatisfy { $0 >= 0 } && elements * dtype.byteSize == bytes.count,
                     "safetensors tensor '\(name)': \(bytes.count) bytes do not match shape \(shape) of \(dtype.rawValue)")
        guard name != "__metadata__", names.insert(name).inserted else {
            throw ModelFileError.duplicateName(path: "<safetensors writer>", name: name)
        }
        entries.append((name, dtype, shape, bytes))
    }

    /// Adds Float32 values, stored as F32, F16 or BF16 (rounded to nearest).
    public mutating func add(name: String, floats: [Float], shape: [Int], as dtype: SafetensorsDType = .f32) throws {
        let type: GGMLType
        switch dtype {
        case .f32: type = .f32
        case .f16: type = .f16
        case .bf16: type = .bf16
        default: preconditionFailure("floats can be stored as F32, F16 or BF16, not \(dtype.rawValue)")
        }
        try add(name: name, dtype: dtype, shape: shape, bytes: type.quantize(floats))
    }

    /// Adds 64-bit integers (I64).
    public mutating func add(name: String, int64s: [Int64], shape: [Int]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(int64s.count * 8)
        for v in int64s { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        try add(name: name, dtype: .i64, shape: shape, bytes: bytes)
    }

    /// The 8-byte length field and the padded JSON header.
    public func encodedHeader() -> [UInt8] {
        var json = "{"
        var first = true
        func separator() { if !first { json += "," }; first = false }
        if !metadata.isEmpty {
            separator()
            json += "\"__metadata__\":{"
            json += metadata.keys.sorted().map { key in
                JSONValue.string(key).serialized() + ":" + JSONValue.string(metadata[key]!).serialized()
            }.joined(separator: ",")
            json += "}"
        }
        var offset = 0
        for entry in entries {
            separator()
            json += JSONValue.string(entry.name).serialized()
            let shape = entry.shape.map(String.init).joined(separator: ",")
            json += ":{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(offset),\(offset + entry.bytes.count)]}"
            offset += entry.bytes.count
        }
        json += "}"
        var header = Array(json.utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        return out + header
    }

    /// Writes the file to an open handle (for example a temporary file to be renamed into place).
    /// `path` names the destination in error messages.
    public func write(to handle: FileHandle, path: String) throws {
        try write(to: FileSink(handle: handle, path: path))
    }

    /// Creates or replaces the file at `path`.
    public func write(toPath path: String) throws {
        try FileSink.withFile(path) { try write(to: $0) }
    }

    private func write(to sink: FileSink) throws {
        try sink.write(encodedHeader())
        for entry in entries { try sink.write(entry.bytes) }
    }
}
