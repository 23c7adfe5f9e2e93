import Foundation

/// A fresh directory under the system temporary directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "lorag-toolsupport-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ contents: String) throws -> String {
        let filePath = path + "/" + name
        try Data(contents.utf8).write(to: URL(fileURLWithPath: filePath))
        return filePath
    }

    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)), as: UTF8.self)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
