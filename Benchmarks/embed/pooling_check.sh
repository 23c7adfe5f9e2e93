#!/usr/bin/env bash
# Pooling modes against sentence-transformers itself: copies of models/all-MiniLM-L6-v2 whose
# 1_Pooling/config.json selects CLS, max, or all four modes at once, with the Normalize module
# dropped so the pooled vectors are compared as they are; both tools embed the 85 reference
# sentences; prints min cosine and max abs difference per variant.
# Usage: Benchmarks/embed/pooling_check.sh   (needs the benchmark venv and a release build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${LORAG_BENCH_PYTHON:-$root/Benchmarks/.venv/bin/python}"
sentences="$root/../shared/reference/minilm/sentences.jsonl"
embed="$(cd "$root" && swift build -c release --show-bin-path)/embed"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for mode in cls max all; do
    mkdir -p "$work/$mode/1_Pooling"
    for f in "$root"/models/all-MiniLM-L6-v2/*; do [ -f "$f" ] && [ "$(basename "$f")" != modules.json ] && ln -s "$f" "$work/$mode/"; done
done
# The pooling configurations and the modules list without Normalize.
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
for mode in ["cls", "max", "all"]:
    d = f"{work}/{mode}"
    json.dump({"word_embedding_dimension": 384, "pooling_mode_cls_token": mode in ("cls", "all"),
               "pooling_mode_max_tokens": mode in ("max", "all"), "pooling_mode_mean_tokens": mode == "all",
               "pooling_mode_mean_sqrt_len_tokens": mode == "all"}, open(f"{d}/1_Pooling/config.json", "w"))
    json.dump([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}],
              open(f"{d}/modules.json", "w"))
PY
for mode in cls max all; do
    "$embed" --model "$work/$mode" --quiet < "$sentences" > "$work/$mode.jsonl"
done
HF_HUB_OFFLINE=1 "$python" - "$work" "$sentences" <<'PY'
import json, sys
import numpy as np
from sentence_transformers import SentenceTransformer
work, sentences = sys.argv[1], sys.argv[2]
texts = [json.loads(l)["text"] for l in open(sentences)]
for mode in ["cls", "max", "all"]:
    reference = SentenceTransformer(f"{work}/{mode}", device="cpu").encode(texts, batch_size=16).astype(np.float64)
    ours = np.array([json.loads(l)["embedding"] for l in open(f"{work}/{mode}.jsonl")])
    cosine = (ours * reference).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(reference, axis=1)
    print(f"{mode:4} dimension {ours.shape[1]:5}  min cosine {cosine.min():.8f}  max abs diff {np.abs(ours - reference).max():.2e}")
PY
