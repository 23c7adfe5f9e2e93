/// A JSON number kept as its literal text, so that a record passed through a program comes out
/// with the same digits it went in with (DESIGN.md: unknown fields pass through untouched).
///
/// Conversions to `Double`, `Float` and `Int` parse the text on demand. Numbers made from Swift
/// values are written as the shortest text that reads back as the same value (Swift's
/// `description`, which is shortest-round-trip and always valid JSON for finite values).
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The literal, e.g. `-0.0123`, `1e-05`, `42`. Always valid JSON number syntax.
    public let text: String

    /// Wraps text already known to be a valid JSON number (the parser checks the grammar).
    init(validatedText: String) {
        text = validatedText
    }

    public init(_ value: Int) {
        text = String(value)
    }

    /// - Throws: `JSONError.nonFiniteNumber` for infinities and NaN.
    public init(_ value: Float) throws(JSONError) {
        guard value.isFinite else { throw .nonFiniteNumber(value.description) }
        text = value.description
    }

    /// - Throws: `JSONError.nonFiniteNumber` for infinities and NaN.
    public init(_ value: Double) throws(JSONError) {
        guard value.isFinite else { throw .nonFiniteNumber(value.description) }
        text = value.description
    }

    public var description: String { text }

    /// The nearest `Double`, or nil when the magnitude overflows.
    public var double: Double? {
        var copy = text
        return copy.withUTF8 { JSONNumber.parseDouble($0) }
    }

    /// The nearest `Float` (rounded once, from the decimal text), or nil when it overflows.
    public var float: Float? {
        var copy = text
        return copy.withUTF8 { JSONNumber.parseFloat($0) }
    }

    /// The value as an `Int` when it is integral and in range (`5`, `5.0`, `5e2`), else nil.
    public var int: Int? {
        if let exact = Int(text) { return exact }
        guard let value = double, value.rounded() == value,
              value >= -9.223372036854775e18, value < 9.223372036854775e18 else { return nil }
        return Int(value)
    }

    // MARK: Decimal to binary

    /// Parses a valid JSON number literal. The common case — at most 19 significant digits and a
    /// decimal exponent within ±22 — is Clinger's exact fast path (Clinger, "How to read floating
    /// point numbers accurately", PLDI 1990): both the integer mantissa and the power of ten are
    /// exact doubles, so one IEEE multiply or divide rounds correctly. Anything else goes to the
    /// standard library's correctly rounded parser.
    static func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let result = fastPath(bytes) ?? slowDouble(bytes)
        return result.isFinite ? result : nil
    }

    static func parseFloat(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
        if let wide = fastPath(bytes), !isFloatRoundingTie(wide) {
            let narrow = Float(wide)
            return narrow.isFinite ? narrow : nil
        }
        let result = Float(Substring(decoding: bytes, as: UTF8.self))
        return result.flatMap { $0.isFinite ? $0 : nil }
    }

    private static func slowDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        Double(Substring(decoding: bytes, as: UTF8.self)) ?? .nan
    }

    /// Rounding decimal → Double → Float can differ from decimal → Float only when the Double
    /// lands exactly halfway between two Floats (the tie then breaks on the wrong side). For
    /// normal Floats that means the 29 low mantissa bits that Float drops are exactly 1000…0.
    /// Values in Float's subnormal range drop more bits; they are sent to the slow path too.
    private static func isFloatRoundingTie(_ value: Double) -> Bool {
        let magnitude = abs(value)
        if magnitude != 0 && magnitude < Double(Float.leastNormalMagnitude) { return true }
        return value.bitPattern & 0x1FFF_FFFF == 0x1000_0000
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    private static func fastPath(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = bytes.count
        var negative = false
        if i < n && bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        // Leading zeros do not count against the 19 digits a UInt64 holds exactly.
        while i < n, case let d = bytes[i] &- 48, d < 10 {
            if mantissa != 0 || d != 0 { digits += 1 }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, case let d = bytes[i] &- 48, d < 10 {
                if mantissa != 0 || d != 0 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(d)
                exponent -= 1
                i += 1
            }
        }
        if digits > 19 { return nil }
        if i < n && (bytes[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if bytes[i] == UInt8(ascii: "-") { exponentNegative = true; i += 1 }
            else if bytes[i] == UInt8(ascii: "+") { i += 1 }
            var written = 0
            while i < n, case let d = bytes[i] &- 48, d < 10 {
                if written > 100_000 { return nil }
                written = written * 10 + Int(d)
                i += 1
            }
            exponent += exponentNegative ? -written : written
        }
        guard mantissa <= 1 << 53 else { return nil }
        var value = Double(mantissa)
        if exponent < 0 {
            guard exponent >= -22 else { return mantissa == 0 ? (negative ? -0.0 : 0.0) : nil }
            value /= powersOfTen[-exponent]
        } else if exponent > 0 {
            guard exponent <= 22 else { return mantissa == 0 ? (negative ? -0.0 : 0.0) : nil }
            value *= powersOfTen[exponent]
        }
        return negative ? -value : value
    }
}
