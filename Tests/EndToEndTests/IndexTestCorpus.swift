import Foundation

/// Synthetic embedded records for the index/retrieve program tests: `count` records of
/// `dim`-dimensional vectors drawn from a seeded generator, each with a text naming its
/// version, so that a reader can tell which version of the index answered.
struct IndexTestCorpus {
    struct Record {
        var id: String
        var text: String
        var vector: [Float]
    }

    var records: [Record]

    /// `version` goes into every text; `seed` fixes the vectors.
    init(count: Int, dim: Int, version: String, seed: UInt64, idPrefix: String = "doc") {
        var state = seed
        func next() -> Float {
            // SplitMix64 (Steele, Lea and Flood 2014), mapped to [-1, 1).
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 23) - 1
        }
        records = (0..<count).map { i in
            Record(id: "\(idPrefix)\(i)", text: "record \(i) of version \(version)", vector: (0..<dim).map { _ in next() })
        }
    }

    var jsonl: String {
        records.map { record in
            let numbers = record.vector.map { String($0) }.joined(separator: ",")
            return "{\"id\":\"\(record.id)\",\"text\":\"\(record.text)\",\"embedding\":[\(numbers)]}\n"
        }.joined()
    }

    /// "id|text" of every record: what an exported index must hold exactly.
    var contents: Set<String> { Set(records.map { "\($0.id)|\($0.text)" }) }

    /// Writes the JSONL to a file in `directory` and returns its path.
    func write(to directory: URL, name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(jsonl.utf8).write(to: url)
        return url.path
    }
}

/// Helpers around the built programs for the index tests.
enum IndexPrograms {
    /// A fresh directory under the temporary directory.
    static func scratchDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lorag-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts a program with stdin from a file and its outputs discarded; the caller waits or kills.
    static func start(_ product: String, _ arguments: [String], stdinPath: String) throws -> Process {
        let process = Process()
        process.executableURL = ProgramRunner.productsDirectory.appendingPathComponent(product)
        process.arguments = arguments
        process.standardInput = FileHandle(forReadingAtPath: stdinPath)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `lorag-index --into index` over the records in `input` and checks it succeeded.
    static func update(_ index: String, from input: String, extra: [String] = []) throws -> ProgramRunner.Outcome {
        let outcome = try ProgramRunner.run("lorag-index", ["--into", index] + extra + [input])
        guard outcome.status == 0 else {
            throw IndexTestFailure(message: "lorag-index --into failed (\(outcome.status)): \(outcome.stderr)")
        }
        return outcome
    }

    /// "id|text" of every record in the index file, read back through `lorag-index --export`.
    static func exportedContents(_ index: String) throws -> Set<String> {
        let outcome = try ProgramRunner.run("lorag-index", ["--export", index])
        guard outcome.status == 0 else {
            throw IndexTestFailure(message: "lorag-index --export \(index) failed (\(outcome.status)): \(outcome.stderr)")
        }
        var contents = Set<String>()
        for line in outcome.stdout.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let id = object?["id"] as? String, let text = object?["text"] as? String else {
                throw IndexTestFailure(message: "exported record without id or text: \(line.prefix(200))")
            }
            contents.insert("\(id)|\(text)")
        }
        return contents
    }
}

struct IndexTestFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
