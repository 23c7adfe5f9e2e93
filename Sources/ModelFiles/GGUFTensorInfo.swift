// One tensor's description in a GGUF file, with its byte range already validated.

import TensorCore

/// A tensor in a GGUF file. `ne` follows ggml: ne[0] is the length of a row (the fastest-varying,
/// input dimension of a weight matrix), so a matrix with `rowCount` rows has ne = [rowLength, rowCount].
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    public let type: GGMLType
    public let ne: [Int]
    /// Offset relative to the start of the tensor data section, as stored in the file.
    public let relativeOffset: Int
    /// Absolute offset of the first byte in the file.
    public let fileOffset: Int
    public let byteCount: Int

    public var elementCount: Int { ne.reduce(1, *) }
    /// Values per row (ne[0]).
    public var rowLength: Int { ne.first ?? 1 }
    /// Rows: the product of ne[1...].
    public var rowCount: Int { ne.dropFirst().reduce(1, *) }
    /// Bytes from one row's blocks to the next's.
    public var rowStride: Int { type.byteCount(elements: rowLength)! }
}
