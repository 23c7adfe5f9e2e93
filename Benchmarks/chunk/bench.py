"""Throughput of `chunk` against LangChain's RecursiveCharacterTextSplitter with a Hugging Face
tokenizer as its length function, on the same extracted text, same size and overlap, in one run.

The text is Python's HTML documentation (Debian python3-doc) as `chunk` extracts it: each page's
chunks at an unlimited character size, joined by blank lines, so both splitters start from the
same plain text and only the splitting (with token counting) is measured. Both count tokens of
all-MiniLM-L6-v2 without [CLS]/[SEP] (LangChain's from_huggingface_tokenizer uses
len(tokenizer.tokenize(text))).

    Benchmarks/.venv/bin/python Benchmarks/chunk/bench.py [--limit-mb 4]
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHUNK = os.path.join(ROOT, ".build", "release", "chunk")
MODEL = os.path.join(ROOT, "models", "all-MiniLM-L6-v2")
DOCS = "/usr/share/doc/python3.11/html"
SIZE, OVERLAP = 254, 16


def extracted_corpus(limit_bytes):
    """[{"id", "text"}] of the documentation pages in chunk's order, up to limit_bytes of UTF-8."""
    out = subprocess.run([CHUNK, "--max-chars", "100000000", "--glob", "!_sources/**", "--glob", "!_static/**", DOCS],
                         check=True, capture_output=True).stdout
    pages, order = {}, []
    for line in out.splitlines():
        record = json.loads(line)
        if record["doc_id"] not in pages:
            order.append(record["doc_id"])
            pages[record["doc_id"]] = []
        pages[record["doc_id"]].append(record["text"])
    corpus, total = [], 0
    for doc_id in order:
        text = "\n\n".join(pages[doc_id])
        corpus.append({"id": doc_id, "text": text})
        total += len(text.encode())
        if total >= limit_bytes:
            break
    return corpus, total


def run_chunk(corpus, threads):
    payload = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in corpus).encode()
    start = time.perf_counter()
    out = subprocess.run([CHUNK, "--model", MODEL, "--max-tokens", str(SIZE), "--overlap", str(OVERLAP),
                          "--threads", str(threads)], input=payload, check=True, capture_output=True).stdout
    return time.perf_counter() - start, out.count(b"\n")


def run_langchain(corpus):
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from transformers import AutoTokenizer
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    splitter = RecursiveCharacterTextSplitter.from_huggingface_tokenizer(
        tokenizer, chunk_size=SIZE, chunk_overlap=OVERLAP)
    chunks = sum(len(splitter.split_text(d["text"])) for d in corpus)
    return time.perf_counter() - start, chunks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit-mb", type=float, default=4.0, help="MB of extracted text to split")
    args = parser.parse_args()
    for path in (CHUNK, MODEL, DOCS):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run `swift build -c release`, `make models`, `make setup`")
    corpus, size = extracted_corpus(int(args.limit_mb * 1e6))
    mb = size / 1e6
    print(f"corpus: {len(corpus)} pages of {DOCS}, {mb:.2f} MB of extracted text; "
          f"size {SIZE} tokens, overlap {OVERLAP}")
    # chunk is run twice per setting and the faster kept (the first may pay for a cold page
    # cache). LangChain's splitter is single-threaded; chunk is shown on one thread and on all.
    cores = os.cpu_count() or 1
    one_time, chunk_count = min(run_chunk(corpus, threads=1) for _ in range(2))
    all_time, _ = min(run_chunk(corpus, threads=cores) for _ in range(2))
    lc_time, lc_count = run_langchain(corpus)
    print(f"chunk (1 thread):         {one_time:7.2f} s  {mb / one_time:8.2f} MB/s  {chunk_count} chunks")
    print(f"chunk ({cores} threads):        {all_time:7.2f} s  {mb / all_time:8.2f} MB/s")
    print(f"LangChain + HF tokenizer: {lc_time:7.2f} s  {mb / lc_time:8.2f} MB/s  {lc_count} chunks")
    print(f"ratio: {lc_time / one_time:.1f}x on 1 thread, {lc_time / all_time:.1f}x on {cores}")


if __name__ == "__main__":
    main()
