#!/usr/bin/env bash
# Builds (once) the Python virtual environment holding the reference tools lorag is measured
# against, all from PyPI: torch, sentence-transformers, transformers, peft, faiss-cpu, numpy, and
# llama.cpp itself through llama-cpp-python (its sdist compiles llama.cpp: ~20 minutes on 2 cores).
# The venv is cached in Benchmarks/.venv (one stamp per part); delete it to rebuild.
# LORAG_BENCH_SKIP_LLAMA_CPP=1 leaves llama.cpp out.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ ! -f "$venv/.python-tools" ]; then
    "${pip[@]}" torch sentence-transformers transformers peft faiss-cpu numpy psutil safetensors gguf
    touch "$venv/.python-tools"
fi
if [ "${LORAG_BENCH_SKIP_LLAMA_CPP:-0}" != 1 ] && [ ! -f "$venv/.llama-cpp" ]; then
    # Native build for this CPU, as llama.cpp's own figures in the anchors were made.
    CMAKE_ARGS="-DGGML_NATIVE=ON" "${pip[@]}" --no-binary llama-cpp-python llama-cpp-python
    touch "$venv/.llama-cpp"
fi
