#!/usr/bin/env python3
"""HNSW recall@10 of `retrieve` against its own exact search, lorag alone (no FAISS).

Usage: recall.py BIN_DIR [--set clustered|uniform] [--n 100000] [--queries 1000] [--work DIR]

Data: bench_vindex.py's sets (the seeded Gaussian mixture by default). Steps, all through the
built programs:
  1. `lorag-index` builds the index (M 32, efConstruction 200: the defaults); the ground truth
     is `retrieve --exact`; recall@10 of `retrieve --ef E` for E in 16..128.
  2. Update in place (`lorag-index --into --prune`): 20% of the vectors replaced by new draws,
     10% deleted; recall again, and the file's size against a fresh build of the same records
     (the issue's bound: at most 10% larger).
Prints one line per measurement.
"""
import argparse, base64, json, os, subprocess, time
import numpy as np
from bench_vindex import make_data, write_inputs, lorag_search, recall


def build(bin_dir, records, idx):
    t = time.perf_counter()
    with open(records) as f, open(idx, "wb") as g:
        subprocess.run([os.path.join(bin_dir, "lorag-index"), "--quiet", "--threads", "2"], stdin=f, stdout=g, check=True)
    return time.perf_counter() - t


def recalls(bin_dir, idx, qfile, n_queries):
    _, truth = lorag_search(bin_dir, idx, qfile, ["--exact", "--batch", str(n_queries)], 2)
    for ef in [16, 32, 64, 128]:
        s, hits = lorag_search(bin_dir, idx, qfile, ["--ef", str(ef), "--batch", str(n_queries)], 2)
        print(f"  ef {ef:4}: recall@10 {recall(hits, truth):.4f}   {n_queries / s:8.0f} queries/s (batched, 2 threads)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir")
    ap.add_argument("--set", default="clustered", choices=["clustered", "uniform"])
    ap.add_argument("--n", type=int, default=100_000); ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--work", default="/tmp/lorag-recall-vindex")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    base, queries = make_data(a.set, a.n, a.queries)
    records, qfile = write_inputs(a.work, base, queries)
    idx = os.path.join(a.work, "kb.idx")
    print(f"{a.set}, {a.n} x {base.shape[1]}, {a.queries} queries")
    print(f"fresh build: {build(a.bin_dir, records, idx):.1f} s, {os.path.getsize(idx)} bytes")
    recalls(a.bin_dir, idx, qfile, a.queries)

    # 20% replaced, 10% deleted (disjoint), in place.
    rng = np.random.default_rng(7)
    order = rng.permutation(a.n)
    replaced, deleted = set(order[: a.n // 5].tolist()), set(order[a.n // 5: a.n // 5 + a.n // 10].tolist())
    fresh, _ = make_data(a.set, a.n // 5 + 1, 1)  # the same mixture, new draws
    fresh = fresh[rng.permutation(len(fresh))]
    updated = os.path.join(a.work, "updated.jsonl")
    with open(updated, "w") as f:
        j = 0
        for i, v in enumerate(base):
            if i in deleted: continue
            if i in replaced:
                v = fresh[j]; j += 1
            # A replaced record's text changes too, so its hash (of the text) differs.
            f.write(json.dumps({"id": str(i), "text": f"vector {i}" + (" replaced" if i in replaced else ""),
                                "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode(),
                                "embedding_model": "bench@sha256:0"}) + "\n")
    t = time.perf_counter()
    subprocess.run([os.path.join(a.bin_dir, "lorag-index"), "--quiet", "--threads", "2", "--into", idx, "--prune", updated],
                   check=True)
    print(f"update in place (20% replaced, 10% deleted): {time.perf_counter() - t:.1f} s, {os.path.getsize(idx)} bytes")
    recalls(a.bin_dir, idx, qfile, a.queries)
    rebuilt = os.path.join(a.work, "rebuilt.idx")
    print(f"fresh build of the updated records: {build(a.bin_dir, updated, rebuilt):.1f} s, {os.path.getsize(rebuilt)} bytes "
          f"(updated file / fresh = {os.path.getsize(idx) / os.path.getsize(rebuilt):.3f})")


if __name__ == "__main__":
    main()
