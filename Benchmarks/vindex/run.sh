#!/usr/bin/env bash
# index/retrieve vs FAISS on 100,000 x 384 vectors (clustered and uniform). Takes ~15 minutes on
# 2 cores, most of it the two HNSW builds per set; run on a quiet machine (see
# ../../../shared/anchors/baselines-python.md on contention). Results: Benchmarks/vindex/results/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
bash "$root/Benchmarks/setup-venv.sh"
bin="$(cd "$root" && swift build -c release --show-bin-path)"
(cd "$root" && swift build -c release >/dev/null)
mkdir -p "$here/results"
for set in clustered uniform; do
    "$root/Benchmarks/.venv/bin/python" "$here/bench_vindex.py" "$bin" "$here/results/$set.json" --set "$set"
done
