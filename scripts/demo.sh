#!/usr/bin/env bash
# The main job on the default models: build a knowledge base from documents, ask it a question,
# answer with the generator. Grows as the programs land (see README.md, "Status").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$root/bin:$PATH"
work="${LORAG_DEMO_DIR:-$root/.build/demo}"
mkdir -p "$work"

echo "demo: programs installed in $root/bin:" >&2
for p in chunk embed index retrieve generate lora-train; do
    "$p" --help >/dev/null && echo "  $p" >&2
done

docs="$root/docs"
chunk "$docs" | embed | index > "$work/kb.idx"
echo "how is an index file updated?" | retrieve --index "$work/kb.idx" | generate --max-tokens 64
