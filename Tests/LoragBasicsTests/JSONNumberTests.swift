import Testing
@testable import LoragBasics

private func floatFromText(_ text: String) -> Float? {
    var copy = text
    return copy.withUTF8 { JSONNumber.parseFloat($0) }
}

/// A small deterministic generator, so failures reproduce (SplitMix64, Steele et al. 2014).
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test func floatsAreWrittenAsShortestValidJSONThatRoundTrips() throws {
    var rng = SplitMix64(state: 1)
    var specials: [Float] = [0, -0.0, 1, -1, 0.1, 1e-5, 1e20, 3.4028235e38, .leastNonzeroMagnitude,
                             .leastNormalMagnitude, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 16777216]
    for _ in 0..<20_000 {
        let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
        if f.isFinite { specials.append(f) }
    }
    for f in specials {
        let number = try JSONNumber(f)
        let reparsed = try JSONValue(parsing: number.text)
        #expect(reparsed == .number(number), "\(number.text) must be valid JSON")
        #expect(floatFromText(number.text)?.bitPattern == f.bitPattern, "\(number.text) must read back as \(f)")
    }
    #expect(try JSONNumber(Float(1e-5)).text == "1e-05")
    #expect(try JSONNumber(Float(0.1)).text == "0.1")
}

@Test func nonFiniteNumbersCannotBeWritten() {
    #expect(throws: JSONError.nonFiniteNumber("inf")) { try JSONNumber(Float.infinity) }
    #expect(throws: JSONError.nonFiniteNumber("nan")) { try JSONNumber(Double.nan) }
    #expect(throws: JSONError.self) { try JSONValue.floats([1, -.infinity]) }
    var bytes = Array("x".utf8)
    #expect(throws: JSONError.self) { try JSONValue.writeFloats([1, .nan], to: &bytes) }
    #expect(bytes == Array("x".utf8), "a refused array leaves the output as it was")
}

@Test func fastFloatParsingAgreesWithTheStandardLibrary() {
    var rng = SplitMix64(state: 2)
    var texts = ["0", "-0", "0.0", "1e-50", "1e50", "123456789012345678901234", "0.000000000000000000000000001",
                 "1.5e-45", "7e-46", "3.4028236e38", "0.30000001192092896"]
    for _ in 0..<20_000 {
        // Doubles printed shortest land anywhere, including next to Float rounding ties.
        let d = Double(bitPattern: rng.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x3800_0000_0000_0000)
        texts.append(d.description)
        texts.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()) & 0x7F7F_FFFF)).description)
    }
    // Exact ties between neighbouring Floats, just above and just below: double rounding traps.
    for _ in 0..<2_000 {
        let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()) & 0x3FFF_FFFF | 0x3000_0000)
        let tie = (Double(f) + Double(f.nextUp)) / 2
        texts.append(tie.description)
        texts.append(tie.nextUp.description)
        texts.append(tie.nextDown.description)
    }
    for text in texts {
        let expected = Float(text)!
        #expect(floatFromText(text)?.bitPattern == (expected.isFinite ? expected.bitPattern : nil), "\(text)")
        let expectedDouble = Double(text)!
        var copy = text
        let got = copy.withUTF8 { JSONNumber.parseDouble($0) }
        #expect(got?.bitPattern == (expectedDouble.isFinite ? expectedDouble.bitPattern : nil), "\(text)")
    }
}

@Test func serializerEscapesPerRFC8259() throws {
    var all = ""
    for scalar in 0..<0x80 { all.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
    all += "é中😀\u{2028}\u{7F}"
    let text = JSONValue.string(all).serialized()
    #expect(text.hasPrefix(#""\u0000\u0001"#))
    #expect(text.contains(#"\b\t\n\u000b\f\r\u000e"#))
    #expect(text.contains(##" !\"#"##))
    #expect(text.contains(#"[\\]"#))
    #expect(text.hasSuffix("é中😀\u{2028}\u{7F}\""))
    #expect(try JSONValue(parsing: text).stringValue == all)
}

@Test func writeFloatsMatchesTheValuePath() throws {
    let values: [Float] = [0.1, -0.0, 1e-5, 3, .leastNonzeroMagnitude]
    var bytes = [UInt8]()
    try JSONValue.writeFloats(values, to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == (try JSONValue.floats(values)).serialized())
    #expect(String(decoding: bytes, as: UTF8.self) == "[0.1,-0.0,1e-05,3.0,1e-45]")
}
