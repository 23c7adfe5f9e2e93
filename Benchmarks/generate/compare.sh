#!/usr/bin/env bash
# Times `generate` beside llama.cpp (through llama-cpp-python) and transformers on PyTorch float32
# on the same GGUF: prompt processing of 512 tokens (pp512) and 128 decode steps (tg128) at 1 and 2
# threads, and peak RSS of a whole run at --ctx-size 512 (/usr/bin/time -v). Prints tokens/s and
# ours/theirs ratios, with the load average, since this 2-core machine is shared.
#
#   Benchmarks/generate/compare.sh [--runs N] [--no-torch]
#
# Our figures come from generate's own `--timings` (llama.cpp server's names), so nothing here
# needs a benchmark mode in the program. When llama-cpp-python is not installed in
# Benchmarks/.venv (Benchmarks/setup-venv.sh), the anchor figures of shared/anchors/llamacpp.md
# (llama-bench, idle machine, medians of 10) are printed in its place.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs=3
torch=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --no-torch) torch=0; shift ;;
        *) echo "compare.sh: unknown argument $1" >&2; exit 64 ;;
    esac
done
model="${LORAG_GENERATE_MODEL:-$root/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
[ -f "$model" ] || { echo "compare.sh: $model is missing: run \`make models\`" >&2; exit 1; }
# Venv of the reference tools (Benchmarks/setup-venv.sh; building it takes ~20 minutes).
venv="$root/Benchmarks/.venv"

python="$venv/bin/python"

cpu_flags=()
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    cpu_flags=(-Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell)   # as the Makefile builds
fi
(cd "$root" && swift build -c release "${cpu_flags[@]}" --product generate >&2)
generate="$(cd "$root" && swift build -c release "${cpu_flags[@]}" --show-bin-path)/generate"

# pp512: " the" 512 times is exactly 512 tokens in SmolLM2's vocabulary (one word, one token).
prompt512="$(python3 -c 'print(" the" * 512)')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%s\n' "$prompt512" > "$work/pp.txt"
printf 'Once upon a time\n' > "$work/tg.txt"

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { python3 -c "import json,sys; r=json.loads(sys.stdin.readline()); print(r['timings']['$1'])"; }

declare -A ours theirs torchs
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in 1 2; do
    pp=(); tg=()
    for _ in $(seq "$runs"); do
        pp+=("$("$generate" --model "$model" --raw --ctx-size 1024 --max-tokens 0 --timings --threads "$t" "$work/pp.txt" | field prompt_per_second)")
        # 129 tokens: the first comes from the prompt's logits, then 128 single-token decode steps.
        tg+=("$("$generate" --model "$model" --raw --ctx-size 512 --max-tokens 129 --ignore-eos --timings --threads "$t" "$work/tg.txt" | field predicted_per_second)")
    done
    ours[pp$t]="$(printf '%s\n' "${pp[@]}" | median)"
    ours[tg$t]="$(printf '%s\n' "${tg[@]}" | median)"
done
rss_ours="$( { /usr/bin/time -v "$generate" --model "$model" --raw --ctx-size 512 --max-tokens 129 --ignore-eos --threads 2 "$work/tg.txt" >/dev/null; } 2>&1 \
    | awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }')"

if [ -f "$venv/.llama-cpp" ]; then
    label="llama.cpp (llama-cpp-python, this run)"
    for t in 1 2; do
        read -r pp tg < <("$python" "$here/reference.py" llama-cpp "$model" "$t" "$runs")
        theirs[pp$t]="$pp"; theirs[tg$t]="$tg"
    done
    rss_theirs="$( { /usr/bin/time -v "$python" "$here/reference.py" llama-cpp "$model" 2 1 >/dev/null; } 2>&1 \
        | awk -F': ' '/Maximum resident/ { printf "%.0f", $2 / 1024 }')"
else
    label="llama.cpp anchor (llama-bench, idle machine; llama-cpp-python not installed)"
    theirs[pp1]=105; theirs[tg1]=67; theirs[pp2]=206; theirs[tg2]=105; rss_theirs=137
fi
if [ "$torch" = 1 ] && [ -f "$venv/.python-tools" ]; then
    for t in 1 2; do
        # transformers reads GGUF only with the `gguf` package installed; without it, say so and go on.
        if out="$("$python" "$here/reference.py" torch "$model" "$t" "$runs" 2>"$work/torch.err")"; then
            read -r pp tg <<< "$out"
            torchs[pp$t]="$pp"; torchs[tg$t]="$tg"
        else
            echo "transformers reference failed: $(tail -1 "$work/torch.err")" >&2
            break
        fi
    done
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
printf '\n%-8s %-4s %12s %12s %8s %12s %8s\n' test thr "lorag tok/s" "llama.cpp" ratio "torch f32" ratio
for t in 1 2; do
    for test in pp tg; do
        k="$test$t"
        printf '%-8s %-4s %12.1f %12.1f %8s %12s %8s\n' "${test}$([ $test = pp ] && echo 512 || echo 128)" "$t" \
            "${ours[$k]}" "${theirs[$k]}" "$(ratio "${ours[$k]}" "${theirs[$k]}")" \
            "${torchs[$k]:--}" "$(ratio "${ours[$k]}" "${torchs[$k]:-0}")"
    done
done
echo "peak RSS at -c 512, 2 threads: lorag ${rss_ours} MiB, llama.cpp ${rss_theirs} MiB"
echo "llama.cpp column: $label"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
