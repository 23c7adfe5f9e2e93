// Typed metadata accessors and tensor access (raw blocks, dequantisation) for `GGUFFile`.

import TensorCore

extension GGUFFile {
    // MARK: Metadata

    /// The value stored under `key`, if any.
    public func value(_ key: String) -> GGUFValue? {
        keyIndexLookup(key).map { metadata[$0].value }
    }

    public func string(_ key: String) -> String? { value(key)?.stringValue }
    /// Any integer type that fits in Int.
    public func int(_ key: String) -> Int? { value(key)?.intValue }
    /// A float32 or float64 value.
    public func double(_ key: String) -> Double? { value(key)?.doubleValue }
    public func bool(_ key: String) -> Bool? { value(key)?.boolValue }

    /// An array of strings (for example `tokenizer.ggml.tokens`).
    public func strings(_ key: String) -> [String]? {
        guard let items = value(key)?.arrayValue else { return nil }
        let strings = items.compactMap(\.stringValue)
        return strings.count == items.count ? strings : nil
    }

    /// An array of integers of any width.
    public func ints(_ key: String) -> [Int]? {
        guard let items = value(key)?.arrayValue else { return nil }
        let ints = items.compactMap(\.intValue)
        return ints.count == items.count ? ints : nil
    }

    /// An array of float32 values (for example `tokenizer.ggml.scores`).
    public func floats(_ key: String) -> [Float]? {
        guard case let .array(.float32, items)? = value(key) else { return nil }
        return items.map { if case let .float32(v) = $0 { return v } else { return .nan } }
    }

    /// `value(key)` converted by `convert`, or an error naming the key and the type found.
    public func required<T>(_ key: String, _ expected: String, _ convert: (GGUFValue) -> T?) throws -> T {
        guard let v = value(key) else {
            throw ModelFileError.malformed(path: path, problem: "metadata key '\(key)' is missing")
        }
        guard let result = convert(v) else {
            throw ModelFileError.wrongType(path: path, name: key, expected: expected, found: "\(v.type)")
        }
        return result
    }

    public func requiredInt(_ key: String) throws -> Int { try required(key, "an integer", \.intValue) }
    public func requiredDouble(_ key: String) throws -> Double { try required(key, "a float", \.doubleValue) }
    public func requiredString(_ key: String) throws -> String { try required(key, "a string", \.stringValue) }

    // MARK: Tensors

    /// The tensor called `name`, or `ModelFileError.notFound`.
    public func tensor(_ name: String) throws -> GGUFTensorInfo {
        guard let i = tensorIndexLookup(name) else { throw ModelFileError.notFound(path: path, name: name) }
        return tensors[i]
    }

    /// The tensor's raw blocks inside the mapping (valid while this object lives; aligned to `alignment`
    /// relative to the file start). Row r starts at `rowStride * r`.
    public func pointer(_ tensor: GGUFTensorInfo) -> UnsafeRawPointer {
        file.base + tensor.fileOffset
    }

    /// Decodes rows `rows` (each `rowLength` values) of `tensor` into `dst`.
    /// A row range outside the tensor is a programming error.
    public func dequantize(_ tensor: GGUFTensorInfo, rows: Range<Int>, into dst: UnsafeMutablePointer<Float>) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= tensor.rowCount,
                     "rows \(rows) outside tensor '\(tensor.name)' of \(tensor.rowCount) rows")
        guard !rows.isEmpty, tensor.rowLength > 0 else { return }
        tensor.type.dequantize(pointer(tensor) + rows.lowerBound * tensor.rowStride,
                               count: rows.count * tensor.rowLength, into: dst)
    }

    /// The whole tensor as Float32, row after row.
    public func dequantize(_ tensor: GGUFTensorInfo) -> [Float] {
        [Float](unsafeUninitializedCapacity: tensor.elementCount) { buffer, initialized in
            if let base = buffer.baseAddress { dequantize(tensor, rows: 0..<tensor.rowCount, into: base) }
            initialized = tensor.elementCount
        }
    }
}
