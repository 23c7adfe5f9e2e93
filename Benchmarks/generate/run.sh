#!/usr/bin/env bash
# Times lorag's `generate` on SmolLM2-135M-Instruct Q4_1 the way llama-bench reports llama.cpp:
# prompt processing of ~512 tokens (pp512) and generation of 128 tokens (tg128), plus peak RSS.
#
#   Benchmarks/generate/run.sh [THREADS]        (default 2; MODEL=path overrides the model)
#
# Two runs of the same raw prompt, greedy: one producing 1 token, one producing up to 129. The
# first gives pp (its wall time includes loading the model: a lower bound on our pp rate); the
# difference of the two gives tg. Peak memory is the larger run's maximum RSS (/usr/bin/time).
# Quiet-machine reference (llama.cpp, -c 512): 2 threads tg128 105 tok/s, pp512 206 tok/s;
# 1 thread 67 and 105; 137 MiB peak. Report the load average with any figure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
threads="${1:-2}"
model="${MODEL:-$root/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
[ -f "$model" ] || { echo "run.sh: $model is missing: run \`make models\`" >&2; exit 1; }
flags=(-c release)
if grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo; then
    flags+=(-Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell)
fi
(cd "$root" && swift build "${flags[@]}" --product generate >&2)
bin="$(cd "$root" && swift build "${flags[@]}" --show-bin-path)/generate"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# About 512 tokens of plain English (the byte-level BPE gives roughly 1.3 tokens per word).
python3 - "$work/prompt.jsonl" <<'PY'
import json, sys
text = ("The history of the lighthouse keepers on the northern coast is a story of patience, "
        "storms and small routines that kept ships away from the rocks. ") * 20
json.dump({"prompt": text.strip()}, open(sys.argv[1], "w"))
PY

run() {  # $1 = max tokens; prints "seconds prompt_tokens completion_tokens peak_kib"
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f %M -o "$work/rss" "$bin" --model "$model" --raw --temperature 0 --max-tokens "$1" \
        --ctx-size 640 --threads "$threads" --quiet "$work/prompt.jsonl" > "$work/out.jsonl"
    end=$(date +%s.%N)
    python3 - "$work/out.jsonl" "$start" "$end" "$(cat "$work/rss")" <<'PY'
import json, sys
record = json.loads(open(sys.argv[1]).readline())
print(float(sys.argv[3]) - float(sys.argv[2]), record["tokens"]["prompt"], record["tokens"]["completion"], sys.argv[4])
PY
}

read -r t1 prompt_tokens one _ < <(run 1)
read -r t2 _ generated peak < <(run 129)
python3 - "$t1" "$t2" "$prompt_tokens" "$one" "$generated" "$peak" "$threads" <<'PY'
import os, sys
t1, t2 = float(sys.argv[1]), float(sys.argv[2])
prompt, one, generated, peak, threads = (int(a) for a in sys.argv[3:])
print(f"threads {threads}, load average {os.getloadavg()[0]:.2f}")
print(f"pp{prompt}: {prompt / t1:.1f} tok/s (wall {t1:.2f} s, including model load)")
if generated > one:
    print(f"tg{generated - one}: {(generated - one) / (t2 - t1):.1f} tok/s")
print(f"peak RSS {peak / 1024:.0f} MiB")
PY
