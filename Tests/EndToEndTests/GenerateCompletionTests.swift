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

/// `--lora` and `--merge` on the real model with a small PEFT adapter written by the test, and
/// (where /work/shared is mounted; the adapter is 9.8 MB) PEFT's trained reference adapter.
@Suite struct GenerateLoRATests {
    /// A PEFT folder adapting q_proj and down_proj of blocks 0-3 with rank 2; A and B are fixed
    /// patterns (no Python needed), strong enough to change greedy text.
    static func writeAdapter() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("generate-lora-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var tensors: [(String, [Int], [Float])] = []
        for layer in 0..<4 {
            for (module, out, inner) in [("self_attn.q_proj", 576, 576), ("mlp.down_proj", 576, 1536)] {
                let key = "base_model.model.model.layers.\(layer).\(module)"
                tensors.append((key + ".lora_A.weight", [2, inner], (0..<(2 * inner)).map { Float(($0 * 7 + layer) % 13) / 13 - 0.5 }))
                tensors.append((key + ".lora_B.weight", [out, 2], (0..<(out * 2)).map { Float(($0 * 5 + layer) % 11) / 11 - 0.5 }))
            }
        }
        // safetensors: an 8-byte little-endian header length, the JSON header, then the data.
        var header: [String: Any] = [:]
        var data = Data()
        for (name, shape, values) in tensors {
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [data.count, data.count + 4 * values.count]]
            values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(data)
        try file.write(to: folder.appendingPathComponent("adapter_model.safetensors"))
        let config = #"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["q_proj", "down_proj"]}"#
        try Data(config.utf8).write(to: folder.appendingPathComponent("adapter_config.json"))
        return folder
    }

    static func completion(_ arguments: [String]) throws -> String {
        let (outcome, records) = try GenerateCompletionTests.records(["--raw", "--max-tokens", "12"] + arguments,
                                                                     stdin: "The capital of France is")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return try #require(records.first?["completion"] as? String)
    }

    @Test func anAdapterChangesTheTextAndMergingItDoesNot() throws {
        let adapter = try Self.writeAdapter()
        defer { try? FileManager.default.removeItem(at: adapter) }
        let base = try Self.completion([])
        let adapted = try Self.completion(["--lora", adapter.path])
        #expect(adapted != base)
        #expect(try Self.completion(["--lora", adapter.path, "--merge"]) == adapted)
        // Scale 0 switches the adapter off.
        #expect(try Self.completion(["--lora", adapter.path + ":0"]) == base)
    }

    @Test func aMissingAdapterIsAnError() throws {
        let outcome = try ProgramRunner.run("generate", ["--model", try GenerateCompletionTests.model(), "--lora", "/nonexistent/adapter"],
                                            stdin: "hello")
        #expect(outcome.status != 0)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderrLines.first?.hasPrefix("generate: ") == true)
        #expect(outcome.stderr.contains("/nonexistent/adapter"), "\(outcome.stderr)")
    }

    static let reference = URL(fileURLWithPath: "/work/shared/reference/lora")

    /// PEFT's trained pirate adapter answers as transformers+PEFT did (after_training.jsonl, greedy to EOS).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/work/shared/reference/lora/trained_adapter")))
    func peftsTrainedAdapterReproducesItsGreedyAnswer() throws {
        let (outcome, records) = try GenerateCompletionTests.records(
            ["--lora", Self.reference.appendingPathComponent("trained_adapter").path, "--max-tokens", "40"],
            stdin: #"{"messages": [{"role": "user", "content": "What is the color of the ocean?"}]}"#)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(records.first?["completion"] as? String == "Arr, matey! The ocean be blue. Yo ho ho!")
    }
}
