/// Well-formed UTF-8, per the table of well-formed byte sequences in Unicode 15, section 3.9
/// (Table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF. Shared by the JSON parser
/// and the document readers, which must both point at the first bad byte.
public enum UTF8Validation {
    /// The length of the well-formed sequence starting at `base[offset]` (1 for ASCII), or nil
    /// when the bytes there, up to `end`, do not begin one.
    @inline(__always)
    public static func sequenceLength(_ base: UnsafePointer<UInt8>, at offset: Int, end: Int) -> Int? {
        let lead = base[offset]
        if lead < 0x80 { return 1 }
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the allowed range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard end - offset >= length else { return nil }
        let second = base[offset + 1]
        guard second >= low && second <= high else { return nil }
        for k in 2..<length where base[offset + k] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// The offset of the first byte that does not begin a well-formed sequence, or nil.
    public static func firstInvalid(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var i = 0
        while i < bytes.count {
            guard let length = sequenceLength(base, at: i, end: bytes.count) else { return i }
            i += length
        }
        return nil
    }
}
