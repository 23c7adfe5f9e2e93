#if canImport(Glibc)
import Glibc
#endif

/// Where in the input something happened: `<file>:<line>`, as ripgrep and jq print it.
public struct InputLocation: Equatable, Sendable, CustomStringConvertible {
    /// The path as given on the command line, or `<stdin>`.
    public let name: String
    /// 1-based.
    public let line: Int

    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    public var description: String { "\(name):\(line)" }
}

/// Everything a lorag program can fail with, each case tied to its exit status (sysexits.h
/// values for usage and data errors, which is what shell scripts and Makefiles test for).
public enum ToolError: Error, Equatable, CustomStringConvertible {
    /// Bad flags or arguments (64, EX_USAGE).
    case usage(String)
    /// Input that is not what the program reads (65, EX_DATAERR), with its place when known.
    case badData(String, at: InputLocation?)
    /// A system call failed on a named file (1): `operation` is a verb such as "open", `errno` the
    /// error number.
    case io(operation: String, path: String, errno: Int32)
    /// No model where one was looked for (1); the message says what to run.
    case modelNotFound(String)
    /// Any other failure of the run (1).
    case failure(String)
    /// The reader of stdout went away (`tool | head`): not a failure, the program ends quietly
    /// with status 0.
    case brokenPipe

    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .badData: 65
        case .io, .modelNotFound, .failure: 1
        case .brokenPipe: 0
        }
    }

    public var description: String {
        switch self {
        case let .usage(message): return message
        case let .badData(message, location?): return "\(location): \(message)"
        case let .badData(message, nil): return message
        case let .io(operation, path, code): return "\(path): cannot \(operation): \(String(cString: strerror(code)))"
        case let .modelNotFound(message): return message
        case let .failure(message): return message
        case .brokenPipe: return "broken pipe"
        }
    }
}
