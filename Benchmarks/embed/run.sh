#!/usr/bin/env bash
# embed vs sentence-transformers on PyTorch, in one run on one machine (DESIGN.md, Performance):
# same model (models/all-MiniLM-L6-v2), same corpus, same thread count and batch size. Prints
# passages/s, tokens/s, achieved GFLOP/s, peak RSS of each and their ratio, and OpenBLAS's own
# sgemm rate as the ceiling. Usage: Benchmarks/embed/run.sh [CORPUS.jsonl] [THREADS] [BATCH]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="${1:-/work/shared/reference/bench/corpus_2000.jsonl}"
threads="${2:-2}"
batch="${3:-32}"
model="$root/models/all-MiniLM-L6-v2"
python="${LORAG_BENCH_PYTHON:-$root/Benchmarks/.venv/bin/python}"
[ -x "$python" ] || python="/work/main/Benchmarks/.venv/bin/python"
flags=(-c release -Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && swift build "${flags[@]}" --product embed >/dev/null)
embed="$(cd "$root" && swift build "${flags[@]}" --show-bin-path)/embed"
cc -O2 -o "$tmp/sgemm" "$here/sgemm.c" $(pkg-config --cflags --libs openblas)

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)   corpus: $(wc -l < "$corpus") passages, threads $threads, batch $batch"
echo "OpenBLAS sgemm (4096x1536x384, $threads threads): $("$tmp/sgemm" "$threads") GFLOP/s"

# sentence-transformers: time of encode() alone (model load excluded), peak RSS of the process.
/usr/bin/time -v -o "$tmp/st.time" "$python" "$here/st_embed.py" "$model" "$corpus" "$threads" "$batch" "$tmp/stats.json" \
    > "$tmp/st.out" 2> "$tmp/st.err"
read -r st_pps st_tps st_secs < "$tmp/st.out"
st_rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$tmp/st.time")
gflop=$("$python" "$here/flops.py" "$tmp/stats.json")

# embed: wall time of the whole program (model load and hashing included, which favours ST).
start=$(date +%s.%N)
/usr/bin/time -v -o "$tmp/embed.time" "$embed" --model "$model" --threads "$threads" --batch-size "$batch" --quiet \
    < "$corpus" > "$tmp/embed.jsonl"
end=$(date +%s.%N)
embed_secs=$(echo "$end - $start" | bc -l)
embed_rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$tmp/embed.time")
passages=$(wc -l < "$tmp/embed.jsonl")
tokens=$("$python" -c "import json; print(sum(json.load(open('$tmp/stats.json'))['lengths']))")

"$python" - "$passages" "$tokens" "$gflop" "$embed_secs" "$embed_rss" "$st_secs" "$st_rss" <<'PY'
import sys
n, tokens, gflop = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
e_s, e_rss, s_s, s_rss = float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
print(f"{'':24}{'passages/s':>12}{'tokens/s':>10}{'GFLOP/s':>9}{'peak RSS MB':>13}")
for name, secs, rss in (("embed", e_s, e_rss), ("sentence-transformers", s_s, s_rss)):
    print(f"{name:24}{n / secs:12.1f}{tokens / secs:10.0f}{gflop / secs:9.1f}{rss / 1024:13.0f}")
print(f"ratio embed / ST: {s_s / e_s:.2f}x passages/s, {e_rss / s_rss:.2f}x peak memory "
      f"({gflop:.1f} GFLOP of matrix products per pass)")
PY
