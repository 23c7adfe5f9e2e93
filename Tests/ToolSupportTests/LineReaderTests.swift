import Foundation
import Testing
@testable import ToolSupport

private func allLines(_ reader: LineReader) throws -> [String] {
    var lines = [String]()
    while let line = try reader.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
    return lines
}

@Test func linesSplitOnNewlineDropCarriageReturnAndByteOrderMark() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("a.txt", "\u{FEFF}one\r\ntwo\n\nthree\rx\nlast")
    let reader = LineReader(paths: [path], bufferSize: 4)  // tiny buffer: lines span many reads
    #expect(try allLines(reader) == ["one", "two", "", "three\rx", "last"])
    #expect(reader.lineNumber == 5)
}

@Test func severalFilesAreReadInOrderWithTheirOwnNamesAndLineNumbers() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let first = try dir.file("1.jsonl", "a\nb\n")
    let second = try dir.file("2.jsonl", "\u{FEFF}c\n")
    let reader = LineReader(paths: [first, second])
    var seen = [String]()
    while let line = try reader.nextLine() {
        seen.append("\(reader.location): \(String(decoding: line, as: UTF8.self))")
    }
    #expect(seen == ["\(first):1: a", "\(first):2: b", "\(second):1: c"])
}

@Test func aMissingFileIsAnIOErrorNamingIt() {
    let reader = LineReader(paths: ["/nonexistent/lorag.jsonl"])
    #expect(throws: ToolError.io(operation: "open", path: "/nonexistent/lorag.jsonl", errno: ENOENT)) {
        try reader.nextLine()
    }
    #expect(ToolError.io(operation: "open", path: "/x", errno: ENOENT).description == "/x: cannot open: No such file or directory")
}

@Test func aLineOfTenMegabytesIsHandled() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let big = String(repeating: "0123456789", count: 1_000_000)
    let path = try dir.file("big.jsonl", "{\"text\":\"\(big)\"}\n{\"text\":\"small\"}\n")
    let reader = JSONLReader(paths: [path])
    #expect(try reader.next()?["text"]?.stringValue == big)
    #expect(try reader.next()?["text"]?.stringValue == "small")
    #expect(try reader.next() == nil)
    #expect(reader.lines.bufferCapacity >= 10_000_000)
    #expect(reader.lines.bufferCapacity <= 32 << 20, "one line's worth, rounded up to a power of two")
}

@Test func aLineLongerThanTheLimitIsADataError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("long.txt", "ok\n" + String(repeating: "x", count: 5000))
    let reader = LineReader(paths: [path], bufferSize: 64, maxLineLength: 1000)
    _ = try reader.nextLine()
    #expect(throws: ToolError.badData("line longer than 1000 bytes", at: InputLocation(name: path, line: 2))) {
        try reader.nextLine()
    }
}

/// The acceptance test: 1 GiB of JSONL produced by a child process through a pipe (never written
/// to disk) is read with the memory of one buffer.
@Test func aGigabyteStreamsThroughInBoundedMemory() throws {
    let record = #"{"id":"guide/keys.md#3","text":"the quick brown fox jumps over the lazy dog","n":12345,"v":[0.25,-1.5e-3,3]}"#
    let lineLength = record.utf8.count + 1
    let lineCount = (1 << 30) / lineLength + 1
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/bin/sh")
    child.arguments = ["-c", "yes '\(record)' | head -n \(lineCount)"]
    let pipe = Pipe()
    child.standardOutput = pipe
    try child.run()

    let reader = JSONLReader(LineReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "<pipe>"))
    let initialCapacity = reader.lines.bufferCapacity
    var records = 0
    var bytes = 0
    while let object = try reader.next() {
        records += 1
        bytes += lineLength
        if records == 1 { #expect(object["n"]?.intValue == 12345) }
    }
    child.waitUntilExit()
    #expect(records == lineCount)
    #expect(bytes > 1 << 30)
    #expect(reader.lines.bufferCapacity == initialCapacity, "the buffer never grew: memory is one buffer, not the input")
    #expect(initialCapacity <= 1 << 20)
}
