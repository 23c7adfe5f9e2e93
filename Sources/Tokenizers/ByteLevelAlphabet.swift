/// GPT-2's mapping of the 256 byte values onto printable Unicode scalars, so that byte-level
/// tokens are strings without spaces or control characters: the printable Latin-1 bytes
/// (`!`...`~`, `¡`...`¬`, `®`...`ÿ`) stand for themselves, the other 68 bytes take U+0100,
/// U+0101, ... in byte order (so the space byte 0x20 is `Ġ` U+0120). Source: GPT-2's
/// `bytes_to_unicode` in openai/gpt-2 `src/encoder.py`.
enum ByteLevelAlphabet {
    private static let scalars: [Unicode.Scalar] = {
        var next: UInt32 = 256
        return (0...255).map { (b: UInt32) -> Unicode.Scalar in
            if isPrintable(b) { return Unicode.Scalar(b)! }
            defer { next += 1 }
            return Unicode.Scalar(next)!
        }
    }()

    private static func isPrintable(_ b: UInt32) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    static func scalar(_ byte: UInt8) -> Unicode.Scalar { scalars[Int(byte)] }

    /// The byte a scalar stands for, or nil for scalars outside the alphabet.
    static func byte(_ s: Unicode.Scalar) -> UInt8? {
        let v = s.value
        if v < 256 { return isPrintable(v) ? UInt8(v) : nil }
        guard v < 256 + 68 else { return nil }
        return remapped[Int(v - 256)]
    }

    /// The bytes that U+0100 ... U+0143 stand for.
    private static let remapped: [UInt8] = (0...255).filter { !isPrintable(UInt32($0)) }.map { UInt8($0) }
}
