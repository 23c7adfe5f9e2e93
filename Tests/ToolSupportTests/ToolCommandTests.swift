import ArgumentParser
import Testing
@testable import ToolSupport

/// A program in miniature: reads JSONL records from a file and counts them.
struct Probe: ToolCommand {
    static let configuration = CommandConfiguration(commandName: "probe")

    @Option var input: String
    @Option var mode = "ok"
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if !["ok", "usage", "fail"].contains(mode) { throw ValidationError("--mode must be ok, usage or fail, got \(mode)") }
    }

    func run() throws {
        if mode == "usage" { throw ToolError.usage("--input and --mode usage cannot be combined") }
        if mode == "fail" { throw NotYetImplemented(program: "probe", issue: 1) }
        let reader = JSONLReader(paths: [input])
        while try reader.next() != nil {}
    }
}

@Test func exitStatusesFollowTheConvention() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let good = try dir.file("good.jsonl", "{\"a\":1}\n")
    let bad = try dir.file("bad.jsonl", "{\"a\":1}\n{\"a\":\n")
    #expect(Probe.runMain(["--input", good]) == 0)
    #expect(Probe.runMain(["--input", bad]) == 65, "bad data")
    #expect(Probe.runMain(["--input", good, "--threads", "0"]) == 64, "ValidationError from an option group")
    #expect(Probe.runMain(["--input", good, "--mode", "nope"]) == 64, "ValidationError from validate()")
    #expect(Probe.runMain(["--input", good, "--mode", "usage"]) == 64, "ToolError.usage from run()")
    #expect(Probe.runMain(["--bogus"]) == 64, "unknown option")
    #expect(Probe.runMain(["--input", dir.path + "/missing"]) == 1, "I/O failure")
    #expect(Probe.runMain(["--input", good, "--mode", "fail"]) == 1, "other errors")
    #expect(Probe.runMain(["--help"]) == 0)
    #expect(Probe.programName == "probe")
}

@Test func diagnosticsArePrefixedAndQuietSilencesAllButErrors() {
    let loud = Diagnostics(program: "embed")
    #expect(loud.format("missing key \"text\"", at: InputLocation(name: "<stdin>", line: 17))
            == "embed: <stdin>:17: missing key \"text\"")
    #expect(loud.format("loaded", at: nil) == "embed: loaded")
    #expect(Diagnostics(program: "embed", quiet: true).quiet)
}
