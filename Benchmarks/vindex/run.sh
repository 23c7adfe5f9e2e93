#!/usr/bin/env bash
# index/retrieve vs FAISS on 100,000 x 384 vectors (clustered and uniform). Takes ~15 minutes on
# 2 cores, most of it the two HNSW builds per set; run on a quiet machine (see
# ../../../shared/anchors/baselines-python.md on contention). Results: Benchmarks/vindex/results/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
bash "$root/Benchmarks/setup-venv.sh"
# The Makefile's CPU flags, so that the programs measured are the ones `make` builds.
flags=()
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    flags=(-Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell)
fi
(cd "$root" && swift build -c release "${flags[@]}" >/dev/null)
bin="$(cd "$root" && swift build -c release "${flags[@]}" --show-bin-path)"
mkdir -p "$here/results"
for set in clustered uniform; do
    "$root/Benchmarks/.venv/bin/python" "$here/bench_vindex.py" "$bin" "$here/results/$set.json" --set "$set"
done
