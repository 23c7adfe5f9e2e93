#if canImport(Glibc)
import Glibc
#endif
import LoragBasics

/// Buffered output to a file descriptor, for JSONL records and binary files.
///
/// A closed pipe (`retrieve | head`) surfaces as `ToolError.brokenPipe`, which ends the program
/// quietly with status 0; any other failed write (a full disk) is an error with exit 1, never a
/// silent success. SIGPIPE must be ignored for EPIPE to arrive (`ToolCommand.main` does that).
///
/// Not thread-safe: one writer per program, used from the thread that runs the command.
public final class OutputWriter: @unchecked Sendable {
    /// The program's stdout; `ToolCommand.main` flushes it when `run()` returns.
    public static let standardOutput = OutputWriter(fileDescriptor: 1, name: "<stdout>")

    public let fileDescriptor: Int32
    public let name: String
    /// Flush after every `endRecord()`, so a reader sees each record (or streamed token) as soon
    /// as it is produced.
    public var flushEachRecord = false

    private var buffer: [UInt8] = []
    private let bufferSize: Int

    public init(fileDescriptor: Int32, name: String, bufferSize: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.name = name
        self.bufferSize = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(ToolError) {
        if buffer.count + bytes.count > bufferSize {
            try flush()
            if bytes.count >= bufferSize {
                try writeAll(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    public func write(_ bytes: [UInt8]) throws(ToolError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(ToolError) in try write(raw) } }.get()
    }

    public func write(_ text: String) throws(ToolError) {
        var copy = text
        try copy.withUTF8 { raw in Result { () throws(ToolError) in try write(UnsafeRawBufferPointer(raw)) } }.get()
    }

    /// Writes the record as one compact JSON line.
    public func writeRecord(_ record: JSONObject) throws(ToolError) {
        var line = [UInt8]()
        record.write(to: &line)
        try write(line)
        try endRecord()
    }

    /// Ends a record written piecewise: a newline, then a flush when `flushEachRecord` is set.
    public func endRecord() throws(ToolError) {
        buffer.append(0x0A)
        if flushEachRecord || buffer.count >= bufferSize { try flush() }
    }

    public func flush() throws(ToolError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBytes { raw in Result { () throws(ToolError) in try writeAll(raw) } }.get()
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(ToolError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fileDescriptor, base + offset, bytes.count - offset)
            if written >= 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR: continue
            case EPIPE: throw .brokenPipe
            case let code: throw .io(operation: "write", path: name, errno: code)
            }
        }
    }
}
