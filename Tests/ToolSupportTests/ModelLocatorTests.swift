import Foundation
import Testing
@testable import ToolSupport

@Test func modelResolutionOrder() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let locator = ModelLocator.embedding
    let explicit = try dir.file("mine.safetensors", "x")
    let fromEnv = try dir.file("env-model", "x")
    func noEnv(_: String) -> String? { nil }

    #expect(try locator.resolve(explicit: explicit, environment: { _ in fromEnv }) == explicit)
    #expect(try locator.resolve(explicit: nil, environment: { $0 == "LORAG_EMBED_MODEL" ? fromEnv : nil }) == fromEnv)

    // ./models/<default> relative to the working directory, then upwards from the executable.
    let work = dir.path + "/work"
    let checkout = dir.path + "/checkout"
    try FileManager.default.createDirectory(atPath: work + "/models/all-MiniLM-L6-v2", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: checkout + "/models/all-MiniLM-L6-v2", withIntermediateDirectories: true)
    let binary = checkout + "/.build/x86_64-unknown-linux-gnu/release/embed"
    #expect(try locator.resolve(explicit: nil, environment: noEnv, executablePath: binary, workingDirectory: work)
            == work + "/models/all-MiniLM-L6-v2")
    #expect(try locator.resolve(explicit: nil, environment: noEnv, executablePath: binary, workingDirectory: dir.path)
            == checkout + "/models/all-MiniLM-L6-v2")
}

@Test func aMissingModelSaysWhatToRun() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let locator = ModelLocator.generation
    do {
        _ = try locator.resolve(explicit: nil, environment: { _ in nil }, executablePath: dir.path + "/bin/generate",
                                workingDirectory: dir.path)
        Issue.record("no model exists there")
    } catch {
        #expect(error.exitCode == 1)
        #expect(error.description.contains("run `make models`"))
        #expect(error.description.contains("$LORAG_GENERATE_MODEL"))
        #expect(error.description.contains(dir.path + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    }
    #expect(throws: ToolError.modelNotFound("--model /no/such: no such file or directory")) {
        try locator.resolve(explicit: "/no/such")
    }
    #expect(throws: ToolError.modelNotFound("$LORAG_GENERATE_MODEL is /no/such: no such file or directory")) {
        try locator.resolve(explicit: nil, environment: { _ in "/no/such" })
    }
}
