#!/usr/bin/env bash
# Retrieval quality of the real programs on BEIR-format collections: `embed | lorag-index` over
# the corpus (no chunking: one record per document, text = (title + " " + text).strip(), the
# MTEB protocol), then `retrieve` for the test queries in each mode, scored by the shared scorer.
#
#   Benchmarks/vindex/eval.sh [COLLECTION_DIR...]     (default: ../shared/eval/{scifact,cranfield})
#
# Environment: EVAL_WORK (default /tmp/lorag-eval) keeps each collection's index, which is
# reused when present (embedding SciFact's 5,183 documents takes minutes; delete the folder to
# rebuild); SCORER (default ../shared/eval/score.py); EXTRA_RETRIEVE (flags for every mode,
# e.g. "--dense-weight 1 --bm25-weight 1"); BIN (use the programs in this folder instead of
# building them with the Makefile's flags).
# Prints one line per mode: nDCG@10, R@10, R@100, MRR@10; the runs stay beside the index.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="$(cd "$root/.." && pwd)/shared"
[ -d "$shared/eval" ] || shared=/work/shared
scorer="${SCORER:-$shared/eval/score.py}"
work="${EVAL_WORK:-/tmp/lorag-eval}"
if [ "$#" -eq 0 ]; then set -- "$shared/eval/scifact" "$shared/eval/cranfield"; fi
if [ -n "${BIN:-}" ]; then
    bin="$BIN"
else
    # The Makefile's CPU flags, so that the programs measured are the ones `make` builds.
    flags=()
    if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
        flags=(-Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell)
    fi
    for product in embed lorag-index retrieve; do
        (cd "$root" && swift build -c release "${flags[@]}" --product "$product" >/dev/null)
    done
    bin="$(cd "$root" && swift build -c release "${flags[@]}" --show-bin-path)"
fi

for collection in "$@"; do
    name="$(basename "$collection")"
    dir="$work/$name"
    mkdir -p "$dir"
    if [ ! -s "$dir/kb.idx" ]; then
        python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print(json.dumps({"id": d["_id"], "text": (d.get("title", "") + " " + d["text"]).strip()}))
' < "$collection/corpus.jsonl" > "$dir/records.jsonl"
        start=$(date +%s.%N)
        "$bin/embed" --quiet --encoding base64 < "$dir/records.jsonl" | "$bin/lorag-index" --quiet > "$dir/kb.idx.part"
        mv "$dir/kb.idx.part" "$dir/kb.idx"
        echo "$name: embedded and indexed in $(echo "$(date +%s.%N) - $start" | bc) s" >&2
    fi
    python3 -c '
import json, sys
for line in sys.stdin:
    q = json.loads(line)
    print(json.dumps({"query": q["text"], "id": q["_id"]}))
' < "$collection/queries.jsonl" > "$dir/queries.jsonl"
    echo "== $name ($(wc -l < "$dir/queries.jsonl") queries, $(wc -l < "$collection/corpus.jsonl") documents)"
    printf '%-14s %8s %8s %8s %8s\n' mode nDCG@10 R@10 R@100 MRR@10
    for mode in "dense --exact" dense bm25 hybrid; do
        tag="${mode// /}"
        # shellcheck disable=SC2086
        "$bin/retrieve" --quiet --index "$dir/kb.idx" --mode $mode -k 100 ${EXTRA_RETRIEVE:-} \
            < "$dir/queries.jsonl" > "$dir/hits-$tag.jsonl"
        python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(json.dumps({"query_id": r["id"], "results": [{"id": h["id"], "score": h["score"]} for h in r["hits"]]}))
' < "$dir/hits-$tag.jsonl" > "$dir/run-$tag.jsonl"
        python3 "$scorer" "$collection/qrels/test.tsv" "$dir/run-$tag.jsonl" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print("%-14s %8.4f %8.4f %8.4f %8.4f" % (sys.argv[1], s["ndcg@10"], s["recall@10"], s["recall@100"], s["mrr@10"]))
' "$mode"
    done
    # HNSW against exact search on the same corpus embeddings and queries: recall@10.
    for ef in 16 32 64 128; do
        "$bin/retrieve" --quiet --index "$dir/kb.idx" --ef "$ef" -k 10 < "$dir/queries.jsonl" > "$dir/hnsw-ef$ef.jsonl"
        python3 -c '
import json, sys
exact = [[h["id"] for h in json.loads(l)["hits"][:10]] for l in open(sys.argv[1])]
hnsw = [[h["id"] for h in json.loads(l)["hits"]] for l in open(sys.argv[2])]
print("HNSW ef %-6s recall@10 vs exact %.4f" % (sys.argv[3], sum(len(set(a) & set(b)) / len(a) for a, b in zip(exact, hnsw)) / len(exact)))
' "$dir/hits-dense--exact.jsonl" "$dir/hnsw-ef$ef.jsonl" "$ef"
    done
done
