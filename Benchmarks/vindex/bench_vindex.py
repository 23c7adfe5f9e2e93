#!/usr/bin/env python3
"""index/retrieve against FAISS on the same 100,000 x 384 vectors, in one run.

Usage: bench_vindex.py BIN_DIR OUT.json [--set clustered|uniform] [--n 100000] [--queries 1000]

Data. `clustered` is the Gaussian mixture of Sources/VectorIndex/ClusteredVectors.swift (100
unit centres, members = centre + N(0, (1/sqrt(384))^2 I), normalised), drawn here with numpy
(seed 20260601) -- the same distribution, not the same numbers as the Swift generator.
`uniform` is ../shared/anchors' worst case: numpy default_rng(12345).standard_normal rows,
normalised, base first then queries.

What is timed (wall clock, both tools on 2 threads):
  * build: `index` over base64 JSONL records (includes parsing ~200 MB of JSONL and writing the
    file, so it overstates lorag's HNSW build) vs faiss IndexHNSWFlat(M=32, efC=200).add;
  * exact search: `retrieve --exact` batched (--batch = all queries) and one at a time
    (--batch 1), timed by retrieve itself after opening the index (--progress), vs
    IndexFlatIP batched and one call per query;
  * HNSW search at several ef: `retrieve` batched on 2 threads and one at a time on 1 thread vs
    IndexHNSWFlat at the same efSearch; recall@10 of both against IndexFlatIP.
Every search figure is the median of REPEATS runs, FAISS's and lorag's alternating (the
machine's speed drifts by 10-20% over minutes).
The queries reach retrieve as JSONL with base64 float32 embeddings, the form `embed --encoding
base64` writes, so the figures measure search rather than decimal-number parsing.
The ratios to report are at equal recall (pick the rows where both reach >= 0.95).
"""
import argparse, base64, json, os, statistics, subprocess, sys, time
import numpy as np

K = 10
REPEATS = 3


def make_data(kind, n, q, dim=384):
    if kind == "uniform":
        rng = np.random.default_rng(12345)
        x = rng.standard_normal((n + q, dim)).astype(np.float32)
    else:
        rng = np.random.default_rng(20260601)
        centres = rng.standard_normal((100, dim)).astype(np.float32)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
        which = rng.integers(0, 100, n + q)
        x = centres[which] + rng.standard_normal((n + q, dim)).astype(np.float32) / np.sqrt(dim)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x[:n]), np.ascontiguousarray(x[n:])


def write_inputs(work, base, queries):
    records, qfile = os.path.join(work, "records.jsonl"), os.path.join(work, "queries.jsonl")
    with open(records, "w") as f:
        for i, v in enumerate(base):
            f.write(json.dumps({"id": str(i), "text": f"vector {i}",
                                "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode(),
                                "embedding_model": "bench@sha256:0"}) + "\n")
    with open(qfile, "w") as f:
        for i, v in enumerate(queries):
            f.write(json.dumps({"query": "", "id": str(i),
                                "embedding": base64.b64encode(v.astype("<f4").tobytes()).decode(),
                                "embedding_model": "bench@sha256:0"}) + "\n")
    return records, qfile


def timed(cmd, stdin=None, stdout=None):
    t = time.perf_counter()
    subprocess.run(cmd, stdin=stdin, stdout=stdout, check=True)
    return time.perf_counter() - t


def lorag_search_once(bin_dir, idx, qfile, args, threads):
    """Search time as retrieve reports it with --progress: reading, answering and writing the
    queries, after the index is opened; and the hits."""
    cmd = [os.path.join(bin_dir, "retrieve"), "--index", idx, "-k", str(K), "--threads", str(threads), "--progress"] + args
    with open(qfile) as f:
        run = subprocess.run(cmd, stdin=f, capture_output=True, check=True)
    note = [l for l in run.stderr.decode().splitlines() if "queries in" in l][-1]
    hits = [[int(h["id"]) for h in json.loads(line)["hits"]] for line in run.stdout.splitlines()]
    return float(note.split("queries in ")[1].split(" s")[0]), hits


def lorag_search(bin_dir, idx, qfile, args, threads):
    """Median search time of REPEATS runs, and the hits."""
    runs = [lorag_search_once(bin_dir, idx, qfile, args, threads) for _ in range(REPEATS)]
    return statistics.median(r[0] for r in runs), runs[-1][1]


def paired(body, bin_dir, idx, qfile, args, threads):
    """FAISS's body() and lorag's retrieve run alternately, REPEATS times each, so that a
    change in the machine's speed during the run falls on both alike. Returns FAISS's median
    time, lorag's median times cold and warm, and lorag's hits.

    FAISS answers from memory it already holds and has searched before (its index was built
    in this process); each retrieve is a new process whose first queries also pay for mapping
    the index file and starting threads. So lorag is timed twice: cold (the queries file as
    is) and warm (the time the same queries take when they come a second time in the same
    run: retrieve on the file twice over, minus the cold time)."""
    twice = qfile + ".twice"
    # Remade whenever the queries are newer (each --set rewrites them in the same work folder).
    if not os.path.exists(twice) or os.path.getmtime(twice) < os.path.getmtime(qfile):
        with open(qfile) as f, open(twice, "w") as g:
            text = f.read()
            g.write(text + text)
    faiss_times, cold, warm = [], [], []
    for _ in range(REPEATS):
        t = time.perf_counter()
        body()
        faiss_times.append(time.perf_counter() - t)
        elapsed, hits = lorag_search_once(bin_dir, idx, qfile, args, threads)
        both, _ = lorag_search_once(bin_dir, idx, twice, args, threads)
        cold.append(elapsed)
        warm.append(both - elapsed)
    return statistics.median(faiss_times), statistics.median(cold), statistics.median(warm), hits


def recall(found, truth):
    return float(np.mean([len(set(f[:K]) & set(t[:K])) / K for f, t in zip(found, truth)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir"); ap.add_argument("out")
    ap.add_argument("--set", default="clustered", choices=["clustered", "uniform"])
    ap.add_argument("--n", type=int, default=100_000); ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--work", default="/tmp/lorag-bench-vindex")
    a = ap.parse_args()
    import faiss  # here, so that recall.py can use this file's helpers without faiss
    faiss.omp_set_num_threads(2)
    os.makedirs(a.work, exist_ok=True)
    base, queries = make_data(a.set, a.n, a.queries)
    records, qfile = write_inputs(a.work, base, queries)
    idx = os.path.join(a.work, "bench.idx")
    res = {"set": a.set, "n": a.n, "queries": a.queries}

    with open(records) as f, open(idx, "wb") as g:
        res["lorag_build_s"] = timed([os.path.join(a.bin_dir, "lorag-index"), "--threads", "2", "--quiet"], stdin=f, stdout=g)
    flat = faiss.IndexFlatIP(base.shape[1]); flat.add(base)
    _, truth = flat.search(queries, K)
    truth = truth.tolist()
    exact = [("batch", lambda: flat.search(queries, K), ["--exact", "--batch", str(a.queries)]),
             ("single", lambda: [flat.search(q[None, :], K) for q in queries], ["--exact", "--batch", "1"])]
    for name, body, args in exact:
        f, s, w, hits = paired(body, a.bin_dir, idx, qfile, args, 2)
        res[f"faiss_flat_{name}_qps"] = a.queries / f
        res[f"lorag_exact_{name}_qps"] = a.queries / s
        res[f"lorag_exact_{name}_warm_qps"] = a.queries / w
        res[f"lorag_exact_{name}_recall"] = recall(hits, truth)

    hnsw = faiss.IndexHNSWFlat(base.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 200
    t = time.perf_counter(); hnsw.add(base); res["faiss_hnsw_build_s"] = time.perf_counter() - t
    for ef in [16, 32, 64, 128]:
        hnsw.hnsw.efSearch = ef
        _, found = hnsw.search(queries, K)
        res[f"faiss_hnsw_ef{ef}_recall"] = recall(found.tolist(), truth)
        f, s, w, hits = paired(lambda: hnsw.search(queries, K), a.bin_dir, idx, qfile,
                               ["--ef", str(ef), "--batch", str(a.queries)], 2)
        res[f"faiss_hnsw_ef{ef}_batch_qps"], res[f"lorag_hnsw_ef{ef}_batch_qps"] = a.queries / f, a.queries / s
        res[f"lorag_hnsw_ef{ef}_batch_warm_qps"] = a.queries / w
        res[f"lorag_hnsw_ef{ef}_recall"] = recall(hits, truth)

        def one_at_a_time():
            faiss.omp_set_num_threads(1)
            for q in queries: hnsw.search(q[None, :], K)
            faiss.omp_set_num_threads(2)
        f, s, w, _ = paired(one_at_a_time, a.bin_dir, idx, qfile, ["--ef", str(ef), "--batch", "1"], 1)
        res[f"faiss_hnsw_ef{ef}_single_qps"], res[f"lorag_hnsw_ef{ef}_single_qps"] = a.queries / f, a.queries / s
        res[f"lorag_hnsw_ef{ef}_single_warm_qps"] = a.queries / w

    res["build_ratio"] = res["lorag_build_s"] / res["faiss_hnsw_build_s"]
    res["exact_batch_ratio"] = res["lorag_exact_batch_qps"] / res["faiss_flat_batch_qps"]
    res["exact_single_ratio"] = res["lorag_exact_single_qps"] / res["faiss_flat_single_qps"]
    res["exact_batch_warm_ratio"] = res["lorag_exact_batch_warm_qps"] / res["faiss_flat_batch_qps"]
    res["exact_single_warm_ratio"] = res["lorag_exact_single_warm_qps"] / res["faiss_flat_single_qps"]
    for ef in [16, 32, 64, 128]:
        for how in ["batch", "single"]:
            res[f"hnsw_ef{ef}_{how}_ratio"] = res[f"lorag_hnsw_ef{ef}_{how}_qps"] / res[f"faiss_hnsw_ef{ef}_{how}_qps"]
            res[f"hnsw_ef{ef}_{how}_warm_ratio"] = res[f"lorag_hnsw_ef{ef}_{how}_warm_qps"] / res[f"faiss_hnsw_ef{ef}_{how}_qps"]
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
    for key, value in res.items():
        print(f"{key:32} {value:.4g}" if isinstance(value, float) else f"{key:32} {value}")


if __name__ == "__main__":
    sys.exit(main())
