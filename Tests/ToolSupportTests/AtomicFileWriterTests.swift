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

/// What a writer killed mid-write (SIGKILL: no cleanup runs) leaves behind is a half-written
/// temporary beside an intact file, and a lock the kernel has released. The next writer removes the
/// temporary and proceeds. (The kill itself is exercised on the real `index` program in
/// EndToEndTests: fork() inside this multi-threaded test process can deadlock in OpenBLAS's
/// fork handlers while other tests run BLAS.)
@Test func theNextWriterRemovesAKilledWritersTemporary() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("kb.idx", "old contents")
    _ = try dir.file(".kb.idx.tmp-99999-12345", String(repeating: "new ", count: 1000))
    func temporaries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".kb.idx.tmp-") }
    }
    let next = try AtomicFileWriter(path: path)
    #expect(try temporaries().count == 1, "the next writer removed the stale one, keeping only its own")
    #expect(try temporaries() != [".kb.idx.tmp-99999-12345"])
    try next.output.write("after")
    try next.commit()
    #expect(try dir.read("kb.idx") == "after")
    #expect(try temporaries().isEmpty)
}
