#!/usr/bin/env bash
# End to end: lora-train on the 48 pirate-style examples of shared/reference/lora (copied to
# Tests/Fixtures/lora/train.jsonl), then `generate --lora` on the 4 held-out prompts, greedy, as
# the reference's after_training.jsonl was made (30 steps of batch 4, AdamW lr 1e-3, file order).
# Prints each answer and how many have the trained style ("Arr, matey!" ... "Yo ho ho!").
# Too slow for the test suite (30 training steps), so it is a demo step.
#
#   Benchmarks/lora-train/demo.sh [steps (default 30)]
#
# Needs: swift build -c release --product lora-train --product generate; make models.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
steps=${1:-30}
model=$root/models/SmolLM2-135M-Instruct.Q4_1.gguf
fixtures=$root/Tests/Fixtures/lora
[ -f "$model" ] || { echo "run \`make models\` first" >&2; exit 1; }
for tool in lora-train generate; do
    [ -x "$root/.build/release/$tool" ] || { echo "build first: swift build -c release --product $tool" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

start=$(date +%s)
"$root/.build/release/lora-train" --model "$model" --data "$fixtures/train.jsonl" --out "$work/pirate" \
    --steps "$steps" --batch-size 4 --lr 1e-3 --no-shuffle --metrics "$work/metrics.jsonl" --quiet
trained=$(date +%s)
"$root/.build/release/generate" --model "$model" --lora "$work/pirate" --max-tokens 40 \
    "$fixtures/heldout.jsonl" > "$work/after.jsonl"
python3 - "$work/metrics.jsonl" "$work/after.jsonl" $((trained - start)) $(($(date +%s) - trained)) <<'PY'
import json, sys
losses = [json.loads(l)["loss"] for l in open(sys.argv[1])]
answers = [json.loads(l)["completion"] for l in open(sys.argv[2])]
print("loss %.3f -> %.3f over %d steps (%s s training, %s s generating)" % (losses[0], losses[-1], len(losses), sys.argv[3], sys.argv[4]))
for a in answers:
    print("  " + json.dumps(a))
styled = sum(a.startswith("Arr, matey!") and a.rstrip().endswith("Yo ho ho!") for a in answers)
print("%d of %d answers in the trained style" % (styled, len(answers)))
sys.exit(0 if styled == len(answers) else 1)
PY
