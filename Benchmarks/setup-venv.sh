#!/usr/bin/env bash
# Builds (once) the Python virtual environment holding the reference tools lorag is measured
# against, all from PyPI: torch, sentence-transformers, transformers, peft, faiss-cpu, numpy, and
# llama.cpp itself through llama-cpp-python (its sdist compiles llama.cpp: ~20 minutes on 2 cores).
# The venv is cached in Benchmarks/.venv; delete it to rebuild.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
stamp="$venv/.complete"
[ -f "$stamp" ] && exit 0

python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    torch sentence-transformers transformers peft faiss-cpu numpy psutil safetensors
if [ "${LORAG_BENCH_SKIP_LLAMA_CPP:-0}" != 1 ]; then
    # Native build tuned for this CPU, as llama.cpp's own benchmark figures were made.
    CMAKE_ARGS="-DGGML_NATIVE=ON" "$venv/bin/pip" install --quiet --disable-pip-version-check \
        --no-binary llama-cpp-python llama-cpp-python
fi
touch "$stamp"
