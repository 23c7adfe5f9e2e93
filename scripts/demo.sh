#!/usr/bin/env bash
# The main job on the default models, the whole loop the Unix way:
#   1. build a knowledge base from lorag's own documentation (chunk | embed | index);
#   2. answer a question from it (retrieve | generate), citing the passages it used;
#   3. teach the model a style with LoRA (lora-train on examples/pirate);
#   4. answer again with retrieval and the adapter together;
#   5. measure what the adapter bought: log-likelihood of held-out answers with and without it.
# Everything lands in $LORAG_DEMO_DIR (default .build/demo); the programs come from bin/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$root/bin:$PATH"
work="${LORAG_DEMO_DIR:-$root/.build/demo}"
mkdir -p "$work"
step() { printf '\n== %s\n' "$*" >&2; }

step "1/5 knowledge base: chunk README.md docs/ | embed | index > $work/kb.idx"
chunk "$root/README.md" "$root/docs" | embed | index > "$work/kb.idx"
index --stats "$work/kb.idx" >&2

question='{"id": "q1", "query": "How does index replace the knowledge base file safely?"}'
step "2/5 retrieve | generate"
echo "$question" | retrieve --index "$work/kb.idx" -k 3 --mode hybrid > "$work/hits.jsonl"
generate --max-tokens 96 < "$work/hits.jsonl" | tee "$work/answer.jsonl"

step "3/5 lora-train on examples/pirate/train.jsonl (30 steps)"
lora-train --data "$root/examples/pirate/train.jsonl" --out "$work/adapters/pirate" \
    --steps 30 --batch-size 4 --lr 1e-3 --no-shuffle --metrics "$work/train-metrics.jsonl"
tail -n 1 "$work/train-metrics.jsonl" >&2

step "4/5 retrieve | generate --lora"
generate --max-tokens 96 --lora "$work/adapters/pirate" < "$work/hits.jsonl" | tee "$work/answer-lora.jsonl"

step "5/5 generate --score: held-out pirate answers, base model vs with the adapter"
generate --score "$root/examples/pirate/heldout.jsonl" > "$work/score-base.jsonl"
generate --score "$root/examples/pirate/heldout.jsonl" --lora "$work/adapters/pirate" > "$work/score-lora.jsonl"
python3 - "$work/score-base.jsonl" "$work/score-lora.jsonl" <<'PY'
import json, math, sys
def total(path):
    rows = [json.loads(line) for line in open(path)]
    ll = sum(r["log_likelihood"] for r in rows)
    n = sum(r["tokens"]["completion"] for r in rows)
    return ll, n
(base, n), (lora, _) = total(sys.argv[1]), total(sys.argv[2])
print(f"held-out answers: {n} tokens; perplexity base {math.exp(-base / n):.2f}, "
      f"with the adapter {math.exp(-lora / n):.2f}", file=sys.stderr)
PY
