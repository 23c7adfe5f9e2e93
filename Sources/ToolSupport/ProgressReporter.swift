#if canImport(Glibc)
import Glibc
#endif

/// Progress on stderr, only when stderr is a terminal or `--progress` was given, and at most a
/// few times a second so that it costs nothing in a tight loop. On a terminal the line is
/// rewritten in place (`\r`); otherwise (a log file) each report is its own line.
public final class ProgressReporter {
    public let isEnabled: Bool
    private let program: String
    private let unit: String
    private let total: Int?
    private let onTerminal: Bool
    private let interval: Double
    private let startTime: Double
    private var lastReport: Double
    private let sink: (String) -> Void

    /// - Parameters:
    ///   - unit: what is counted, plural ("records", "tokens").
    ///   - total: the count at the end, when known.
    ///   - forced: `--progress` was given.
    ///   - quiet: `--quiet` was given; it wins over a terminal but not over `--progress`.
    ///   - sink: where reports go (stderr; tests capture them).
    public init(program: String, unit: String, total: Int? = nil, forced: Bool, quiet: Bool,
                stderrIsTerminal: Bool = isatty(2) == 1,
                sink: @escaping (String) -> Void = Diagnostics.writeToStandardError) {
        self.sink = sink
        self.program = program
        self.unit = unit
        self.total = total
        onTerminal = stderrIsTerminal
        isEnabled = forced || (stderrIsTerminal && !quiet)
        // A log file gets a line a second; a terminal is redrawn four times a second.
        interval = stderrIsTerminal ? 0.25 : 1.0
        startTime = ProgressReporter.now()
        lastReport = startTime
    }

    /// Reports `done` units so far if enough time has passed since the last report.
    public func update(_ done: Int) {
        guard isEnabled else { return }
        let time = ProgressReporter.now()
        guard time - lastReport >= interval else { return }
        lastReport = time
        show(done, at: time)
    }

    /// The final report, ending the terminal line.
    public func finish(_ done: Int) {
        guard isEnabled else { return }
        show(done, at: ProgressReporter.now())
        if onTerminal { sink("\n") }
    }

    /// The text of one report: `embed: 1200/5000 records, 310/s`.
    public func line(_ done: Int, elapsed: Double) -> String {
        let rate = elapsed > 0 ? Int((Double(done) / elapsed).rounded()) : 0
        let count = total.map { "\(done)/\($0)" } ?? "\(done)"
        return "\(program): \(count) \(unit), \(rate)/s"
    }

    private func show(_ done: Int, at time: Double) {
        let text = line(done, elapsed: time - startTime)
        // \r + text + clear-to-end-of-line keeps a shrinking line tidy on a terminal.
        sink(onTerminal ? "\r" + text + "\u{1B}[K" : text + "\n")
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
