// The seeded clustered test set for recall measurements: a Gaussian mixture on the unit
// sphere, which is how sentence embeddings are shaped (topics as clusters), unlike uniform
// random vectors, HNSW's worst case.
//
// Definition (so other tools can regenerate the same distribution):
//   * `clusters` centres, each `dim` standard-normal draws scaled to unit length;
//   * a member picks a centre uniformly, adds `dim` normal draws with standard deviation
//     spread / √dim (so the noise has length ≈ spread), and is scaled to unit length.
// With the defaults (100 clusters, spread 1.0) a member's cosine to its centre is about 0.7
// and to another member of its cluster about 0.5, close to MiniLM's neighbour similarities.
// All draws come from SeededRandom (SplitMix64): the centres from `seed`, the members of
// `sample(count:stream:)` from seed ⊕ stream, so base vectors and queries (different streams)
// are independent draws from the same mixture.

public struct ClusteredVectors: Sendable {
    public let dim: Int
    public let clusters: Int
    public let spread: Float
    public let seed: UInt64
    private let centres: [Float]  // (clusters, dim)

    public init(dim: Int = 384, clusters: Int = 100, spread: Float = 1.0, seed: UInt64 = 20_260_601) {
        precondition(dim > 0 && clusters > 0, "ClusteredVectors needs dim > 0 and clusters > 0")
        self.dim = dim
        self.clusters = clusters
        self.spread = spread
        self.seed = seed
        var generator = SeededRandom(seed: seed)
        var centres = [Float](repeating: 0, count: clusters * dim)
        centres.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<buffer.count { buffer[i] = generator.gaussian() }
            for c in 0..<clusters { _ = InnerProduct.normalize(buffer.baseAddress! + c * dim, dim) }
        }
        self.centres = centres
    }

    /// `count` unit vectors from the mixture; different `stream`s give independent samples.
    public func sample(count: Int, stream: UInt64) -> VectorMatrix {
        let matrix = VectorMatrix(dim: dim, capacity: count)
        let first = matrix.appendRows(count)
        var generator = SeededRandom(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ 0x5851_F42D_4C95_7F2D)
        let sigma = spread / Float(dim).squareRoot()
        centres.withUnsafeBufferPointer { centres in
            for i in 0..<count {
                let row = matrix.row(first + i)
                let centre = centres.baseAddress! + Int(generator.next() % UInt64(clusters)) * dim
                for j in 0..<dim { row[j] = centre[j] + sigma * generator.gaussian() }
                _ = InnerProduct.normalize(row, dim)
            }
        }
        return matrix
    }

    /// `count` unit vectors with independent standard-normal coordinates: the uniform-sphere
    /// worst case that ../shared/anchors/baselines-python.md measures FAISS on.
    public static func uniform(count: Int, dim: Int, seed: UInt64) -> VectorMatrix {
        let matrix = VectorMatrix(dim: dim, capacity: count)
        let first = matrix.appendRows(count)
        var generator = SeededRandom(seed: seed)
        for i in 0..<count {
            let row = matrix.row(first + i)
            for j in 0..<dim { row[j] = generator.gaussian() }
            _ = InnerProduct.normalize(row, dim)
        }
        return matrix
    }
}
