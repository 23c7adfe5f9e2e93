import Foundation
import LoragBasics
import Models
import ToolSupport

/// The input side of `generate`: lines from files or stdin to `GenerationRunner`, records or
/// streamed text to stdout, notes to stderr. Every problem with an input line names `<file>:<line>`.
enum GenerateInput {
    /// One completion per non-blank line, as each line arrives (so `retrieve | generate` answers
    /// while retrieve is still reading).
    static func complete(_ paths: [String], runner: GenerationRunner, stream: Bool, output: OutputWriter,
                         command: Generate) throws {
        let lines = LineReader(paths: paths)
        var number = 0
        while let (line, location) = try nextLine(lines) {
            number += 1
            let (request, prepared) = try prepare(line, at: location, runner: runner, command: command)
            let record = try runtime(at: location) {
                try runner.complete(request, prepared: prepared, number: number) { piece in
                    guard stream else { return }
                    try output.write(piece)
                    try output.flush()
                }
            }
            if stream {
                try output.write("\n")
                try output.flush()
            } else {
                try output.writeRecord(record)
            }
        }
    }

    /// `--score`: an input whose first non-blank character is `{` holds `{"prompt", "completion"}`
    /// records, each scored; any other input is one text, scored as llama-perplexity does.
    static func score(_ paths: [String], runner: GenerationRunner, windowSize: Int, output: OutputWriter,
                      command: Generate) throws {
        for path in paths.isEmpty ? ["-"] : paths {
            let name = path == "-" ? "<stdin>" : path
            let data: Data
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: path) else {
                    throw ToolError.io(operation: "read", path: path, errno: errno == 0 ? ENOENT : errno)
                }
                data = contents
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ToolError.badData("not valid UTF-8 text", at: InputLocation(name: name, line: 1))
            }
            if text.first(where: { !$0.isWhitespace }) == "{" {
                try scoreRecords(text, name: name, runner: runner, output: output, command: command)
            } else {
                let progress = command.progress(unit: "chunks")
                let record = try runtime(at: nil) {
                    try runner.perplexity(ofText: text, file: name, windowSize: windowSize) { done, _ in progress.update(done) }
                }
                try output.writeRecord(record)
            }
        }
    }

    private static func scoreRecords(_ text: String, name: String, runner: GenerationRunner, output: OutputWriter,
                                     command: Generate) throws {
        var number = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            number += 1
            let location = InputLocation(name: name, line: index + 1)
            let (request, prepared) = try prepare(line, at: location, runner: runner, command: command)
            try output.writeRecord(try runtime(at: location) { try runner.score(request, prepared: prepared, number: number) })
        }
    }

    /// Parses a line and builds its prompt; notes about dropped hits and `--verbose-prompt` go to stderr.
    private static func prepare(_ line: String, at location: InputLocation, runner: GenerationRunner,
                                command: Generate) throws -> (GenerationRequest, BuiltPrompt) {
        let (request, prepared) = try runtime(at: location) {
            let request = try GenerationRequest.parse(line: line)
            return (request, try runner.prepare(request))
        }
        for note in prepared.notes { command.diagnostics.warning(note, at: location) }
        if command.verbosePrompt { command.diagnostics.note("\(location): prompt:\n" + runner.text(of: prepared)) }
        return (request, prepared)
    }

    /// The next non-blank line as text, with where it came from.
    private static func nextLine(_ lines: LineReader) throws -> (String, InputLocation)? {
        while let bytes = try lines.nextLine() {
            guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            guard let line = String(validating: bytes, as: UTF8.self) else {
                throw ToolError.badData("not valid UTF-8", at: lines.location)
            }
            return (line, lines.location)
        }
        return nil
    }

    /// Runs `body`, reporting what was wrong with the input (a bad record, a prompt too long for
    /// the context) as bad data at `location` (exit 65); I/O and tool errors pass through.
    private static func runtime<T>(at location: InputLocation?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ToolError {
            throw error
        } catch let error as GenerationError {
            throw ToolError.badData(error.description, at: location)
        } catch {
            throw ToolError.failure(location.map { "\($0): \(error)" } ?? "\(error)")
        }
    }
}
