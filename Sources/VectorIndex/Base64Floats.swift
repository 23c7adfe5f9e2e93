// Embeddings sent as base64 of little-endian float32 (`embed --encoding base64`, as OpenAI's
// API does): decoding per RFC 4648 section 4, padding optional, no whitespace.

public enum Base64Floats {
    private static let table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = Int8(i)
        }
        return t
    }()

    /// The floats encoded by `text`; `item` names where it came from in the error.
    public static func decode(_ text: String, item: String) throws(VectorIndexError) -> [Float] {
        switch decode(text) {
        case let .success(values): return values
        case let .failure(problem): throw .invalidVector(item: item, reason: problem.text)
        }
    }

    /// The floats encoded by `text`, or a reason why it is not base64 of a float32 array.
    static func decode(_ text: String) -> Result<[Float], DecodingProblem> {
        var chars = Array(text.utf8)
        while chars.last == UInt8(ascii: "=") { chars.removeLast() }
        guard chars.count % 4 != 1 else { return .failure(.init(text: "base64 text has an impossible length")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count * 3 / 4)
        var accumulator: UInt32 = 0, bits = 0
        for (i, c) in chars.enumerated() {
            let v = table[Int(c)]
            guard v >= 0 else { return .failure(.init(text: "character \(i + 1) of the base64 text is not base64")) }
            accumulator = (accumulator << 6) | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard bytes.count % 4 == 0 else {
            return .failure(.init(text: "base64 decodes to \(bytes.count) bytes, not a whole number of float32s"))
        }
        var floats = [Float](repeating: 0, count: bytes.count / 4)
        for i in 0..<floats.count {
            let b = UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16
                | UInt32(bytes[4 * i + 3]) << 24
            floats[i] = Float(bitPattern: b)
        }
        return .success(floats)
    }
}
