import Foundation
import Testing

/// The conventions every program shares (STYLE.md, "Exit codes"; DESIGN.md, "Names on the
/// command line"), checked on the built executables through real pipes.

/// SwiftPM product name and the name the program calls itself.
private let programs = [
    ("chunk", "chunk"), ("embed", "embed"), ("lorag-index", "index"),
    ("retrieve", "retrieve"), ("lora-train", "lora-train"), ("generate", "generate"),
]

@Test(arguments: programs)
func helpGoesToStdoutAndExitsZero(product: String, name: String) throws {
    let outcome = try ProgramRunner.run(product, ["--help"])
    #expect(outcome.status == 0)
    #expect(outcome.stdout.contains("USAGE: \(name)"))
    for option in ["--threads", "--progress", "--quiet"] {
        #expect(outcome.stdout.contains(option), "\(name) shares \(option)")
    }
    #expect(outcome.stderr.isEmpty)
}

@Test(arguments: programs)
func aUsageErrorExits64WithPrefixedMessages(product: String, name: String) throws {
    // Programs with required options get them, so that the bad --threads is the first complaint.
    let required = name == "lora-train" ? ["--data", "train.jsonl", "--out", "adapter"] : []
    let outcome = try ProgramRunner.run(product, required + ["--threads", "0"])
    #expect(outcome.status == 64)
    #expect(outcome.stdout.isEmpty)
    #expect(outcome.stderrLines.first == "\(name): --threads must be at least 1, got 0")
    #expect(!outcome.stderrLines.isEmpty && outcome.stderrLines.allSatisfy { $0.hasPrefix("\(name): ") },
            "every stderr line starts with the program name: \(outcome.stderr)")

    let unknown = try ProgramRunner.run(product, ["--no-such-option"])
    #expect(unknown.status == 64)
    #expect(unknown.stderrLines.allSatisfy { $0.hasPrefix("\(name): ") })
}

/// The acceptance test on a real program: line 17 of 20 is not JSON, so `embed` stops with
/// `embed: <stdin>:17: …` and exit status 65.
@Test func aDataErrorExits65NamingTheLine() throws {
    let lines = (1...20).map { $0 == 17 ? #"{"id": "r17", "text": oops}"# : #"{"id": "r\#($0)", "text": "t"}"# }
    let outcome = try ProgramRunner.run("embed", [], stdin: lines.joined(separator: "\n") + "\n")
    #expect(outcome.status == 65)
    #expect(outcome.stderrLines.last?.hasPrefix("embed: <stdin>:17: ") == true, "\(outcome.stderr)")
}
