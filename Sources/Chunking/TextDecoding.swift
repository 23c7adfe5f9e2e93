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

    /// The offset (in the original array) of the first byte that does not begin a well-formed
    /// UTF-8 sequence, per the table of well-formed byte sequences in Unicode 15, section 3.9
    /// (Table 3-7): no overlongs, no surrogates, nothing above U+10FFFF.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // range of the second byte
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            if end - i < length { return i }
            let b1 = bytes[i + 1]
            if b1 < low || b1 > high { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}
