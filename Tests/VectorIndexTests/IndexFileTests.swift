import Foundation
import LoragBasics
import ModelFiles
import Testing
@testable import VectorIndex

// A corrupt, truncated or foreign file is a clear error, never a crash.

func withTemporaryFile<R>(_ bytes: [UInt8], _ body: (String) throws -> R) rethrows -> R {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vindex-\(UUID().uuidString).idx").path
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

func openError(_ bytes: [UInt8]) -> String? {
    withTemporaryFile(bytes) { path -> String? in
        do {
            _ = try KnowledgeBase(contentsOf: path)
            return nil
        } catch {
            return "\(error)".replacingOccurrences(of: path, with: "FILE")
        }
    }
}

func smallIndexBytes() throws -> [UInt8] {
    let kb = KnowledgeBase(configuration: smallConfiguration())
    _ = try kb.update(with: makeRecords(ClusteredVectors(dim: 16, clusters: 4, seed: 5).sample(count: 60, stream: 1), range: 0..<60))
    return kb.fileBytes()
}

@Test func truncatedFilesAreRejectedAtEveryLength() throws {
    let bytes = try smallIndexBytes()
    #expect(openError(bytes) == nil)
    for length in [0, 4, 8, 100, bytes.count / 2, bytes.count - 1] {
        let message = try #require(openError(Array(bytes.prefix(length))), "length \(length)")
        #expect(message.hasPrefix("FILE: not a valid lorag index:"), "\(message)")
    }
}

@Test func corruptedBytesNeverCrashTheReader() throws {
    let bytes = try smallIndexBytes()
    let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
    var generator = SeededRandom(seed: 99)
    var rejected = 0
    // Flip bytes in the data buffer: the reader must either reject the file or open it.
    for _ in 0..<200 {
        var copy = bytes
        let position = 8 + headerLength + Int(generator.next() % UInt64(bytes.count - 8 - headerLength))
        copy[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
        if openError(copy) != nil { rejected += 1 }
    }
    // Flips inside the vectors are undetectable; flips in the graph, offsets and postings are.
    #expect(rejected > 0)
}

@Test func foreignFilesAreNamedAsSuch() throws {
    var writer = SafetensorsWriter(metadata: ["format": "pt"])
    try writer.add(name: "weight", floats: [1, 2, 3, 4], shape: [2, 2])
    let model = writer.encodedHeader() + [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].map { UInt8($0) }
    #expect(openError(model) == "FILE: not a valid lorag index: format is \"pt\", expected \"lorag-index\"")
    var plain = SafetensorsWriter()
    try plain.add(name: "x", int64s: [1], shape: [1])
    let message = openError(plain.encodedHeader() + [1, 0, 0, 0, 0, 0, 0, 0])
    #expect(message?.contains("no \"format\"") == true)
    #expect(openError(Array("hello, world, this is text".utf8))?.hasPrefix("FILE: not a valid lorag index:") == true)
    #expect(throws: VectorIndexError.self) { try KnowledgeBase(contentsOf: "/nonexistent/kb.idx") }
}
