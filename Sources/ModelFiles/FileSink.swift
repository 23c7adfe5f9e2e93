// Writing whole byte buffers to a file descriptor, shared by the three writers. Short writes and
// EINTR are retried; any other failure becomes `ModelFileError.writeFailed` naming the path.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An open file being written; `path` is only used in error messages.
struct FileSink {
    let descriptor: Int32
    let path: String

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ModelFileError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Creates or truncates `path` and hands an open sink to `body`, closing it afterwards.
    /// Callers wanting atomic replacement write to a temporary path and rename it themselves.
    static func withFile(_ path: String, _ body: (FileSink) throws -> Void) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ModelFileError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        var closed = false
        defer { if !closed { close(fd) } }
        try body(FileSink(descriptor: fd, path: path))
        closed = true
        guard close(fd) == 0 else { throw ModelFileError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
    }

    /// A sink over an already open handle (for example a temporary file, or stdout).
    init(handle: FileHandle, path: String) {
        self.init(descriptor: handle.fileDescriptor, path: path)
    }

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
