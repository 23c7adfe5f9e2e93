// Writer for GGUF version 3 (layout in GGUFFile.swift). Used for LoRA export and by the tests to
// build files of every block type. Tensors are laid out in the order added, each starting at the
// previous one's end rounded up to the alignment, which is what ggml's reader requires.

import Foundation
import TensorCore

/// Collects metadata and tensors, then writes one GGUF file.
public struct GGUFWriter {
    /// Data alignment; a value other than 32 is recorded as `general.alignment`.
    public let alignment: Int
    private var metadata: [(key: String, value: GGUFValue)] = []
    private var tensors: [(name: String, type: GGMLType, ne: [Int], bytes: [UInt8])] = []

    public init(alignment: Int = GGUFFile.defaultAlignment) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "GGUF alignment must be a power of two")
        self.alignment = alignment
        if alignment != GGUFFile.defaultAlignment {
            metadata.append(("general.alignment", .uint32(UInt32(alignment))))
        }
    }

    /// Adds a metadata entry; a key already present is an error.
    public mutating func set(_ key: String, _ value: GGUFValue) throws {
        guard !metadata.contains(where: { $0.key == key }) else {
            throw ModelFileError.duplicateName(path: "<GGUF writer>", name: key)
        }
        metadata.append((key, value))
    }

    /// Adds a tensor from its encoded blocks. `ne` is in ggml order (ne[0] = row length).
    public mutating func add(name: String, type: GGMLType, ne: [Int], bytes: [UInt8]) throws {
        precondition((1...4).contains(ne.count) && ne.allSatisfy { $0 >= 0 } && ne[0] % type.blockSize == 0
                     && type.byteCount(elements: ne.reduce(1, *)) == bytes.count,
                     "GGUF tensor '\(name)': \(bytes.count) bytes do not hold \(type) \(ne)")
        guard !tensors.contains(where: { $0.name == name }) else {
            throw ModelFileError.duplicateName(path: "<GGUF writer>", name: name)
        }
        tensors.append((name, type, ne, bytes))
    }

    /// Adds Float32 values encoded as `type` (F32 and F16 for adapters; any supported type for tests,
    /// through the reference quantisers).
    public mutating func add(name: String, floats: [Float], ne: [Int], type: GGMLType = .f32) throws {
        try add(name: name, type: type, ne: ne, bytes: type.quantize(floats))
    }

    /// Everything before the tensor data, padding included.
    public func encodedHeader() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        out.append(le: UInt32(3))
        out.append(le: UInt64(tensors.count))
        out.append(le: UInt64(metadata.count))
        for (key, value) in metadata {
            out.append(string: key)
            out.append(le: value.type.rawValue)
            out.append(value: value)
        }
        var offset = 0
        for tensor in tensors {
            out.append(string: tensor.name)
            out.append(le: UInt32(tensor.ne.count))
            for n in tensor.ne { out.append(le: UInt64(n)) }
            out.append(le: tensor.type.rawValue)
            out.append(le: UInt64(offset))
            offset += padded(tensor.bytes.count)
        }
        out.append(contentsOf: repeatElement(0, count: padded(out.count) - out.count))
        return out
    }

    private func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// Writes the file to an open handle; `path` names the destination in error messages.
    public func write(to handle: FileHandle, path: String) throws {
        try write(to: FileSink(handle: handle, path: path))
    }

    /// Creates or replaces the file at `path`.
    public func write(toPath path: String) throws {
        try FileSink.withFile(path) { try write(to: $0) }
    }

    private func write(to sink: FileSink) throws {
        try sink.write(encodedHeader())
        for tensor in tensors {
            try sink.write(tensor.bytes)
            try sink.write([UInt8](repeating: 0, count: padded(tensor.bytes.count) - tensor.bytes.count))
        }
    }
}

private extension Array where Element == UInt8 {
    mutating func append<T: FixedWidthInteger>(le value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func append(string: String) {
        append(le: UInt64(string.utf8.count))
        append(contentsOf: string.utf8)
    }

    mutating func append(value: GGUFValue) {
        switch value {
        case let .uint8(v): append(le: v)
        case let .int8(v): append(le: v)
        case let .uint16(v): append(le: v)
        case let .int16(v): append(le: v)
        case let .uint32(v): append(le: v)
        case let .int32(v): append(le: v)
        case let .uint64(v): append(le: v)
        case let .int64(v): append(le: v)
        case let .float32(v): append(le: v.bitPattern)
        case let .float64(v): append(le: v.bitPattern)
        case let .bool(v): append(le: UInt8(v ? 1 : 0))
        case let .string(v): append(string: v)
        case let .array(type, items):
            append(le: type.rawValue)
            append(le: UInt64(items.count))
            for item in items {
                precondition(item.type == type, "GGUF array of \(type) holds a \(item.type)")
                append(value: item)
            }
        }
    }
}
