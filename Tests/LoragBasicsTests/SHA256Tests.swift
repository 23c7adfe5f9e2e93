import Foundation
import Testing
@testable import LoragBasics

// Test vectors from NIST's FIPS 180-4 examples (SHA256.pdf, "Cryptographic Standards and
// Guidelines: Examples with Intermediate Values") and the long-message vector of FIPS 180-2 App. B.3.
@Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
])
func standardVectors(message: String, digest: String) {
    #expect(SHA256.hash(message).hex == digest)
}

@Test func oneMillionAs() {
    var hasher = SHA256()
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { hasher.update(chunk) }
    #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

@Test func paddingBoundaries() {
    // Lengths around the 55/56/64-byte padding edges, checked against a one-shot hash of the
    // same bytes fed one byte at a time.
    for length in [55, 56, 57, 63, 64, 65, 119, 120, 128] {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = SHA256()
        for b in bytes { hasher.update([b]) }
        #expect(hasher.finalize() == SHA256.hash(bytes), "length \(length)")
    }
}

@Test func streamingInOddPiecesEqualsOneShotAndMatchesSha256sum() throws {
    var state: UInt32 = 12345
    let bytes = (0..<(3 << 20) + 17).map { _ -> UInt8 in
        state = state &* 1_664_525 &+ 1_013_904_223
        return UInt8(truncatingIfNeeded: state >> 24)
    }
    let oneShot = SHA256.hash(bytes)
    var hasher = SHA256()
    var offset = 0
    var piece = 1
    while offset < bytes.count {
        let end = min(bytes.count, offset + piece)
        hasher.update(Array(bytes[offset..<end]))
        offset = end
        piece = piece * 3 + 1
    }
    #expect(hasher.finalize() == oneShot)

    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lorag-sha-\(getpid()).bin")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(bytes).write(to: url)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sha256sum", url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(output.split(separator: " ").first.map(String.init) == oneShot.hex)
}

/// The SHA-extension compression against the portable one, on every length around the block
/// and padding boundaries and on pieces of every size (skipped, with a note, on CPUs without
/// the extensions, where only the portable code runs).
@Test func hardwareCompressionEqualsThePortableOne() throws {
    try #require(SHA256.hasHardwareCompression, "this CPU has no SHA extensions")
    var generator = SystemRandomNumberGenerator()
    let data = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    for length in Array(0...200) + [1000, 4095, 4096, 4097, 5000] {
        var fast = SHA256(hardware: true), portable = SHA256(hardware: false)
        fast.update(Array(data[0..<length]))
        portable.update(Array(data[0..<length]))
        #expect(fast.finalize() == portable.finalize(), "length \(length)")
    }
    for piece in [1, 3, 63, 64, 65, 1000] {
        var fast = SHA256(hardware: true)
        var start = 0
        while start < data.count {
            fast.update(Array(data[start..<min(start + piece, data.count)]))
            start += piece
        }
        #expect(fast.finalize() == SHA256(hardware: false).updated(with: data).finalize(), "pieces of \(piece)")
    }
    // FIPS 180-2 appendix B.2 (two blocks), through the hardware path.
    var two = SHA256(hardware: true)
    two.update(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
    #expect(two.finalize().hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
}

private extension SHA256 {
    func updated(with bytes: [UInt8]) -> SHA256 {
        var copy = self
        copy.update(bytes)
        return copy
    }
}
