// Sequential little-endian reads from a `MappedFile`, each checked against the bytes that remain.

/// A read position in a mapped file. Every read throws `ModelFileError.truncated` (naming `what`)
/// rather than reading past the end.
public struct ByteCursor {
    public let file: MappedFile
    /// The offset of the next byte to read.
    public private(set) var offset: Int

    init(file: MappedFile, offset: Int) {
        self.file = file
        self.offset = offset
    }

    /// Bytes left from the current position to the end of the file.
    public var remaining: Int { max(0, file.size - offset) }

    /// Reads a fixed-width little-endian integer (or the bits of a float through its bit pattern).
    public mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let raw = try file.bytes(at: offset, count: MemoryLayout<T>.size, what: what())
        offset += MemoryLayout<T>.size
        return T(littleEndian: raw.loadUnaligned(as: T.self))
    }

    /// Returns `count` bytes and moves past them.
    public mutating func bytes(_ count: Int, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        let raw = try file.bytes(at: offset, count: count, what: what())
        offset += count
        return raw
    }

    /// Moves forward `count` bytes (checked like a read).
    public mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws {
        _ = try bytes(count, what())
    }

    /// A UTF-8 string of `length` bytes. Invalid UTF-8 is an error rather than silently repaired,
    /// since tokenizer vocabularies must keep every byte.
    public mutating func string(length: Int, _ what: @autoclosure () -> String) throws -> String {
        let raw = try bytes(length, what())
        guard let s = strictUTF8(raw) else {
            throw ModelFileError.malformed(path: file.path, problem: "\(what()) at offset \(offset - length) is not valid UTF-8")
        }
        return s
    }
}

/// Strict UTF-8 decoding that works on every platform the package supports (the standard library's
/// `String(validating:as:)` needs macOS 15): decode, then require the bytes to survive unchanged,
/// since invalid sequences would have been replaced by U+FFFD.
func strictUTF8<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
    let s = String(decoding: bytes, as: UTF8.self)
    return s.utf8.elementsEqual(bytes) ? s : nil
}
