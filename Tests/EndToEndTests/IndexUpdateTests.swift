import Foundation
import Testing

// Incremental updates and bad input, through the built `lorag-index` and `retrieve`.

@Test func reindexingAnUnchangedCorpusChangesNothingAndCostsLittle() throws {
    let directory = try IndexPrograms.scratchDirectory("unchanged")
    defer { try? FileManager.default.removeItem(at: directory) }
    let corpus = IndexTestCorpus(count: 4000, dim: 48, version: "one", seed: 21)
    let input = try corpus.write(to: directory, name: "records.jsonl")
    let index = directory.appendingPathComponent("kb.idx").path

    _ = try IndexPrograms.update(index, from: input)
    let before = try Data(contentsOf: URL(fileURLWithPath: index))
    let modified = try FileManager.default.attributesOfItem(atPath: index)[.modificationDate] as? Date

    let again = try IndexPrograms.update(index, from: input, extra: ["--prune"])
    #expect(again.stderr.contains("0 added, 0 replaced, 4000 unchanged, 0 deleted"), "\(again.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: index)) == before)
    #expect(try FileManager.default.attributesOfItem(atPath: index)[.modificationDate] as? Date == modified,
            "an unchanged corpus must not rewrite the file")
    // "Costs little" is shown by what did not happen (no graph insertion, no write); how long it
    // takes belongs in Benchmarks/vindex, not in a timed test that a loaded machine can fail.
}

@Test func changingOneDocumentReplacesExactlyItsChunks() throws {
    let directory = try IndexPrograms.scratchDirectory("onedoc")
    defer { try? FileManager.default.removeItem(at: directory) }
    // 50 documents of 4 chunks each; document 17's text changes in every chunk.
    func chunks(changing changed: Int?) -> String {
        var vectors = IndexTestCorpus(count: 200, dim: 16, version: "v", seed: 31).records.map(\.vector).makeIterator()
        var lines = ""
        for doc in 0..<50 {
            for chunk in 0..<4 {
                let text = doc == changed ? "document \(doc) part \(chunk), revised" : "document \(doc) part \(chunk)"
                let vector = vectors.next()!.map { String($0) }.joined(separator: ",")
                lines += "{\"id\":\"doc\(doc)#\(chunk)\",\"doc_id\":\"doc\(doc)\",\"text\":\"\(text)\",\"embedding\":[\(vector)]}\n"
            }
        }
        return lines
    }
    let first = directory.appendingPathComponent("first.jsonl"), second = directory.appendingPathComponent("second.jsonl")
    try Data(chunks(changing: nil).utf8).write(to: first)
    try Data(chunks(changing: 17).utf8).write(to: second)
    let index = directory.appendingPathComponent("kb.idx").path
    _ = try IndexPrograms.update(index, from: first.path)
    let before = try IndexPrograms.exportedContents(index)
    let outcome = try IndexPrograms.update(index, from: second.path)
    #expect(outcome.stderr.contains("0 added, 4 replaced, 196 unchanged, 0 deleted"), "\(outcome.stderr)")
    let after = try IndexPrograms.exportedContents(index)
    #expect(before.subtracting(after) == Set((0..<4).map { "doc17#\($0)|document 17 part \($0)" }))
    #expect(after.subtracting(before) == Set((0..<4).map { "doc17#\($0)|document 17 part \($0), revised" }))
}

@Test func corruptTruncatedAndForeignIndexFilesAreClearErrors() throws {
    let directory = try IndexPrograms.scratchDirectory("badfile")
    defer { try? FileManager.default.removeItem(at: directory) }
    let corpus = IndexTestCorpus(count: 300, dim: 16, version: "v", seed: 41)
    let input = try corpus.write(to: directory, name: "records.jsonl")
    let good = directory.appendingPathComponent("good.idx").path
    _ = try IndexPrograms.update(good, from: input)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
    let query = "{\"query\":\"record 3\",\"embedding\":[\(corpus.records[3].vector.map { String($0) }.joined(separator: ","))]}\n"

    func outcome(of contents: [UInt8], _ name: String, mode: String = "dense") throws -> (ProgramRunner.Outcome, String) {
        let path = directory.appendingPathComponent(name).path
        try Data(contents).write(to: URL(fileURLWithPath: path))
        return (try ProgramRunner.run("retrieve", ["--index", path, "--mode", mode, "--exact"], stdin: query), path)
    }
    var cases: [(String, [UInt8])] = [
        ("empty.idx", []),
        ("text.idx", Array("id,text\n1,hello\n".utf8)),
        ("half.idx", Array(bytes.prefix(bytes.count / 2))),
        ("oneshort.idx", Array(bytes.dropLast())),
        ("header.idx", Array(bytes.prefix(64))),
    ]
    // A safetensors file that is not an index: the index's own header, relabelled.
    let label = Array("lorag-index".utf8)
    if let offset = (0...(bytes.count - label.count)).first(where: { bytes[$0..<($0 + label.count)].elementsEqual(label) }) {
        var foreign = bytes
        foreign.replaceSubrange(offset..<(offset + label.count), with: Array("other-index".utf8))
        cases.append(("foreign.idx", foreign))
    }
    #expect(cases.count == 6, "the file's header names its format \"lorag-index\"")
    for (name, contents) in cases {
        let (result, path) = try outcome(of: contents, name)
        #expect(result.status == 65 || result.status == 1, "\(name): status \(result.status), \(result.stderr)")
        #expect(result.stderr.contains(path), "\(name): the message names the file: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
    // Flipped bytes anywhere: a clear error or an answer, never a crash (status ≥ 128 or a signal).
    var generator = SystemRandomNumberGenerator()
    for round in 0..<12 {
        var copy = bytes
        let position = Int.random(in: 0..<copy.count, using: &generator)
        copy[position] ^= UInt8.random(in: 1...255, using: &generator)
        for mode in ["dense", "bm25"] {
            let (result, _) = try outcome(of: copy, "flipped-\(round).idx", mode: mode)
            #expect([0, 1, 65].contains(result.status), "byte \(position) flipped, \(mode): status \(result.status), \(result.stderr)")
        }
    }
    let missing = try ProgramRunner.run("retrieve", ["--index", directory.appendingPathComponent("absent.idx").path], stdin: query)
    #expect(missing.status == 1 && missing.stderr.contains("absent.idx"), "\(missing.stderr)")
}

@Test func anEmbeddingOfTheWrongDimensionNamesItsLine() throws {
    let directory = try IndexPrograms.scratchDirectory("wrongdim")
    defer { try? FileManager.default.removeItem(at: directory) }
    var corpus = IndexTestCorpus(count: 5, dim: 8, version: "v", seed: 51)
    corpus.records[3].vector.removeLast()
    let input = try corpus.write(to: directory, name: "records.jsonl")
    let index = directory.appendingPathComponent("kb.idx").path
    let outcome = try ProgramRunner.run("lorag-index", ["--into", index, input])
    #expect(outcome.status == 65, "\(outcome.stderr)")
    #expect(outcome.stderr.contains("records.jsonl:4"), "\(outcome.stderr)")
    #expect(outcome.stderr.contains("dimension 7, expected 8"), "\(outcome.stderr)")
    #expect(!FileManager.default.fileExists(atPath: index), "a failed first build leaves no file")

    // The same through stdin, and a query of the wrong dimension.
    let fromStdin = try ProgramRunner.run("lorag-index", [], stdin: corpus.jsonl)
    #expect(fromStdin.status == 65 && fromStdin.stderr.contains("<stdin>:4"), "\(fromStdin.stderr)")
    corpus.records[3].vector.append(0.5)
    _ = try IndexPrograms.update(index, from: try corpus.write(to: directory, name: "fixed.jsonl"))
    let query = "{\"query\":\"a\",\"embedding\":[1,0,0,0,0,0,0,0]}\n{\"query\":\"b\",\"embedding\":[1,0]}\n"
    let answer = try ProgramRunner.run("retrieve", ["--index", index], stdin: query)
    #expect(answer.status == 65 && answer.stderr.contains("<stdin>:2") && answer.stderr.contains("dimension 2, expected 8"),
            "\(answer.stderr)")

    // A batch is parsed on several threads; the first bad line in input order is the one named.
    var lines = Array(repeating: "{\"query\":\"a\",\"embedding\":[1,0,0,0,0,0,0,0]}", count: 300)
    lines[119] = "{\"query\": oops"
    lines[249] = "{not json either"
    let batch = try ProgramRunner.run("retrieve", ["--index", index, "--batch", "300", "--threads", "2"],
                                      stdin: lines.joined(separator: "\n") + "\n")
    #expect(batch.status == 65 && batch.stderr.contains("<stdin>:120:") && !batch.stderr.contains("<stdin>:250"),
            "\(batch.stderr)")
}
