import Foundation
import LoragBasics
import Testing
@testable import ToolSupport

@Test func aClosedPipeIsABrokenPipeNotAFailure() throws {
    signal(SIGPIPE, SIG_IGN)  // as ToolCommand.main does; without it the process would die
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    close(fds[0])
    let writer = OutputWriter(fileDescriptor: fds[1], name: "<stdout>")
    defer { close(fds[1]) }
    try writer.write("some output\n")
    #expect(throws: ToolError.brokenPipe) { try writer.flush() }
    #expect(ToolError.brokenPipe.exitCode == 0)
}

@Test func aFailedWriteIsAnErrorWithExitStatus1() throws {
    let fd = open("/dev/full", O_WRONLY)
    try #require(fd >= 0)
    defer { close(fd) }
    let writer = OutputWriter(fileDescriptor: fd, name: "<stdout>")
    try writer.write("x")
    #expect(throws: ToolError.io(operation: "write", path: "<stdout>", errno: ENOSPC)) { try writer.flush() }
    #expect(ToolError.io(operation: "write", path: "<stdout>", errno: ENOSPC).exitCode == 1)
}

private func readAvailable(_ fd: Int32) -> String {
    var bytes = [UInt8](repeating: 0, count: 4096)
    let count = read(fd, &bytes, bytes.count)
    return count > 0 ? String(decoding: bytes[..<count], as: UTF8.self) : ""
}

@Test func recordsAreBufferedUnlessFlushEachRecordIsSet() throws {
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    defer { close(fds[0]); close(fds[1]) }
    _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
    let writer = OutputWriter(fileDescriptor: fds[1], name: "<stdout>")
    try writer.writeRecord(["id": "a", "n": 1])
    #expect(readAvailable(fds[0]) == "", "buffered until flushed")
    writer.flushEachRecord = true
    try writer.writeRecord(["id": "b"])
    #expect(readAvailable(fds[0]) == "{\"id\":\"a\",\"n\":1}\n{\"id\":\"b\"}\n")
}

@Test func writesLargerThanTheBufferArriveInOrder() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let fd = open(dir.path + "/out", O_WRONLY | O_CREAT, 0o644)
    let writer = OutputWriter(fileDescriptor: fd, name: "out", bufferSize: 16)
    var expected = ""
    for k in 0..<50 {
        let piece = String(repeating: Character(Unicode.Scalar(UInt8(65 + k % 26))), count: k)
        try writer.write(piece)
        expected += piece
    }
    try writer.flush()
    close(fd)
    #expect(try dir.read("out") == expected)
}
