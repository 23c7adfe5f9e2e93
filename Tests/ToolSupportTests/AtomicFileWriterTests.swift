import Foundation
import Testing
@testable import ToolSupport

@Test func commitReplacesTheFileAndLeavesNoTemporaryBehind() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("kb.idx", "old")
    let writer = try AtomicFileWriter(path: path)
    try writer.output.write("new contents")
    #expect(try dir.read("kb.idx") == "old", "readers see the old file until the commit")
    try writer.commit()
    #expect(try dir.read("kb.idx") == "new contents")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
    #expect(leftovers.isEmpty)
}

@Test func discardingKeepsTheOldFile() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("kb.idx", "old")
    do {
        let writer = try AtomicFileWriter(path: path)
        try writer.output.write("half")
        // Dropped without commit, as when an error unwinds the run.
    }
    #expect(try dir.read("kb.idx") == "old")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["kb.idx", "kb.idx.lock"])
}

@Test func aSecondWriterIsRefusedWhileTheFirstHoldsTheLock() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = dir.path + "/kb.idx"
    let first = try AtomicFileWriter(path: path)
    #expect(throws: ToolError.failure("\(path) is being written by another process (lock \(path).lock is held)")) {
        _ = try AtomicFileWriter(path: path)
    }
    try first.output.write("1")
    try first.commit()
    let second = try AtomicFileWriter(path: path)  // the lock is free again
    try second.output.write("2")
    try second.commit()
    #expect(try dir.read("kb.idx") == "2")
}

/// A writer killed mid-write (SIGKILL: no cleanup runs) leaves the old file intact, and the
/// kernel releases its lock so the next run can proceed.
@Test func aKilledWriterLeavesTheOldFileIntact() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("kb.idx", "old contents")
    let child = fork()
    try #require(child >= 0)
    if child == 0 {
        // In the child only system calls and this writer run, then the process dies hard.
        guard let writer = try? AtomicFileWriter(path: path) else { _exit(2) }
        try? writer.output.write(String(repeating: "new ", count: 100_000))
        try? writer.output.flush()
        // Killed while the writer is alive: its deinit (which would clean up) never runs.
        withExtendedLifetime(writer) { _ = kill(getpid(), SIGKILL) }
        _exit(3)  // not reached
    }
    var status: Int32 = 0
    waitpid(child, &status, 0)
    #expect(status & 0x7F == SIGKILL, "the child died by SIGKILL mid-write")
    #expect(try dir.read("kb.idx") == "old contents")
    func temporaries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".kb.idx.tmp-") }
    }
    #expect(try temporaries().count == 1, "the killed writer's half-written file is left behind")
    let next = try AtomicFileWriter(path: path)
    #expect(try temporaries().count == 1, "the next writer removed it, keeping only its own")
    try next.output.write("after")
    try next.commit()
    #expect(try dir.read("kb.idx") == "after")
    #expect(try temporaries().isEmpty)
}
