import Chunking
import Foundation
import LoragBasics
import Testing

/// `chunk` run as a user runs it, on the Chunking fixtures and on stdin.
@Suite struct ChunkTests {
    static let fixtures = ChunkFiles.packageRoot + "/Tests/Fixtures/chunking"

    @Test func directoryRecordsFollowTheContract() throws {
        let outcome = try ProgramRunner.run("chunk", ["--max-chars", "300", "--glob", "guide.md", "--glob", "page.html",
                                                      Self.fixtures])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.isEmpty)
        let records = try ChunkFiles.records(outcome.stdout)
        #expect(records.map { $0.keys } .allSatisfy {
            $0 == ["id", "doc_id", "source", "title", "section", "text", "start", "end", "hash", "meta"]
        })
        // doc_id is relative to the directory argument; source is the path that was read.
        #expect(Set(records.compactMap { $0["doc_id"]?.stringValue }) == ["guide.md", "page.html"])
        let guide = records.filter { $0["doc_id"] == "guide.md" }
        #expect(guide.first?["source"]?.stringValue == Self.fixtures + "/guide.md")
        #expect(guide.map { $0["id"]?.stringValue } == guide.indices.map { "guide.md#\($0)" })
        #expect(guide.first?["title"] == "Key rotation guide")
        #expect(guide.contains { $0["section"] == "Operations > Keys" })
        // Front matter goes to meta, with its literal numbers.
        #expect(guide.first?["meta"]?["version"]?.numberValue?.text == "1.0")
        #expect(guide.first?["meta"]?["tags"] == ["security", "keys"])
        for record in records {
            let text = try #require(record["text"]?.stringValue)
            #expect(text.unicodeScalars.count <= 300)
            #expect(record["end"]!.intValue! - record["start"]!.intValue! == text.unicodeScalars.count)
            #expect(record["hash"]?.stringValue == "sha256:" + SHA256.hash(text).hex)
        }
        #expect(!outcome.stdout.contains("MUST-NOT-APPEAR"), "script text leaked")
    }

    @Test func jsonlDocumentsPassTheirOtherFieldsThrough() throws {
        let input = """
            {"id": "faq-1", "text": "First paragraph about keys.\\n\\nSecond paragraph about rotation, which is longer.", "url": "https://example.com/faq#1", "tags": ["a", {"b": 2.50}], "meta": {"lang": "en"}}

            {"id": 7, "text": "Numeric id.", "source": "db/row/7", "title": "Row seven", "start": 99}
            """
        let outcome = try ProgramRunner.run("chunk", ["--max-chars", "60"], stdin: input)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let records = try ChunkFiles.records(outcome.stdout)
        let faq = records.filter { $0["doc_id"] == "faq-1" }
        #expect(faq.count == 2)
        for (n, record) in faq.enumerated() {
            #expect(record["id"]?.stringValue == "faq-1#\(n)")
            #expect(record["source"] == "faq-1")
            #expect(record["meta"] == ["lang": "en"])
            #expect(record.keys.suffix(2) == ["url", "tags"])
        }
        // Passed through byte for byte, 2.50 included.
        #expect(outcome.stdout.contains(#""url":"https://example.com/faq#1","tags":["a",{"b":2.50}]}"#))
        let row = try #require(records.first { $0["doc_id"] == "7" })
        #expect(row["id"] == "7#0" && row["source"] == "db/row/7" && row["title"] == "Row seven")
        // An input field named like a record field does not override the chunk's own.
        #expect(row["start"] == 0 && row["meta"] == .object(JSONObject()))
    }

    @Test func aBadJSONLDocumentStopsWithItsLine() throws {
        let input = #"{"id": "a", "text": "fine"}"# + "\n" + #"{"id": "b", "txt": "typo"}"# + "\n"
        let outcome = try ProgramRunner.run("chunk", ["--max-chars", "40"], stdin: input)
        #expect(outcome.status == 65)
        #expect(outcome.stderrLines.last == #"chunk: <stdin>:2: field "text": expected a string, found no such field"#)
        #expect(try ChunkFiles.records(outcome.stdout).count == 1, "records before the error are written")

        let duplicate = try ProgramRunner.run("chunk", ["--max-chars", "40"], stdin: #"{"id": "a", "text": "x"}"# + "\n" + #"{"id": "a", "text": "y"}"#)
        #expect(duplicate.status == 65)
        #expect(duplicate.stderr.contains("<stdin>:2: id \"a\" was already used at line 1"), "\(duplicate.stderr)")
    }

    @Test func plainTextOnStdinWithDash() throws {
        let outcome = try ProgramRunner.run("chunk", ["--max-chars", "25", "-"],
                                            stdin: "\u{FEFF}One sentence here. Another one there.\n\nA 𝄞 paragraph.\n")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let records = try ChunkFiles.records(outcome.stdout)
        #expect(records.map { $0["text"]?.stringValue } == ["One sentence here.", "Another one there.", "A 𝄞 paragraph."])
        #expect(records.map { $0["id"]?.stringValue } == ["<stdin>#0", "<stdin>#1", "<stdin>#2"])
        // Offsets count scalars after the dropped BOM: 𝄞 is one.
        #expect(records.last?["start"] == 39 && records.last?["end"] == 53)
    }

    @Test func filesFromNULSeparatedStdin() throws {
        let list = ["guide.md", "page.html"].map { Self.fixtures + "/" + $0 }.joined(separator: "\0") + "\0"
        let outcome = try ProgramRunner.run("chunk", ["--max-chars", "2000", "--files0-from", "-"], stdin: list)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let docs = try ChunkFiles.records(outcome.stdout).compactMap { $0["doc_id"]?.stringValue }
        #expect(Set(docs) == [Self.fixtures + "/guide.md", Self.fixtures + "/page.html"])
    }

    @Test func aBinaryFileIsSkippedWithAWarningAndExit65() throws {
        let arguments = ["--max-chars", "500", Self.fixtures + "/binary.txt", Self.fixtures + "/guide.md"]
        let outcome = try ProgramRunner.run("chunk", arguments)
        #expect(outcome.status == 65)
        #expect(outcome.stderrLines == ["chunk: warning: \(Self.fixtures)/binary.txt: binary file (NUL byte at offset 7), skipped"])
        #expect(try ChunkFiles.records(outcome.stdout).allSatisfy { $0["doc_id"]?.stringValue?.hasSuffix("guide.md") == true })
        #expect(!outcome.stdout.isEmpty, "the other file is still chunked")

        let strict = try ProgramRunner.run("chunk", ["--strict"] + arguments)
        #expect(strict.status == 65)
        #expect(strict.stdout.isEmpty, "--strict stops at the binary file, before guide.md")
        #expect(strict.stderrLines == ["chunk: \(Self.fixtures)/binary.txt: binary file (NUL byte at offset 7), skipped"])
    }

    @Test func lossyAndStatsOnTheWholeFixtureFolder() throws {
        let plain = try ProgramRunner.run("chunk", ["--max-chars", "400", "--stats", Self.fixtures])
        #expect(plain.status == 65)
        let warnings = plain.stderrLines.filter { $0.hasPrefix("chunk: warning: ") }
        #expect(warnings.count == 3, "binary.txt, invalid-utf8.txt, bad.xml: \(plain.stderr)")
        #expect(plain.stderr.contains("invalid-utf8.txt: invalid UTF-8 at byte offset 10"))
        let summary = try #require(plain.stderrLines.first { $0.contains(" documents, ") })
        let records = try ChunkFiles.records(plain.stdout)
        let characters = records.reduce(0) { $0 + $1["text"]!.stringValue!.unicodeScalars.count }
        let documents = try FileCollector().collect(Self.fixtures).files.count - 3
        #expect(summary == "chunk: \(documents) documents, \(records.count) chunks, \(characters) characters, 3 skipped")
        // (secret.txt is itself a fixture, so only xxe.xml's chunks are looked at.)
        #expect(!records.filter { $0["doc_id"] == "xxe.xml" }.isEmpty)
        #expect(!records.contains { $0["doc_id"] == "xxe.xml" && $0["text"]!.stringValue!.contains("SECRET-XXE-CONTENT") },
                "xxe.xml's external entity was loaded")

        let lossy = try ProgramRunner.run("chunk", ["--max-chars", "400", "--lossy", "--quiet", Self.fixtures])
        #expect(lossy.status == 65)
        #expect(lossy.stderr.isEmpty, "--quiet silences warnings")
        #expect(lossy.stdout.contains(#""doc_id":"invalid-utf8.txt""#))
        #expect(lossy.stdout.contains("\u{FFFD}"))
    }

    @Test func theSameRelativePathFromTwoDirectoriesIsRefused() throws {
        let outcome = try ProgramRunner.run("chunk", ["--max-chars", "400", "--glob", "guide.md", Self.fixtures, Self.fixtures + "/"])
        #expect(outcome.status == 65)
        #expect(outcome.stderr.contains(#"doc_id "guide.md" is already used by "#), "\(outcome.stderr)")
        #expect(try ChunkFiles.records(outcome.stdout).count == 3)
    }

    @Test func contradictoryOptionsAreUsageErrors() throws {
        for arguments in [["--max-chars", "10", "--max-tokens", "10"], ["--max-chars", "10", "--overlap", "10"],
                          ["--max-chars", "10", "--min-tokens", "2"], ["--max-tokens", "0"]] {
            let outcome = try ProgramRunner.run("chunk", arguments + [Self.fixtures + "/guide.md"])
            #expect(outcome.status == 64, "\(arguments)")
            #expect(outcome.stdout.isEmpty)
        }
        let missing = try ProgramRunner.run("chunk", ["--model", "/nonexistent", Self.fixtures + "/guide.md"])
        #expect(missing.status == 1)
        #expect(missing.stderrLines.first == "chunk: --model /nonexistent: no such file or directory")
    }
}
