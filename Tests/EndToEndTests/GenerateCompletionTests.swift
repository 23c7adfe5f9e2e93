import Foundation
import Testing

/// `generate` on the real SmolLM2 model through real pipes: greedy text against the PyTorch
/// reference, seeds, lengths and stops, grounded prompts, pipes and bad input.
@Suite struct GenerateCompletionTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/generate")

    /// A row of Fixtures/generate/greedy.jsonl (see its MANIFEST.md).
    struct GreedyRow: Decodable {
        var id: Int
        var kind: String
        var steps: Int
        var finish_reason: String
        var expected: String
        var prompt: String?
        var messages: [[String: String]]?
    }

    static func model() throws -> String {
        try #require(FileManager.default.fileExists(atPath: GenerateTests.smolLM2),
                     "\(GenerateTests.smolLM2) is missing: run `make models`")
        return GenerateTests.smolLM2
    }

    /// Runs generate on the default model and parses its JSONL output.
    static func records(_ arguments: [String], stdin: String) throws -> (ProgramRunner.Outcome, [[String: Any]]) {
        let outcome = try ProgramRunner.run("generate", ["--model", try model()] + arguments, stdin: stdin)
        let records = try outcome.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a record: \(line)")
        }
        return (outcome, records)
    }

    static func line(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Greedy completions equal transformers' float32 chain up to its first fragile step: plain
    /// prompts fed as written (`--raw`), chat prompts as `{"messages"}` through the GGUF's template.
    @Test(arguments: ["plain", "chat"])
    func greedyTextMatchesTheReference(kind: String) throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("greedy.jsonl"), encoding: .utf8)
        let rows = try text.split(separator: "\n").map { try JSONDecoder().decode(GreedyRow.self, from: Data($0.utf8)) }
            .filter { $0.kind == kind }
        try #require(rows.count == 2)
        let input = try rows.map { row in
            try Self.line(row.messages.map { ["messages": $0, "id": row.id] } ?? ["prompt": row.prompt!, "id": row.id])
        }.joined(separator: "\n")
        let (outcome, records) = try Self.records((kind == "plain" ? ["--raw"] : []) + ["--max-tokens", "32"], stdin: input)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        try #require(records.count == rows.count)
        for (row, record) in zip(rows, records) {
            #expect(record["id"] as? Int == row.id)
            #expect(record["completion"] as? String == row.expected, "prompt \(row.id)")
            #expect(record["finish_reason"] as? String == row.finish_reason, "prompt \(row.id)")
            let tokens = try #require(record["tokens"] as? [String: Int])
            #expect(tokens["completion"] == row.steps, "prompt \(row.id)")
        }
    }

    @Test func aSeedReproducesSampledOutputExactly() throws {
        let input = "Write a short story about a lighthouse.\nName three colours."
        let sample = ["--temperature", "1.0", "--top-k", "0", "--top-p", "1", "--min-p", "0", "--max-tokens", "24"]
        let (first, a) = try Self.records(sample + ["--seed", "42"], stdin: input)
        let (second, b) = try Self.records(sample + ["--seed", "42"], stdin: input)
        let (_, c) = try Self.records(sample + ["--seed", "43"], stdin: input)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        #expect(a.count == 2)
        #expect(first.stdout == second.stdout)
        // 48 tokens drawn from the whole distribution: another seed gives another text.
        #expect(a.map { $0["completion"] as? String } != c.map { $0["completion"] as? String })
    }

    @Test func maxTokensAndStopStringsSetTheFinishReason() throws {
        let prompts = "Retrieval-augmented generation works by\nThe capital of France is"
        let (limited, short) = try Self.records(["--raw", "--max-tokens", "5"], stdin: prompts)
        #expect(limited.status == 0, "\(limited.stderr)")
        try #require(short.count == 2)
        // The first five tokens of the reference chain: " using", " AI", " to", " create", " a".
        #expect(short[0]["completion"] as? String == " using AI to create a")
        #expect(short[0]["finish_reason"] as? String == "length")
        #expect((short[0]["tokens"] as? [String: Int])?["completion"] == 5)

        // " Paris" then "." : the stop string is cut off and the completion ends there.
        let (stopped, cut) = try Self.records(["--raw", "--max-tokens", "32", "--stop", "."],
                                              stdin: "The capital of France is")
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(cut.first?["completion"] as? String == " Paris")
        #expect(cut.first?["finish_reason"] as? String == "stop")
    }

    @Test func aRetrieveRecordGetsANumberedGroundedPromptAndSources() throws {
        let record: [String: Any] = [
            "query": "Which port does the server listen on?", "id": "q1", "meta": ["team": "ops"],
            "hits": [["id": "guide.md#1", "text": "The server listens on port 8080.", "source": "guide.md", "score": 0.9],
                     ["id": "keys.md#3", "text": "Keys rotate every 30 days.", "source": "keys.md", "score": 0.5]],
        ]
        let (outcome, records) = try Self.records(["--max-tokens", "12", "--verbose-prompt"], stdin: try Self.line(record))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let out = try #require(records.first)
        #expect(out["id"] as? String == "q1")
        #expect(out["prompt"] as? String == "Which port does the server listen on?")
        #expect((out["meta"] as? [String: String]) == ["team": "ops"])
        #expect(out["hits"] == nil)
        let sources = try #require(out["sources"] as? [[String: Any]])
        #expect(sources.map { $0["citation"] as? Int } == [1, 2])
        #expect(sources.map { $0["id"] as? String } == ["guide.md#1", "keys.md#3"])
        #expect(sources.allSatisfy { $0["text"] == nil })
        // The prompt the model read, printed by --verbose-prompt: numbered passages, then the question.
        #expect(outcome.stderr.contains("generate: [1] (guide.md) The server listens on port 8080."), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("generate: [2] (keys.md) Keys rotate every 30 days."))
        #expect(outcome.stderr.contains("generate: Question: Which port does the server listen on?"))
    }

    @Test func hitsThatDoNotFitAreDroppedWithANote() throws {
        let long = String(repeating: "This passage is long and says little of use. ", count: 40)
        let record: [String: Any] = [
            "query": "What is in the passages?",
            "hits": [["id": "a", "text": "Short passage one."], ["id": "b", "text": long], ["id": "c", "text": long]],
        ]
        let (outcome, records) = try Self.records(["--ctx-size", "256", "--max-tokens", "8"], stdin: try Self.line(record))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let sources = try #require(records.first?["sources"] as? [[String: Any]])
        #expect(sources.map { $0["id"] as? String } == ["a"])
        #expect(outcome.stderr.contains("generate: <stdin>:1: warning: dropped 2 of 3 hits (ids b, c)"), "\(outcome.stderr)")
    }

    @Test func streamingWritesTheTextOfEachRecordOnItsOwnLine() throws {
        let prompt = "Retrieval-augmented generation works by"
        let outcome = try ProgramRunner.run("generate", ["--model", try Self.model(), "--raw", "--stream", "--max-tokens", "5"],
                                            stdin: prompt + "\n" + prompt)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == " using AI to create a\n using AI to create a\n")
    }

    @Test func timingsReportPromptAndGenerationSpeed() throws {
        let (outcome, records) = try Self.records(["--raw", "--max-tokens", "6", "--timings", "--threads", "1"],
                                                  stdin: "The capital of France is")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let record = try #require(records.first)
        let timings = try #require(record["timings"] as? [String: Double])
        #expect(timings["prompt_n"] == Double((record["tokens"] as? [String: Int])?["prompt"] ?? -1))
        #expect(timings["predicted_n"] == 5)  // six tokens, the last never fed back
        #expect((timings["prompt_per_second"] ?? 0) > 0)
        #expect((timings["predicted_per_second"] ?? 0) > 0)
    }

    @Test func aClosedPipeEndsQuietlyWithStatusZero() throws {
        let generate = ProgramRunner.productsDirectory.appendingPathComponent("generate").path
        let script = "printf 'one\\ntwo\\nthree\\n' | '\(generate)' --model '\(try Self.model())' --raw --max-tokens 16 "
            + "| head -c 10 >/dev/null; echo \"${PIPESTATUS[1]}\""
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let status = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(status == "0\n", "\(stderr)")
        #expect(stderr.isEmpty)
    }

    @Test func aBadLineIsADataErrorNamingFileAndLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("generate-bad-\(getpid()).jsonl")
        try Data("The capital of France is\n\n{\"messages\": 3}\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try ProgramRunner.run("generate", ["--model", try Self.model(), "--raw", "--max-tokens", "2", file.path])
        #expect(outcome.status == 65)
        // The record before the bad line was already written.
        #expect(outcome.stdout.split(separator: "\n").count == 1)
        #expect(outcome.stderrLines.first?.hasPrefix("generate: \(file.path):3: \"messages\" must be") == true, "\(outcome.stderr)")
    }
}
