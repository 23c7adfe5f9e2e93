import Foundation
import LoragBasics
import Models
import ToolSupport

/// Where embedded records go: JSON lines, or a NumPy array.
protocol EmbeddingSink {
    func write(_ record: JSONObject, _ embedding: UnsafeBufferPointer<Float>) throws
    func finish(count: Int) throws
}

/// One JSON line per record on stdout.
final class JSONLSink: EmbeddingSink {
    let output: OutputWriter
    let format: EmbeddingRecordFormat
    private var line: [UInt8] = []

    init(output: OutputWriter, format: EmbeddingRecordFormat) {
        self.output = output
        self.format = format
    }

    func write(_ record: JSONObject, _ embedding: UnsafeBufferPointer<Float>) throws {
        line.removeAll(keepingCapacity: true)
        try format.write(record, embedding: embedding, to: &line)
        try output.write(line)
        try output.endRecord()
    }

    func finish(count: Int) throws {}
}

/// One [N, D] float32 array on stdout. The header needs N, which is known only at the end, so the
/// rows go to an unlinked temporary file first (memory stays bounded; the disk holds N·D·4 bytes)
/// and are copied after the header. Ids go to `--ids`, one JSON value per line (null when absent).
final class NpySink: EmbeddingSink {
    let output: OutputWriter
    let dimension: Int
    private let spool: FileHandle
    private let spoolWriter: OutputWriter
    private let idWriter: AtomicFileWriter?

    init(output: OutputWriter, dimension: Int, idsPath: String?) throws {
        self.output = output
        self.dimension = dimension
        let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(directory)/embed-npy-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ToolError.io(operation: "create a temporary file in", path: directory, errno: errno) }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }  // gone when the process ends, however it ends
        spool = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        spoolWriter = OutputWriter(fileDescriptor: fd, name: "temporary file", bufferSize: 1 << 20)
        idWriter = try idsPath.map { path throws(ToolError) in try AtomicFileWriter(path: path) }
    }

    func write(_ record: JSONObject, _ embedding: UnsafeBufferPointer<Float>) throws {
        // x86-64 and arm64 are little-endian, as the header's "<f4" says.
        try spoolWriter.write(UnsafeRawBufferPointer(embedding))
        if let idWriter {
            try idWriter.output.write((record["id"] ?? .null).serialized())
            try idWriter.output.endRecord()
        }
    }

    func finish(count: Int) throws {
        try spoolWriter.flush()
        try output.write(EmbeddingRecordFormat.npyHeader(rows: count, cols: dimension))
        try spool.seek(toOffset: 0)
        while let chunk = try spool.read(upToCount: 1 << 20), !chunk.isEmpty {
            try chunk.withUnsafeBytes { try output.write($0) }
        }
        try idWriter?.commit()
    }
}
