import LoragBasics

/// Turning a file's bytes into a Swift string: binary detection, BOM removal, strict or lossy UTF-8.
public enum TextDecoding {
    /// How far into a file to look for a NUL byte. Git and grep look at the first 8000 bytes.
    static let binaryProbeLength = 8000

    /// The offset of the first NUL byte in the first 8000 bytes, or nil for text. A NUL never
    /// occurs in UTF-8 text (nor in the legacy 8-bit charsets HTML declares); it is the test git
    /// and grep use.
    public static func binaryOffset(_ bytes: [UInt8]) -> Int? {
        bytes.prefix(binaryProbeLength).firstIndex(of: 0)
    }

    /// Decodes UTF-8, dropping a leading byte order mark. Invalid bytes are an error naming the
    /// byte offset, or U+FFFD each (Unicode's "maximal subpart" rule, as Python's
    /// `errors="replace"`) when `lossy`.
    public static func decodeUTF8(_ bytes: [UInt8], source: String, lossy: Bool) throws -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let bad = firstInvalidUTF8(body) {
            if !lossy { throw ChunkingError.invalidUTF8(source: source, byteOffset: bad) }
            return String(decoding: body, as: UTF8.self)
        }
        return String(decoding: body, as: UTF8.self)
    }

    /// The offset (in the original array) of the first byte that does not begin well-formed UTF-8.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalid(in: $0) }.map { bytes.startIndex + $0 }
    }
}
