#!/usr/bin/env python3
"""BM25 retrieval quality of `index` + `retrieve --mode bm25` on a BEIR-format collection.

Usage: eval_bm25.py BIN_DIR COLLECTION_DIR SCORER [-- extra index flags]
  e.g. eval_bm25.py .build/release ../shared/eval/scifact ../shared/eval/score.py

Documents keep their "title" and "text" fields (BM25 indexes title + " " + text). BM25 needs
no embedding, but every index record carries one: each gets the same 1-dimensional vector.
Writes the run (top 100 per query) next to the work files and prints the scorer's summary.
"""
import json, os, subprocess, sys

bin_dir, collection, scorer = sys.argv[1:4]
extra = sys.argv[5:] if len(sys.argv) > 4 and sys.argv[4] == "--" else []
work = "/tmp/lorag-eval-bm25-" + os.path.basename(os.path.normpath(collection))
os.makedirs(work, exist_ok=True)
records, queries = os.path.join(work, "records.jsonl"), os.path.join(work, "queries.jsonl")
with open(os.path.join(collection, "corpus.jsonl")) as src, open(records, "w") as out:
    for line in src:
        d = json.loads(line)
        out.write(json.dumps({"id": d["_id"], "title": d.get("title", ""), "text": d["text"], "embedding": [1.0]}) + "\n")
with open(os.path.join(collection, "queries.jsonl")) as src, open(queries, "w") as out:
    for line in src:
        q = json.loads(line)
        out.write(json.dumps({"query": q["text"], "id": q["_id"]}) + "\n")
index = os.path.join(work, "kb.idx")
with open(records) as f, open(index, "wb") as g:
    subprocess.run([os.path.join(bin_dir, "lorag-index"), "--quiet"] + extra, stdin=f, stdout=g, check=True)
with open(queries) as f:
    hits = subprocess.run([os.path.join(bin_dir, "retrieve"), "--index", index, "--mode", "bm25", "-k", "100"],
                          stdin=f, capture_output=True, check=True).stdout
run = os.path.join(work, "run.jsonl")
with open(run, "w") as out:
    for line in hits.splitlines():
        r = json.loads(line)
        out.write(json.dumps({"query_id": r["id"], "results": [{"id": h["id"], "score": h["score"]} for h in r["hits"]]}) + "\n")
subprocess.run([sys.executable, scorer, os.path.join(collection, "qrels", "test.tsv"), run], check=True)
