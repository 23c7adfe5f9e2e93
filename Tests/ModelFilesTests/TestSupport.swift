// Paths and helpers shared by the ModelFiles tests.

import Foundation
import Testing
@testable import ModelFiles

enum TestPaths {
    /// The repository root, found from this file's location.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/modelfiles")
    static let models = root.appendingPathComponent("models")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// A model file's path; records a failure (never a skip) when the models are not fetched.
    static func model(_ relative: String) -> String? {
        let path = models.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("\(path) is missing: run `make models`")
            return nil
        }
        return path
    }

    /// A fresh empty directory for files a test writes.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lorag-modelfiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Writes `bytes` to a new scratch file and returns its path.
func writeScratch(_ bytes: [UInt8], name: String = "file.bin") throws -> String {
    let path = try TestPaths.scratch().appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Runs `body` and returns the ModelFileError it throws; records a failure if it succeeds or
/// throws something else.
func expectModelFileError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ModelFileError? {
    do {
        try body()
        Issue.record("expected a ModelFileError, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as ModelFileError {
        return error
    } catch {
        Issue.record("expected a ModelFileError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Little-endian encodings for building files by hand.
extension Array where Element == UInt8 {
    mutating func append<T: FixedWidthInteger>(le value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
    mutating func patch<T: FixedWidthInteger>(at offset: Int, le value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { replaceSubrange(offset..<offset + $0.count, with: $0) }
    }
}
