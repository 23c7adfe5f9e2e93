#if canImport(Glibc)
import Glibc
#endif

/// Lines from the files named on the command line, one after another, or from stdin when none
/// (or "-") is named. Reads with large read(2) calls into one buffer that holds the current line,
/// so memory is bounded by the longest line, not by the input.
///
/// Lines end at `\n`; a `\r` before it is dropped (files written on Windows), as is a UTF-8 byte
/// order mark at the start of each file. A last line without `\n` still counts.
public final class LineReader {
    /// Longest line accepted; anything longer is a data error rather than unbounded growth
    /// (a binary file with no newlines, say).
    public let maxLineLength: Int

    private var pendingPaths: [String]
    private var fd: Int32 = -1
    private var ownsDescriptor = false
    private var atEndOfFile = true

    /// The file being read (`<stdin>` for standard input) and the number of the last line
    /// returned by `nextLine()`.
    public private(set) var name = "<stdin>"
    public private(set) var lineNumber = 0

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0   // first byte of the unread data
    private var end = 0     // one past the last byte read

    public var location: InputLocation { InputLocation(name: name, line: lineNumber) }

    /// Bytes held for reading: the initial buffer size, or the longest line so far rounded up to a
    /// power of two times it. This is the reader's whole memory, whatever the input's length.
    public var bufferCapacity: Int { capacity }

    /// - Parameter paths: files to read in order; empty means stdin; "-" names stdin.
    public init(paths: [String], bufferSize: Int = 1 << 20, maxLineLength: Int = 1 << 30) {
        pendingPaths = paths.isEmpty ? ["-"] : paths
        capacity = max(bufferSize, 16)
        buffer = .allocate(capacity: capacity)
        self.maxLineLength = maxLineLength
    }

    /// Reads an already open descriptor (a pipe from a child process, say); it is not closed.
    public init(fileDescriptor: Int32, name: String, bufferSize: Int = 1 << 20, maxLineLength: Int = 1 << 30) {
        pendingPaths = []
        fd = fileDescriptor
        atEndOfFile = false
        self.name = name
        capacity = max(bufferSize, 16)
        buffer = .allocate(capacity: capacity)
        self.maxLineLength = maxLineLength
    }

    deinit {
        closeCurrent()
        buffer.deallocate()
    }

    /// The next line without its terminator, or nil at the end of the last file. The bytes are
    /// valid until the next call.
    public func nextLine() throws(ToolError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            if atEndOfFile && start == end {
                guard try openNext() else { return nil }
            }
            var scanned = 0
            while true {
                let unread = end - start
                if let newline = memchr(buffer + start + scanned, 0x0A, unread - scanned) {
                    let lineEnd = buffer.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                    let line = finishLine(from: start, to: lineEnd)
                    start = lineEnd + 1
                    return line
                }
                scanned = unread
                if unread > maxLineLength {
                    throw .badData("line longer than \(maxLineLength) bytes", at: InputLocation(name: name, line: lineNumber + 1))
                }
                if atEndOfFile {
                    if unread == 0 { break }  // this file is done; go to the next one
                    let line = finishLine(from: start, to: end)
                    start = end
                    return line
                }
                try fill()
            }
        }
    }

    /// Counts the line, strips `\r` and a leading byte order mark.
    private func finishLine(from lineStart: Int, to lineEnd: Int) -> UnsafeBufferPointer<UInt8> {
        lineNumber += 1
        var first = lineStart
        var last = lineEnd
        if last > first && buffer[last - 1] == 0x0D { last -= 1 }
        if lineNumber == 1 && last - first >= 3 && buffer[first] == 0xEF && buffer[first + 1] == 0xBB && buffer[first + 2] == 0xBF {
            first += 3
        }
        return UnsafeBufferPointer(start: buffer + first, count: last - first)
    }

    /// Makes room (moving the partial line to the front, or growing) and reads once.
    private func fill() throws(ToolError) {
        if start > 0 {
            memmove(buffer, buffer + start, end - start)
            end -= start
            start = 0
        }
        if end == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        while true {
            let count = read(fd, buffer + end, capacity - end)
            if count > 0 { end += count; return }
            if count == 0 { atEndOfFile = true; return }
            if errno == EINTR { continue }
            throw .io(operation: "read", path: name, errno: errno)
        }
    }

    private func openNext() throws(ToolError) -> Bool {
        closeCurrent()
        guard !pendingPaths.isEmpty else { return false }
        let path = pendingPaths.removeFirst()
        if path == "-" {
            fd = 0
            name = "<stdin>"
            ownsDescriptor = false
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
            name = path
            ownsDescriptor = true
        }
        lineNumber = 0
        atEndOfFile = false
        start = 0
        end = 0
        return true
    }

    private func closeCurrent() {
        if ownsDescriptor && fd >= 0 { close(fd) }
        fd = -1
        ownsDescriptor = false
    }
}
