import Foundation
import Testing

/// `embed` through real pipes, with the default model (run `make models` first).
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/embed")

private func requireModel() throws {
    let model = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors")
    try #require(FileManager.default.fileExists(atPath: model.path), "\(model.path) is missing: run `make models`")
}

private func records(_ stdout: String) throws -> [[String: Any]] {
    try stdout.split(separator: "\n").map {
        try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
}

@Test func embedAddsTwoFieldsAndPassesTheRestThrough() throws {
    try requireModel()
    let input = """
        {"id": "a", "text": "Rotate the keys every 90 days.", "meta": {"tags": ["ops", 1.50]}, "n": null}

        {"id": "b", "text": ""}
        """
    let outcome = try ProgramRunner.run("embed", ["--threads", "2"], stdin: input + "\n")
    #expect(outcome.status == 0)
    #expect(outcome.stderr.isEmpty, "\(outcome.stderr)")
    let lines = outcome.stdout.split(separator: "\n")
    try #require(lines.count == 2)
    // Field order and number literals are kept byte for byte; the two new fields come last.
    #expect(lines[0].hasPrefix(#"{"id":"a","text":"Rotate the keys every 90 days.","meta":{"tags":["ops",1.50]},"n":null,"embedding":["#))
    #expect(lines[0].hasSuffix(#""embedding_model":"all-MiniLM-L6-v2@sha256:53aa51172d142c89"}"#))
    let parsed = try records(outcome.stdout)
    let vector = try #require(parsed[1]["embedding"] as? [Double])
    #expect(vector.count == 384)
    #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)

    let base64 = try ProgramRunner.run("embed", ["--encoding", "base64"], stdin: input)
    let encoded = try #require(try records(base64.stdout)[1]["embedding"] as? String)
    #expect(Data(base64Encoded: encoded)?.count == 384 * 4)
}

@Test func badRecordsExit65OrAreSkippedWithACount() throws {
    try requireModel()
    let input = """
        {"id": 1, "text": "fine"}
        {"id": 2, "body": "no text"}
        not json
        {"id": 4, "text": "fine too"}
        """
    let strict = try ProgramRunner.run("embed", [], stdin: input)
    #expect(strict.status == 65)
    #expect(strict.stderrLines.last == #"embed: <stdin>:2: expected a string in field "text", found no such field"#)
    #expect(try records(strict.stdout).compactMap { $0["id"] as? Int } == [1], "records before the bad one come out")

    let lenient = try ProgramRunner.run("embed", ["--skip-bad"], stdin: input)
    #expect(lenient.status == 0)
    #expect(try records(lenient.stdout).compactMap { $0["id"] as? Int } == [1, 4])
    #expect(lenient.stderrLines.last == "embed: warning: skipped 2 bad records")
    #expect(lenient.stderrLines.allSatisfy { $0.hasPrefix("embed: ") })

    let field = try ProgramRunner.run("embed", ["--field", "body", "--skip-bad", "--quiet"], stdin: input)
    #expect(try records(field.stdout).compactMap { $0["id"] as? Int } == [2])
    #expect(field.stderr.isEmpty)
}

@Test func truncationIsReportedOrAnError() throws {
    try requireModel()
    let input = #"{"text": "\#(String(repeating: "word ", count: 300))"}"# + "\n"
    let warn = try ProgramRunner.run("embed", [], stdin: input)
    #expect(warn.status == 0)
    #expect(warn.stderrLines == ["embed: warning: 1 of 1 texts were longer than 256 tokens and were truncated"])
    let error = try ProgramRunner.run("embed", ["--on-truncate=error"], stdin: input)
    #expect(error.status == 65)
    #expect(error.stderrLines.last?.hasPrefix("embed: <stdin>:1: text has 302 tokens") == true, "\(error.stderr)")
}

@Test func npyFormatWritesOneArrayAndTheIds() throws {
    try requireModel()
    let idsPath = FileManager.default.temporaryDirectory.appendingPathComponent("embed-ids-\(getpid()).jsonl").path
    defer { try? FileManager.default.removeItem(atPath: idsPath) }
    let input = try String(contentsOf: fixtures.appendingPathComponent("sentences.jsonl"), encoding: .utf8)
    let process = Process()
    process.executableURL = ProgramRunner.productsDirectory.appendingPathComponent("embed")
    process.arguments = ["--format", "npy", "--ids", idsPath, "--quiet"]
    let inPipe = Pipe(), outPipe = Pipe()
    process.standardInput = inPipe
    process.standardOutput = outPipe
    try process.run()
    nonisolated(unsafe) var out = Data()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { out = outPipe.fileHandleForReading.readDataToEndOfFile() }
    try inPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
    try inPipe.fileHandleForWriting.close()
    group.wait()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let expected = try Data(contentsOf: fixtures.appendingPathComponent("embeddings.npy"))
    // Same header as NumPy writes for float32 [85, 384]; the values agree to float32 rounding.
    let headerLength = 10 + Int(expected[8]) + Int(expected[9]) << 8
    #expect(out.count == expected.count)
    #expect(out.prefix(headerLength) == expected.prefix(headerLength))
    var maxDiff: Float = 0
    out.withUnsafeBytes { a in
        expected.withUnsafeBytes { b in
            for i in stride(from: headerLength, to: min(a.count, b.count), by: 4) {
                maxDiff = max(maxDiff, abs(a.loadUnaligned(fromByteOffset: i, as: Float.self)
                                           - b.loadUnaligned(fromByteOffset: i, as: Float.self)))
            }
        }
    }
    #expect(maxDiff <= 1e-4)
    let ids = try String(contentsOfFile: idsPath, encoding: .utf8).split(separator: "\n")
    #expect(ids == (0..<85).map { Substring(String($0)) })
}

@Test func aClosedPipeEndsQuietlyWithStatusZero() throws {
    try requireModel()
    let embed = ProgramRunner.productsDirectory.appendingPathComponent("embed").path
    let sentences = fixtures.appendingPathComponent("sentences.jsonl").path
    // 255 records of 384 floats is far more than a pipe buffer, so embed is still writing when
    // head exits.
    let script = #"cat "$2" "$2" "$2" | "$1" | head -1 | wc -l; echo "status ${PIPESTATUS[1]}""#
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/bin/bash")
    shell.arguments = ["-c", script, "bash", embed, sentences]
    let output = Pipe(), errors = Pipe()
    shell.standardOutput = output
    shell.standardError = errors
    try shell.run()
    let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    shell.waitUntilExit()
    #expect(out.split(separator: "\n") == ["1", "status 0"])
    #expect(err.isEmpty, "\(err)")
}
