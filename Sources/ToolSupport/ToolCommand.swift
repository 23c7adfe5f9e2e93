import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The root command of a lorag program. Conforming instead of `ParsableCommand` gives the program
/// the conventions every lorag tool shares (STYLE.md, after ripgrep and jq):
///
/// - every stderr line starts with the program name (`embed: <stdin>:17: …`);
/// - exit status 0 on success (a closed stdout pipe included), 1 on a runtime failure, 64 on bad
///   usage (ArgumentParser's `ValidationError` and `ToolError.usage`), 65 on bad input data;
/// - SIGPIPE is ignored so that a closed pipe arrives as EPIPE, which ends the program quietly;
/// - `OutputWriter.standardOutput` is flushed when `run()` returns, and a failed flush is an
///   error, never a silent success.
public protocol ToolCommand: ParsableCommand {
    var common: CommonOptions { get }
}

extension ToolCommand {
    /// The name in messages: the configured command name (`index` for the `lorag-index` product).
    public static var programName: String {
        configuration.commandName ?? String(describing: Self.self).lowercased()
    }

    /// Messages on stderr for this run, honouring `--quiet`.
    public var diagnostics: Diagnostics {
        Diagnostics(program: Self.programName, quiet: common.quiet)
    }

    /// A progress reporter honouring `--progress` and `--quiet`.
    public func progress(unit: String, total: Int? = nil) -> ProgressReporter {
        ProgressReporter(program: Self.programName, unit: unit, total: total,
                         forced: common.progress, quiet: common.quiet)
    }

    /// Entry point chosen by `@main` over `ParsableCommand.main()` (the more specific protocol).
    public static func main() {
        signal(SIGPIPE, SIG_IGN)
        Glibc.exit(runMain(Array(CommandLine.arguments.dropFirst())))
    }

    /// Parses `arguments`, runs the command and returns the exit status, printing any error as
    /// `program: message`. Separate from `main()` so that tests can call it.
    public static func runMain(_ arguments: [String]) -> Int32 {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return reportParseError(error)
        }
        let runError: Error?
        do {
            try command.run()
            runError = nil
        } catch {
            runError = error
        }
        // Records written before a failure still reach the reader, as jq and ripgrep do.
        let flushError = Result { () throws(ToolError) in try OutputWriter.standardOutput.flush() }
        if let runError { return report(runError) }
        if case let .failure(error) = flushError { return report(error) }
        return 0
    }

    /// Prints `error` the lorag way and returns its exit status.
    public static func report(_ error: Error) -> Int32 {
        let diagnostics = Diagnostics(program: programName)
        switch error {
        case ToolError.brokenPipe:
            return 0
        case let error as ToolError:
            diagnostics.error(error.description)
            return error.exitCode
        case let code as ExitCode:
            return code.rawValue
        default:
            // ArgumentParser's own errors (ValidationError thrown from run(), CleanExit) and
            // anything else: ArgumentParser knows their message and status.
            return reportParseError(error)
        }
    }

    private static func reportParseError(_ error: Error) -> Int32 {
        let code = exitCode(for: error).rawValue
        if code == 0 {
            // --help and --version: their text is the output asked for.
            print(fullMessage(for: error))
            return 0
        }
        let diagnostics = Diagnostics(program: programName)
        let message = message(for: error)
        diagnostics.error(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message)
        if code == 64 {
            diagnostics.error("see '\(programName) --help'")
        }
        return code
    }
}
