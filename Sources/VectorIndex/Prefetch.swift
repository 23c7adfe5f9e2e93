// A software prefetch, as hnswlib issues before each neighbour's visit mark and vector: the
// beam search is bound by cache misses on rows scattered over the matrix, and asking for the
// next neighbour's row while the current one is scored hides much of that latency. Swift has
// no prefetch in its standard library; the declaration binds LLVM's intrinsic directly
// (arguments: address, 0 = read, locality 3 = keep in all cache levels, 1 = data cache).
// A prefetch never faults, so it is safe on any address.

@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cache: Int32)

@inline(__always)
func prefetch(_ address: UnsafeRawPointer) {
    llvmPrefetch(address, 0, 3, 1)
}
