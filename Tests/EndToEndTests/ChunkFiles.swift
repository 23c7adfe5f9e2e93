import Foundation
import LoragBasics
import Testing

/// Paths and output parsing shared by chunk's end-to-end tests.
enum ChunkFiles {
    /// The checkout, from this file's path (Tests/EndToEndTests/ChunkFiles.swift).
    static let packageRoot: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// The default embedding model's folder; a missing model fails the test (it does not skip).
    static func embeddingModel() throws -> String {
        let path = packageRoot + "/models/all-MiniLM-L6-v2"
        try #require(FileManager.default.fileExists(atPath: path + "/tokenizer.json"),
                     "\(path) is missing: run `make models`")
        return path
    }

    /// The JSONL records of a program's stdout, each required to be an object.
    static func records(_ stdout: String) throws -> [JSONObject] {
        try stdout.split(separator: "\n").map { line in
            let value = try JSONValue(parsing: String(line))
            return try #require(value.objectValue, "not an object: \(line.prefix(200))")
        }
    }
}
