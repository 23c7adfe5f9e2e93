import ArgumentParser

/// The options every lorag program shares, spelled the same everywhere (DESIGN.md, "Names on the
/// command line") so that scripts and Makefiles can rely on them.
public struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Number of threads for the math (default: all cores).")
    public var threads: Int?

    @Flag(name: .long, help: "Show progress on stderr even when it is not a terminal.")
    public var progress = false

    @Flag(name: .long, help: "Print nothing on stderr but errors.")
    public var quiet = false

    public init() {}

    public func validate() throws {
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1, got \(threads)")
        }
    }
}

/// Thrown by programs whose issue has not landed yet: they parse their arguments and print a real
/// `--help`, but refuse to run rather than produce fake output (exit 1).
public struct NotYetImplemented: Error, CustomStringConvertible {
    public let program: String
    /// The tracking issue, when one has been filed.
    public let issue: Int?
    public init(program: String, issue: Int?) {
        self.program = program
        self.issue = issue
    }
    public var description: String {
        let tracking = issue.map { " (issue #\($0))" } ?? ""
        return "not implemented yet\(tracking); this build of \(program) only parses its arguments"
    }
}
