import Chunking

/// Test fixtures live in Tests/Fixtures/chunking, found from this file's path so the tests run
/// from any working directory.
enum Fixtures {
    static let directory: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // ChunkingTests/Fixtures.swift
        return parts.joined(separator: "/") + "/Fixtures/chunking"
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    static func read(_ name: String, lossy: Bool = false) throws -> ExtractedDocument {
        let format = try #require(DocumentFormat(path: name))
        return try DocumentReader(lossy: lossy).read(path: path(name), format: format, source: name)
    }

    /// The texts of a document's blocks.
    static func blockTexts(_ document: ExtractedDocument) -> [String] {
        document.blocks.map { document.slice($0.start, $0.end) }
    }
}

import Testing
