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

    /// The objects of a JSON Lines fixture.
    static func jsonl(_ name: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: fixture(name), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func ints(_ value: Any?) -> [Int] {
        (value as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } ?? []
    }
}
