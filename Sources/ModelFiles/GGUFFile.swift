// Reader for GGUF versions 2 and 3 (the format of ggml / llama.cpp, spec in ggml's docs/gguf.md).
//
// Layout, all little-endian; each count, length and offset is checked against the bytes that
// remain before anything is allocated or read:
//   1. magic "GGUF" (4 bytes).
//   2. u32 version: 2 or 3 (3 only added big-endian files, which are refused; 1 used 32-bit counts).
//   3. u64 tensor count, u64 metadata key/value count. Each is bounded by the remaining bytes divided
//      by the smallest possible encoding of one entry.
//   4. metadata, kv count times: string key; u32 value type; value. A string is a u64 byte length
//      followed by UTF-8 bytes; an array is a u32 element type, a u64 count and the elements (arrays
//      may nest). Keys are unique.
//   5. tensor infos, tensor count times: string name; u32 n_dims (1...4); n_dims u64 sizes ne[i];
//      u32 GGML type; u64 offset into the data section. Names are unique; ne[0] is a whole number of
//      blocks of the type.
//   6. zero padding to a multiple of the alignment: `general.alignment` (u32, power of two) or 32.
//   7. tensor data. As in ggml, tensor i starts at the end of tensor i-1 rounded up to the
//      alignment (tensor 0 at 0), and every tensor lies inside the file.

import TensorCore

/// A memory-mapped GGUF file: ordered metadata, tensor infos, and access to the raw blocks.
public final class GGUFFile: @unchecked Sendable {
    // Sendable: immutable after init; the mapping is read-only.

    public static let defaultAlignment = 32
    /// Deepest array nesting accepted (real files use 1; the bound keeps recursion finite).
    static let maxArrayDepth = 8

    public let file: MappedFile
    public var path: String { file.path }
    public let version: Int
    /// Metadata in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Absolute offset of the tensor data section.
    public let dataOffset: Int
    private let keyIndex: [String: Int]
    private let tensorIndex: [String: Int]

    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        self.file = file
        let path = file.path
        func bad(_ problem: String) -> ModelFileError { .malformed(path: path, problem: problem) }
        var cursor = file.cursor()

        let magic = try cursor.bytes(4, "GGUF magic")
        guard Array(magic) == Array("GGUF".utf8) else {
            throw ModelFileError.badMagic(path: path, format: "GGUF", found: magic.map { String(format2hex: $0) }.joined(separator: " "))
        }
        let rawVersion = try cursor.read(UInt32.self, "GGUF version")
        guard rawVersion == 2 || rawVersion == 3 else {
            let note = rawVersion.byteSwapped <= 3 ? " (a big-endian file)" : ""
            throw ModelFileError.unsupportedVersion(path: path, format: "GGUF", found: "\(rawVersion)\(note)", supported: "2, 3")
        }
        version = Int(rawVersion)

        let tensorCount = try cursor.read(UInt64.self, "tensor count")
        let kvCount = try cursor.read(UInt64.self, "metadata count")
        // Smallest tensor info: name length, n_dims, one dimension, type, offset.
        let minTensorInfo = 8 + 4 + 8 + 4 + 8
        // Smallest key/value: key length, value type, a one-byte value.
        let minKeyValue = 8 + 4 + 1
        guard kvCount <= UInt64(cursor.remaining / minKeyValue) else {
            throw bad("metadata count \(kvCount) cannot fit in the \(cursor.remaining) bytes after the header "
                      + "(each entry takes at least \(minKeyValue) bytes)")
        }
        guard tensorCount <= UInt64(cursor.remaining / minTensorInfo) else {
            throw bad("tensor count \(tensorCount) cannot fit in the \(cursor.remaining) bytes after the header "
                      + "(each tensor info takes at least \(minTensorInfo) bytes)")
        }

        var metadata: [(key: String, value: GGUFValue)] = []
        var keyIndex: [String: Int] = [:]
        metadata.reserveCapacity(Int(kvCount))
        for i in 0..<Int(kvCount) {
            let key = try GGUFFile.readString(&cursor, "metadata key \(i)")
            guard keyIndex[key] == nil else { throw ModelFileError.duplicateName(path: path, name: key) }
            let typeCode = try cursor.read(UInt32.self, "type of metadata key '\(key)'")
            let value = try GGUFFile.readValue(&cursor, typeCode: typeCode, key: key, depth: 0)
            keyIndex[key] = metadata.count
            metadata.append((key, value))
        }

        var alignment = GGUFFile.defaultAlignment
        if let i = keyIndex["general.alignment"] {
            guard case let .uint32(a) = metadata[i].value, a > 0, a & (a - 1) == 0 else {
                throw bad("general.alignment must be a power of two stored as uint32, found \(metadata[i].value)")
            }
            alignment = Int(a)
        }

        // Tensor infos: sizes are checked here, offsets once the data section's start is known.
        var infos: [(name: String, type: GGMLType, ne: [Int], offset: UInt64, bytes: Int)] = []
        var tensorIndex: [String: Int] = [:]
        infos.reserveCapacity(Int(tensorCount))
        for i in 0..<Int(tensorCount) {
            let name = try GGUFFile.readString(&cursor, "name of tensor \(i)")
            guard tensorIndex[name] == nil else { throw ModelFileError.duplicateName(path: path, name: name) }
            let nDims = try cursor.read(UInt32.self, "dimension count of tensor '\(name)'")
            guard (1...4).contains(nDims) else { throw bad("tensor '\(name)' has \(nDims) dimensions, expected 1 to 4") }
            var ne: [Int] = []
            var elements = 1
            for d in 0..<Int(nDims) {
                let size = Int64(bitPattern: try cursor.read(UInt64.self, "ne[\(d)] of tensor '\(name)'"))
                guard size >= 0 else { throw bad("tensor '\(name)' has ne[\(d)] = \(size), expected a non-negative size") }
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(size))
                guard !overflow else {
                    throw bad("tensor '\(name)' with sizes \(ne + [Int(size)]) has more elements than an Int can count")
                }
                ne.append(Int(size))
                elements = product
            }
            let typeCode = try cursor.read(UInt32.self, "type of tensor '\(name)'")
            guard let type = GGMLType(rawValue: typeCode) else {
                throw ModelFileError.unsupportedType(path: path, what: "tensor '\(name)'",
                                                     found: "\(GGMLType.name(forID: typeCode)) (id \(typeCode))")
            }
            guard ne[0] % type.blockSize == 0, let bytes = type.byteCount(elements: elements) else {
                throw bad("tensor '\(name)' has rows of \(ne[0]) values, expected a multiple of the \(type) block size \(type.blockSize)")
            }
            let offset = try cursor.read(UInt64.self, "data offset of tensor '\(name)'")
            tensorIndex[name] = infos.count
            infos.append((name, type, ne, offset, bytes))
        }

        let (paddedEnd, _) = cursor.offset.addingReportingOverflow(alignment - 1)
        let dataOffset = paddedEnd / alignment * alignment
        guard dataOffset <= file.size else {
            throw ModelFileError.truncated(path: path, what: "padding before the tensor data", offset: cursor.offset,
                                           needed: dataOffset - cursor.offset, size: file.size)
        }
        let dataSize = file.size - dataOffset
        var expected = 0
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(infos.count)
        for info in infos {
            guard info.offset == UInt64(expected) else {
                throw bad("tensor '\(info.name)' has offset \(info.offset), expected \(expected)")
            }
            guard info.bytes <= dataSize - expected else {
                throw ModelFileError.truncated(path: path, what: "data of tensor '\(info.name)' (\(info.type) \(info.ne))",
                                               offset: dataOffset + expected, needed: info.bytes, size: file.size)
            }
            tensors.append(GGUFTensorInfo(name: info.name, type: info.type, ne: info.ne, relativeOffset: expected,
                                          fileOffset: dataOffset + expected, byteCount: info.bytes))
            expected += (info.bytes + alignment - 1) / alignment * alignment
        }

        self.metadata = metadata
        self.keyIndex = keyIndex
        self.alignment = alignment
        self.dataOffset = dataOffset
        self.tensors = tensors
        self.tensorIndex = tensorIndex
    }

    // MARK: Parsing helpers

    static func readString(_ cursor: inout ByteCursor, _ what: @autoclosure () -> String) throws -> String {
        let length = try cursor.read(UInt64.self, "length of \(what())")
        // A length beyond Int.max cannot fit either; clamping makes the bounds check report it.
        return try cursor.string(length: Int(clamping: length), "\(what()) (\(length) bytes)")
    }

    static func readValue(_ cursor: inout ByteCursor, typeCode: UInt32, key: String, depth: Int) throws -> GGUFValue {
        let path = cursor.file.path
        guard let type = GGUFValueType(rawValue: typeCode) else {
            throw ModelFileError.unsupportedType(path: path, what: "metadata key '\(key)'", found: "value type \(typeCode)")
        }
        let what = "value of metadata key '\(key)'"
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, what))
        case .int8: return .int8(try cursor.read(Int8.self, what))
        case .uint16: return .uint16(try cursor.read(UInt16.self, what))
        case .int16: return .int16(try cursor.read(Int16.self, what))
        case .uint32: return .uint32(try cursor.read(UInt32.self, what))
        case .int32: return .int32(try cursor.read(Int32.self, what))
        case .uint64: return .uint64(try cursor.read(UInt64.self, what))
        case .int64: return .int64(try cursor.read(Int64.self, what))
        case .float32: return .float32(Float(bitPattern: try cursor.read(UInt32.self, what)))
        case .float64: return .float64(Double(bitPattern: try cursor.read(UInt64.self, what)))
        case .bool:
            let byte = try cursor.read(UInt8.self, what)
            guard byte <= 1 else {
                throw ModelFileError.malformed(path: path, problem: "metadata key '\(key)' holds bool byte \(byte), expected 0 or 1")
            }
            return .bool(byte == 1)
        case .string:
            return .string(try readString(&cursor, what))
        case .array:
            guard depth < maxArrayDepth else {
                throw ModelFileError.malformed(path: path, problem: "metadata key '\(key)' nests arrays deeper than \(maxArrayDepth)")
            }
            let elementCode = try cursor.read(UInt32.self, "element type of metadata key '\(key)'")
            guard let elementType = GGUFValueType(rawValue: elementCode) else {
                throw ModelFileError.unsupportedType(path: path, what: "elements of metadata key '\(key)'", found: "value type \(elementCode)")
            }
            let count = try cursor.read(UInt64.self, "element count of metadata key '\(key)'")
            guard count <= UInt64(cursor.remaining / elementType.minimumEncodedSize) else {
                throw ModelFileError.malformed(path: path, problem: "metadata key '\(key)' declares \(count) elements of type "
                    + "\(elementType), but only \(cursor.remaining) bytes remain")
            }
            var items: [GGUFValue] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                items.append(try readValue(&cursor, typeCode: elementCode, key: key, depth: depth + 1))
            }
            return .array(elementType, items)
        }
    }
}

extension GGUFFile {
    func keyIndexLookup(_ key: String) -> Int? { keyIndex[key] }
    func tensorIndexLookup(_ name: String) -> Int? { tensorIndex[name] }
}

private extension String {
    init(format2hex byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
