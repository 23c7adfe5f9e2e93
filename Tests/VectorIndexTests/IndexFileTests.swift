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

@Test func aRecordThatIsNotJSONIsNamedByTheLowestSlot() throws {
    // 3,000 records: checked in two parts on two threads; the error names the lowest bad slot
    // whichever part finds its own first.
    let kb = KnowledgeBase(configuration: smallConfiguration())
    _ = try kb.update(with: makeRecords(ClusteredVectors(dim: 16, clusters: 4, seed: 5).sample(count: 3000, stream: 1),
                                        range: 0..<3000))
    let bytes = kb.fileBytes()
    func breaking(_ slots: [Int]) throws -> [UInt8] {
        var copy = bytes
        for slot in slots {
            // The text's closing quote becomes a control character: the record is no longer JSON.
            let marker = Array("number\(slot)\"".utf8)
            let start = try #require((0...(copy.count - marker.count)).first { Array(copy[$0..<($0 + marker.count)]) == marker })
            copy[start + marker.count - 1] = 0x01
        }
        return copy
    }
    #expect(openError(try breaking([2900]))?.contains("record 2900 (id \"doc2900\") is not a JSON object") == true)
    #expect(openError(try breaking([2900, 1200]))?.contains("record 1200 (id \"doc1200\") is not a JSON object") == true)
}
