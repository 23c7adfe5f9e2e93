import Foundation
import Testing

// `lorag-index --into` under SIGKILL and under concurrent readers (issue 5, "Safety"). The
// programs run as child processes (Foundation's Process, which spawns them): fork() in this
// process would deadlock in OpenBLAS's fork handlers while other tests use BLAS.

/// The old records, and the new: 20% replaced (new text and vector), 10% pruned, 10% added.
private func oldAndNew(count: Int, dim: Int) -> (old: IndexTestCorpus, new: IndexTestCorpus) {
    let old = IndexTestCorpus(count: count, dim: dim, version: "old", seed: 1)
    let changed = IndexTestCorpus(count: count, dim: dim, version: "new", seed: 2)
    let added = IndexTestCorpus(count: count / 10, dim: dim, version: "new", seed: 3, idPrefix: "added")
    var new = old
    new.records = (0..<count).compactMap { i in
        if i % 10 == 3 { return nil }
        if i % 5 == 0 { return changed.records[i] }
        return old.records[i]
    } + added.records
    return (old, new)
}

// The limit only catches a hang: alone these take seconds, but the whole suite runs in parallel on
// two cores and was measured at 400 s of wall time for its slowest tests under outside load.
@Test(.timeLimit(.minutes(10)))
func killedUpdatesLeaveTheOldOrTheNewIndex() throws {
    let directory = try IndexPrograms.scratchDirectory("kill")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (old, new) = oldAndNew(count: 1500, dim: 32)
    let oldPath = try old.write(to: directory, name: "old.jsonl")
    let newPath = try new.write(to: directory, name: "new.jsonl")
    let index = directory.appendingPathComponent("kb.idx").path
    let pristine = directory.appendingPathComponent("pristine.idx").path
    _ = try IndexPrograms.update(pristine, from: oldPath)
    #expect(try IndexPrograms.exportedContents(pristine) == old.contents)

    func reset() throws {
        try? FileManager.default.removeItem(atPath: index)
        try FileManager.default.copyItem(atPath: pristine, toPath: index)
    }
    // How long an undisturbed update takes, so the kills spread over all of it.
    try reset()
    let started = Date()
    _ = try IndexPrograms.update(index, from: newPath, extra: ["--prune"])
    let duration = Date().timeIntervalSince(started)
    #expect(try IndexPrograms.exportedContents(index) == new.contents)

    var generator = SystemRandomNumberGenerator()
    var outcomes: [String: Int] = [:]
    for round in 0..<24 {
        try reset()
        let process = try IndexPrograms.start("lorag-index", ["--into", index, "--prune", newPath], stdinPath: "/dev/null")
        let delay = Double.random(in: 0...(duration * 1.1), using: &generator)
        usleep(UInt32(delay * 1e6))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let contents = try IndexPrograms.exportedContents(index)
        let state = contents == old.contents ? "old" : contents == new.contents ? "new" : "mixed"
        #expect(state != "mixed", "round \(round): killed after \(delay) s, the index holds \(contents.count) records of neither version")
        outcomes[state, default: 0] += 1
    }
    // Kills from the first moment on: some must land before the rename, or nothing was tested.
    #expect(outcomes["old", default: 0] > 0, "every kill came after the commit: \(outcomes)")
    // The next writer sweeps up what killed writers left beside the file.
    _ = try IndexPrograms.update(index, from: newPath, extra: ["--prune"])
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
    #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    print("killed updates (undisturbed update: \(duration) s): \(outcomes)")
}

// The limit only catches a hang: alone these take seconds, but the whole suite runs in parallel on
// two cores and was measured at 400 s of wall time for its slowest tests under outside load.
@Test(.timeLimit(.minutes(10)))
func readersSeeACompleteIndexWhileUpdatesRun() throws {
    let directory = try IndexPrograms.scratchDirectory("readers")
    defer { try? FileManager.default.removeItem(at: directory) }
    let dim = 32
    let old = IndexTestCorpus(count: 2000, dim: dim, version: "old", seed: 11)
    let new = IndexTestCorpus(count: 2000, dim: dim, version: "new", seed: 12)
    let oldPath = try old.write(to: directory, name: "old.jsonl")
    let newPath = try new.write(to: directory, name: "new.jsonl")
    let queries = IndexTestCorpus(count: 8, dim: dim, version: "query", seed: 13).records.map { record in
        "{\"query\":\"q\",\"embedding\":[\(record.vector.map { String($0) }.joined(separator: ","))]}"
    }.joined(separator: "\n") + "\n"
    let queryPath = directory.appendingPathComponent("queries.jsonl").path
    try Data(queries.utf8).write(to: URL(fileURLWithPath: queryPath))

    // The answers of each complete version, from indexes built from it alone.
    var expected: [String: String] = [:]
    for (version, input) in [("old", oldPath), ("new", newPath)] {
        let alone = directory.appendingPathComponent("\(version).idx").path
        _ = try IndexPrograms.update(alone, from: input)
        let answer = try ProgramRunner.run("retrieve", ["--index", alone, "--exact", "-k", "5", queryPath])
        try #require(answer.status == 0, "\(answer.stderr)")
        expected[answer.stdout] = version
    }
    try #require(expected.count == 2)

    let index = directory.appendingPathComponent("kb.idx").path
    _ = try IndexPrograms.update(index, from: oldPath)
    let rounds = 8
    nonisolated(unsafe) var updateError: Error?
    let updates = DispatchGroup()
    DispatchQueue.global().async(group: updates) {
        do {
            for round in 0..<rounds {
                _ = try IndexPrograms.update(index, from: round % 2 == 0 ? newPath : oldPath, extra: ["--prune", "--wait"])
            }
        } catch {
            updateError = error
        }
    }
    var seen: [String: Int] = [:]
    repeat {
        let answer = try ProgramRunner.run("retrieve", ["--index", index, "--exact", "-k", "5", queryPath])
        #expect(answer.status == 0, "\(answer.stderr)")
        let version = expected[answer.stdout] ?? "mixed"
        #expect(version != "mixed", "an answer from neither complete version: \(answer.stdout.prefix(300))")
        seen[version, default: 0] += 1
    } while updates.wait(timeout: .now()) == .timedOut
    #expect(updateError == nil, "\(String(describing: updateError))")
    #expect(seen["old", default: 0] > 0 && seen["new", default: 0] > 0, "answers seen: \(seen)")
    print("answers during \(rounds) updates: \(seen)")
}
