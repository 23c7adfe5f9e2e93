// Which examples each step trains on.

import Foundation

/// Steps take `batchSize` consecutive examples from an endless stream of epochs: epoch e is the
/// examples in file order, or shuffled by a generator seeded with (seed, e), so any step's batch
/// follows from (seed, step) alone and a resumed run continues exactly. Without shuffling, step s
/// uses examples (s·batchSize + k) mod count, as the PEFT reference run does.
public struct TrainingSchedule: Sendable, Equatable {
    public var exampleCount: Int
    public var batchSize: Int
    public var shuffle: Bool
    public var seed: UInt64

    public init(exampleCount: Int, batchSize: Int, shuffle: Bool, seed: UInt64) {
        precondition(exampleCount > 0 && batchSize > 0, "a schedule needs examples and a positive batch size")
        self.exampleCount = exampleCount
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
    }

    /// Steps that cover `epochs` passes over the examples.
    public func steps(epochs: Int) -> Int {
        (epochs * exampleCount + batchSize - 1) / batchSize
    }

    /// The example indices of step `step` (0-based).
    public func batch(_ step: Int) -> [Int] {
        var cachedEpoch = -1, order: [Int] = []
        return (0..<batchSize).map { k in
            let i = step * batchSize + k
            let epoch = i / exampleCount
            if epoch != cachedEpoch {
                order = self.order(epoch: epoch)
                cachedEpoch = epoch
            }
            return order[i % exampleCount]
        }
    }

    /// The example order of one epoch (a Fisher–Yates shuffle when shuffling).
    public func order(epoch: Int) -> [Int] {
        var order = Array(0..<exampleCount)
        guard shuffle else { return order }
        var generator = SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        for i in stride(from: exampleCount - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        return order
    }
}
