#if canImport(Glibc)
import Glibc
#endif

/// Messages on stderr, each line prefixed with the program name (`embed: <stdin>:17: …`), so
/// that in a pipeline of five programs the one that spoke is obvious. `--quiet` silences
/// everything but errors.
public struct Diagnostics: Sendable {
    public let program: String
    public let quiet: Bool

    public init(program: String, quiet: Bool = false) {
        self.program = program
        self.quiet = quiet
    }

    /// Something the user should fix but that does not stop the run (a skipped record, say).
    public func warning(_ message: String, at location: InputLocation? = nil) {
        guard !quiet else { return }
        emit("warning: " + message, at: location)
    }

    /// Information about the run (what model was loaded, how many records were written).
    public func note(_ message: String) {
        guard !quiet else { return }
        emit(message, at: nil)
    }

    /// A failure; printed even with `--quiet`.
    public func error(_ message: String, at location: InputLocation? = nil) {
        emit(message, at: location)
    }

    /// The line as it is printed, without the newline.
    public func format(_ message: String, at location: InputLocation?) -> String {
        if let location { "\(program): \(location): \(message)" } else { "\(program): \(message)" }
    }

    private func emit(_ message: String, at location: InputLocation?) {
        // One write(2) per message, so lines from programs sharing a terminal do not interleave
        // mid-line. Multi-line messages get the prefix on every line.
        var text = ""
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            text += format(String(line), at: location) + "\n"
        }
        Diagnostics.writeToStandardError(text)
    }

    /// Writes to fd 2, retrying short writes; failures are ignored since there is nowhere left
    /// to report them.
    public static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        bytes.withUnsafeMutableBytes { buffer in
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
