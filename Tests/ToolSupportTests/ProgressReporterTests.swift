import Testing
@testable import ToolSupport

/// Collects what a reporter prints.
private final class Capture: @unchecked Sendable {
    var text = ""
}

@Test func progressIsShownOnlyOnATerminalOrWhenAskedFor() {
    let capture = Capture()
    func reporter(forced: Bool, quiet: Bool, terminal: Bool) -> ProgressReporter {
        ProgressReporter(program: "embed", unit: "records", forced: forced, quiet: quiet,
                         stderrIsTerminal: terminal, sink: { capture.text += $0 })
    }
    #expect(!reporter(forced: false, quiet: false, terminal: false).isEnabled)
    #expect(reporter(forced: false, quiet: false, terminal: true).isEnabled)
    #expect(!reporter(forced: false, quiet: true, terminal: true).isEnabled)
    #expect(reporter(forced: true, quiet: true, terminal: false).isEnabled)
    let off = reporter(forced: false, quiet: false, terminal: false)
    off.update(10)
    off.finish(10)
    #expect(capture.text == "")
}

@Test func progressIsRateLimited() {
    let capture = Capture()
    let progress = ProgressReporter(program: "embed", unit: "records", total: 1000, forced: true, quiet: false,
                                    stderrIsTerminal: false, sink: { capture.text += $0 })
    for done in 0..<100_000 { progress.update(done) }  // far less than a second
    #expect(capture.text == "")
    progress.finish(1000)
    #expect(capture.text.hasPrefix("embed: 1000/1000 records, "))
    #expect(capture.text.hasSuffix("/s\n"))
    #expect(progress.line(50, elapsed: 2) == "embed: 50/1000 records, 25/s")
}
