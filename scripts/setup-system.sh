#!/usr/bin/env bash
# Installs the system libraries lorag links against (OpenBLAS, libxml2), and the documentation
# trees its tests read, when they are missing: with apt-get when running as root, otherwise prints the exact command to run.
set -euo pipefail

missing=()
pkg-config --exists openblas 2>/dev/null || missing+=(libopenblas-dev)
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
# Real documentation trees the chunker's acceptance tests read (HTML from python3-doc; Markdown and
# HTML from nodejs-doc).
[ -d /usr/share/doc/python3.11/html ] || [ -d /usr/share/doc/python3/html ] || missing+=(python3-doc)
[ -d /usr/share/doc/nodejs/api ] || missing+=(nodejs-doc)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
