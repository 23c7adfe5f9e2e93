import Testing
import Models

@Suite struct GenerationStopStringTests {
    /// Feeds pieces and returns what was shown, and whether a stop string was found.
    private func run(_ stops: [String], _ pieces: [String]) -> (shown: [String], stopped: Bool) {
        var filter = StopStringFilter(stops: stops)
        var shown: [String] = []
        for piece in pieces {
            shown.append(filter.feed(piece))
            if filter.stopped { return (shown, true) }
        }
        shown.append(filter.finish())
        return (shown, false)
    }

    @Test func stopStringSplitOverTokensIsCutAndNeverShown() {
        let (shown, stopped) = run(["</answer>"], ["Paris", ".</", "ans", "wer>", " more"])
        #expect(stopped)
        #expect(shown == ["Paris", ".", "", ""])
        #expect(!shown.joined().contains("<"))
    }

    @Test func aFalseStartIsReleasedOnceItCannotMatch() {
        let (shown, stopped) = run(["\n\n"], ["a\n", "b\n", "\nc"])
        #expect(stopped)
        #expect(shown == ["a", "\nb", ""])
    }

    @Test func heldBackTextComesOutAtTheEnd() {
        let (shown, stopped) = run(["STOP"], ["go ST", "O"])
        #expect(!stopped)
        #expect(shown.joined() == "go STO")
        #expect(shown[0] == "go ")
    }

    @Test func theEarliestOfSeveralStopsWins() {
        let (shown, stopped) = run(["cd", "b"], ["abcd"])
        #expect(stopped)
        #expect(shown == ["a"])
    }

    @Test func multibyteTextAroundAStopStaysWhole() {
        let (shown, stopped) = run(["é!"], ["café", "!x"])
        #expect(stopped)
        #expect(shown == ["caf", ""])
        let (free, _) = run(["é!"], ["café", " ok"])
        #expect(free.joined() == "café ok")
    }
}
