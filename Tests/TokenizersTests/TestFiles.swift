import Foundation
import Testing

/// Paths of fixtures and models, found from this file's location so that tests run from any
/// working directory.
enum TestFiles {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures/tokenizers").appendingPathComponent(name)
    }

    /// A file or folder under models/; a missing model fails the test (it does not skip it).
    static func model(_ relative: String) throws -> URL {
        let url = packageRoot.appendingPathComponent("models").appendingPathComponent(relative)
        try #require(FileManager.default.fileExists(atPath: url.path),
                     "\(url.path) is missing: run `make models`")
        return url
    }

    /// The rows of a JSON Lines fixture. (JSONDecoder rather than JSONSerialization, which on Linux
    /// drops a literal U+FEFF inside strings, and one reference string is exactly that.)
    static func jsonl<Row: Decodable>(_ name: String, as: Row.Type) throws -> [Row] {
        let text = try String(contentsOf: fixture(name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
    }
}

/// A row of minilm_sentences.jsonl.
struct SentenceRow: Decodable {
    var id: Int
    var text: String
}

/// A row of minilm_tokens.jsonl.
struct WordPieceRow: Decodable {
    var id: Int
    var input_ids: [Int]
    var untruncated_num_tokens: Int
    var truncated: Bool
}

/// A row of smollm2_tokenize.jsonl.
struct BPERow: Decodable {
    var id: Int
    var text: String
    var ids: [Int]
    var ids_digits_split: [Int]
}

/// A row of smollm2_chat_prompts.jsonl.
struct ChatPromptRow: Decodable {
    struct Message: Decodable {
        var role: String
        var content: String
    }
    var id: Int
    var messages: [Message]
    var text: String
    var input_ids: [Int]
}
