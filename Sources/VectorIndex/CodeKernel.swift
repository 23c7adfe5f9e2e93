import CQuantKernels

/// The integer kernel of exact search's first pass (CodeDots.h) and, with it, how coarsely a
/// query is rounded: AVX2's vpmaddubsw saturates past ±63 query levels, AVX-512 VNNI's vpdpbusd
/// takes ±127. Chosen once per process; tests run both where the CPU has both.
enum CodeKernel: Sendable, CaseIterable {
    case avx2
    case vnni

    static let best: CodeKernel = vnniAvailable ? .vnni : .avx2

    /// The kernels this CPU can run (AVX2 is required for either: ExactSearch.kernelsAvailable).
    static var available: [CodeKernel] { vnniAvailable ? [.avx2, .vnni] : [.avx2] }

    private static let vnniAvailable = lorag_code_dots_vnni_available() != 0

    var largestLevel: Double { self == .vnni ? 127 : 63 }

    /// out[q·rows + r] = Σ queries[q]·codes[r] for an even number of queries.
    func dots(_ codes: UnsafePointer<UInt8>, rows: Int, dim: Int, queries: UnsafePointer<Int8>, count: Int,
              into out: UnsafeMutablePointer<Int32>) {
        switch self {
        case .avx2: lorag_code_dots_avx2(codes, rows, dim, queries, count, out)
        case .vnni: lorag_code_dots_vnni(codes, rows, dim, queries, count, out)
        }
    }
}
