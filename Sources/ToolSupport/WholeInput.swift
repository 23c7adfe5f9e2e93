#if canImport(Glibc)
import Glibc
#endif

/// Inputs a program needs whole rather than line by line: plain text on stdin ("-") and the
/// NUL-separated path lists of `--files0-from`.
public enum WholeInput {
    /// Every byte of standard input.
    public static func standardInput() throws(ToolError) -> [UInt8] {
        try readAll(fileDescriptor: 0, name: "<stdin>")
    }

    /// The paths in `file` ("-" for stdin), NUL-separated as `find -print0` and `git ls-files -z`
    /// write them; a trailing NUL and a last name without one are both fine.
    public static func paths0(from file: String) throws(ToolError) -> [String] {
        let bytes: [UInt8]
        if file == "-" {
            bytes = try standardInput()
        } else {
            let fd = open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .io(operation: "open", path: file, errno: errno) }
            defer { close(fd) }
            bytes = try readAll(fileDescriptor: fd, name: file)
        }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func readAll(fileDescriptor fd: Int32, name: String) throws(ToolError) -> [UInt8] {
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: name, errno: errno)
            }
            bytes += block[..<count]
        }
    }
}
