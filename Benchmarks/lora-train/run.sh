#!/usr/bin/env bash
# lora-train vs PEFT on PyTorch, same machine, same run (DESIGN.md, "Performance"): batches of
# 4 × 128 tokens, r=8 on all 7 projections of SmolLM2-135M, AdamW. Reports seconds per step,
# tokens per second, peak RSS and the ratio. Then, when shared/reference/lora is beside the
# checkout, replays the reference's 30-step run and compares the loss curves.
#
#   Benchmarks/lora-train/run.sh [steps (default 5)] [threads (default: all cores)]
#
# Needs: swift build -c release --product lora-train; Benchmarks/.venv with torch, transformers,
# peft and gguf (transformers reads GGUF through the gguf package).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
steps=${1:-5}
threads=${2:-$(nproc)}
venv=${VENV:-$root/Benchmarks/.venv}
model=$root/models/SmolLM2-135M-Instruct.Q4_1.gguf
shared=${LORAG_SHARED_REFERENCE:-$root/../shared/reference/lora}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -f "$model" ] || { echo "run \`make models\` first" >&2; exit 1; }
bin=$root/.build/release/lora-train
[ -x "$bin" ] || { echo "build first: swift build -c release --product lora-train" >&2; exit 1; }

# {"text"} examples of about 600 characters (more than 128 tokens, so every one is cut to 128).
# The repository's own prose (README.md and docs/) is the text.
python3 - "$work/texts.jsonl" "$root/README.md" "$root"/docs/*.md <<'PY'
import json, sys
text = " ".join(open(p).read() for p in sys.argv[2:]).replace("\n", " ")
with open(sys.argv[1], "w") as f:
    for i in range(0, len(text) - 700, 700):
        f.write(json.dumps({"text": text[i:i + 700]}) + "\n")
PY

peak() { awk '/Maximum resident/ {printf "%.0f", $6 / 1024}' "$1"; }
/usr/bin/time -v "$bin" --model "$model" --data "$work/texts.jsonl" --out "$work/adapter" --steps $((steps + 1)) \
    --batch-size 4 --max-length 128 --lr 1e-3 --no-shuffle --threads "$threads" --metrics "$work/metrics.jsonl" --quiet \
    2> "$work/lorag.time"
lorag=$(python3 - "$work/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])][1:]   # step 0 warms up
s = sum(r["seconds"] for r in rows); t = sum(r["tokens"] + 4 for r in rows)   # + the first token of each sequence
print(json.dumps({"tool": "lora-train", "seconds_per_step": s / len(rows), "tokens_per_second": t / s}))
PY
)
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 /usr/bin/time -v "$venv/bin/python" "$root/Benchmarks/lora-train/peft_step.py" \
    "$(dirname "$model")" "$(basename "$model")" "$work/texts.jsonl" "$steps" "$threads" > "$work/peft.json" 2> "$work/peft.time"
peft=$(tail -1 "$work/peft.json")
echo "$lorag  peak RSS $(peak "$work/lorag.time") MiB"
echo "$peft  peak RSS $(peak "$work/peft.time") MiB"
python3 -c "import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print('speed ratio lora-train / PEFT: %.2fx' % (b['seconds_per_step'] / a['seconds_per_step']))" "$lorag" "$peft"

if [ -f "$shared/loss_curve.jsonl" ]; then
    "$bin" --model "$model" --data "$shared/train.jsonl" --init "$shared/init_adapter" --out "$work/trained" \
        --steps 30 --batch-size 4 --lr 1e-3 --no-shuffle --threads "$threads" --metrics "$work/curve.jsonl" --quiet
    python3 - "$work/curve.jsonl" "$shared/loss_curve.jsonl" <<'PY'
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
ref = [json.loads(l) for l in open(sys.argv[2])]
for a, b in zip(ours, ref):
    print("step %2d  lora-train %.6f  PEFT %.6f  relative %.1e" % (a["step"], a["loss"], b["loss"], abs(a["loss"] - b["loss"]) / b["loss"]))
PY
fi
