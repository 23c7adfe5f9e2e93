import Foundation
import LoragBasics
import Testing
@testable import ToolSupport

private func twentyLines(invalidAt bad: Int) -> String {
    (1...20).map { $0 == bad ? #"{"id": "r17", "text": oops}"# : #"{"id": "r\#($0)", "text": "t"}"# }
        .joined(separator: "\n") + "\n"
}

/// The acceptance test: an invalid line 17 of a 20-line input reports `<file>:17` and exit 65.
@Test func anInvalidLine17ReportsFileColonSeventeenAndExit65() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("in.jsonl", twentyLines(invalidAt: 17))
    let reader = JSONLReader(paths: [path])
    var read = 0
    do {
        while try reader.next() != nil { read += 1 }
        Issue.record("line 17 must be rejected")
    } catch {
        #expect(read == 16)
        #expect(error.exitCode == 65)
        #expect(error.description == "\(path):17: invalid JSON at byte 22: expected a value, found 'o'")
        let message = Diagnostics(program: "embed").format(error.description, at: nil)
        #expect(message.hasPrefix("embed: \(path):17: "))
    }
}

@Test func blankLinesAreSkippedAndNonObjectsRejected() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("in.jsonl", "{\"a\":1}\n\n  \n{\"a\":2}\n[1,2]\n")
    let reader = JSONLReader(paths: [path])
    #expect(try reader.next()?["a"]?.intValue == 1)
    #expect(try reader.next()?["a"]?.intValue == 2)
    #expect(throws: ToolError.badData("expected a JSON object, found array", at: InputLocation(name: path, line: 5))) {
        try reader.next()
    }
}

@Test func invalidUTF8IsADataErrorWithItsLine() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = dir.path + "/bad.jsonl"
    try Data(Array("{\"a\":1}\n{\"t\":\"".utf8) + [0xFF] + Array("\"}\n".utf8)).write(to: URL(fileURLWithPath: path))
    let reader = JSONLReader(paths: [path])
    _ = try reader.next()
    #expect(throws: ToolError.badData("invalid UTF-8 at byte 6", at: InputLocation(name: path, line: 2))) {
        try reader.next()
    }
}

@Test func embeddedRecordsReadTheirFloatsDirectly() throws {
    let dir = try TemporaryDirectory()
    defer { dir.cleanUp() }
    let path = try dir.file("emb.jsonl", "{\"id\":\"a\",\"embedding\":[0.5,1e-3],\"meta\":{}}\n")
    let reader = JSONLReader(paths: [path])
    let (record, floats) = try #require(try reader.next(floatField: "embedding"))
    #expect(floats == [0.5, 0.001])
    #expect(record.serialized() == #"{"id":"a","meta":{}}"#)
    #expect(try reader.next(floatField: "embedding") == nil)
}
