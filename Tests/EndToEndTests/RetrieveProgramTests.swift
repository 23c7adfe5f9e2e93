import Foundation
import Testing

// `retrieve` embedding its queries with the index's model, through real pipes (run `make models`).

private func requireModel() throws {
    let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors")
    try #require(FileManager.default.fileExists(atPath: model.path), "\(model.path) is missing: run `make models`")
}

private let passages = [
    "The cat sat on the mat and purred.",
    "Quantum chromodynamics describes the strong interaction between quarks and gluons.",
    "Bread is baked in a hot oven until the crust is brown.",
    "The Nile is the longest river in Africa.",
    "Photosynthesis turns sunlight, water and carbon dioxide into sugar.",
    "A mortgage is a loan secured by a house.",
]

/// Embeds the passages with `embed` and indexes them; returns the index path.
private func passageIndex(in directory: URL) throws -> String {
    let records = passages.enumerated().map { "{\"id\":\"p\($0)\",\"text\":\"\($1)\"}" }.joined(separator: "\n") + "\n"
    let embedded = try ProgramRunner.run("embed", ["--encoding", "base64"], stdin: records)
    try #require(embedded.status == 0, "\(embedded.stderr)")
    let path = directory.appendingPathComponent("kb.idx").path
    let input = directory.appendingPathComponent("embedded.jsonl")
    try Data(embedded.stdout.utf8).write(to: input)
    _ = try IndexPrograms.update(path, from: input.path)
    return path
}

private func hits(_ stdout: String) throws -> [[(id: String, score: Double)]] {
    try stdout.split(separator: "\n").map { line in
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let hits = try #require(object["hits"] as? [[String: Any]])
        return hits.map { ($0["id"] as? String ?? "", ($0["score"] as? NSNumber)?.doubleValue ?? .nan) }
    }
}

private let questions = [
    "where do I bake bread",
    "{\"query\": \"physics of quarks\", \"id\": 7, \"k\": 1}",
    "which river is longest in Africa?",
    "how do plants make sugar",
    "a loan to buy a home",
]

@Test func textQueriesAreEmbeddedWithTheIndexModel() throws {
    try requireModel()
    let directory = try IndexPrograms.scratchDirectory("retrieve-text")
    defer { try? FileManager.default.removeItem(at: directory) }
    let index = try passageIndex(in: directory)
    let input = questions.joined(separator: "\n") + "\n"
    let answer = try ProgramRunner.run("retrieve", ["--index", index, "-k", "2", "--exact"], stdin: input)
    try #require(answer.status == 0, "\(answer.stderr)")
    let found = try hits(answer.stdout)
    #expect(found.map { $0.first?.id } == ["p2", "p1", "p3", "p4", "p5"])
    #expect(found.map(\.count) == [2, 1, 2, 2, 2])

    // One query at a time, through the graph, and in hybrid mode: the same best hits.
    for arguments in [["--batch", "1", "--exact"], [], ["--mode", "hybrid"]] {
        let other = try ProgramRunner.run("retrieve", ["--index", index, "-k", "2"] + arguments, stdin: input)
        try #require(other.status == 0, "\(other.stderr)")
        let again = try hits(other.stdout)
        #expect(again.map { $0.first?.id } == found.map { $0.first?.id }, "\(arguments)")
        if arguments.first == "--batch" {
            for (a, b) in zip(again.joined(), found.joined()) { #expect(a.id == b.id && abs(a.score - b.score) < 1e-5) }
        }
    }
}

@Test func aQueryEmbeddedByRetrieveEqualsOneEmbeddedByEmbed() throws {
    try requireModel()
    let directory = try IndexPrograms.scratchDirectory("retrieve-same")
    defer { try? FileManager.default.removeItem(at: directory) }
    let index = try passageIndex(in: directory)
    for (prefix, extra) in [("", [String]()), ("query: ", ["--prefix", "query: "])] {
        let byEmbed = try ProgramRunner.run("embed", ["--field", "query", "--encoding", "base64"] + extra,
                                            stdin: "{\"query\": \"how do plants make sugar\"}\n")
        try #require(byEmbed.status == 0, "\(byEmbed.stderr)")
        let given = try ProgramRunner.run("retrieve", ["--index", index, "-k", "6", "--exact"], stdin: byEmbed.stdout)
        let embedded = try ProgramRunner.run("retrieve", ["--index", index, "-k", "6", "--exact"] + extra,
                                             stdin: "how do plants make sugar\n")
        try #require(given.status == 0 && embedded.status == 0, "\(given.stderr)\(embedded.stderr)")
        let a = try hits(given.stdout).joined().map { $0 }, b = try hits(embedded.stdout).joined().map { $0 }
        #expect(a.map(\.id) == b.map(\.id), "prefix \"\(prefix)\"")
        for (x, y) in zip(a, b) { #expect(abs(x.score - y.score) < 1e-5, "prefix \"\(prefix)\": \(x) vs \(y)") }
    }
    let plain = try ProgramRunner.run("retrieve", ["--index", index, "-k", "1", "--exact"], stdin: "bread\n")
    let prefixed = try ProgramRunner.run("retrieve", ["--index", index, "-k", "1", "--exact", "--prefix", "query: "], stdin: "bread\n")
    #expect(try hits(plain.stdout)[0][0].score != hits(prefixed.stdout)[0][0].score, "--prefix must change the query text")
}

@Test func anIndexOfAnotherModelIsAClearError() throws {
    try requireModel()
    let directory = try IndexPrograms.scratchDirectory("retrieve-model")
    defer { try? FileManager.default.removeItem(at: directory) }
    let vector = (0..<384).map { $0 == 0 ? "1" : "0" }.joined(separator: ",")
    let record = "{\"id\":\"z\",\"text\":\"t\",\"embedding\":[\(vector)],\"embedding_model\":\"other-model@sha256:0123456789abcdef\"}\n"
    let input = directory.appendingPathComponent("other.jsonl")
    try Data(record.utf8).write(to: input)
    let index = directory.appendingPathComponent("kb.idx").path
    _ = try IndexPrograms.update(index, from: input.path)
    let answer = try ProgramRunner.run("retrieve", ["--index", index], stdin: "hello\n")
    #expect(answer.status == 1)
    #expect(answer.stderr.contains("other-model@sha256:0123456789abcdef"), "\(answer.stderr)")
    #expect(answer.stderr.contains("all-MiniLM-L6-v2@sha256:"), "\(answer.stderr)")
    // BM25 needs no model, and a query carrying its own embedding (base64 float32) needs none either.
    #expect(try ProgramRunner.run("retrieve", ["--index", index, "--mode", "bm25"], stdin: "t\n").status == 0)
    var one: Float = 1
    let base64 = (Data(bytes: &one, count: 4) + Data(count: 383 * 4)).base64EncodedString()
    let given = try ProgramRunner.run("retrieve", ["--index", index, "--exact"],
                                      stdin: "{\"query\":\"q\",\"embedding\":\"\(base64)\"}\n")
    #expect(given.status == 0, "\(given.stderr)")
    #expect(try hits(given.stdout).first?.first?.id == "z")
    #expect(abs((try hits(given.stdout).first?.first?.score ?? 0) - 1) < 1e-6)
}
