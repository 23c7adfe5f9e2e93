"""Derives the Llama test fixtures from /work/shared/reference/smollm2 (see MANIFEST.md).

Run with the Benchmarks venv: python make_fixtures.py /work/shared/reference
"""
import json
import sys

import numpy as np

ref = sys.argv[1]
prompts = [json.loads(l) for l in open(f"{ref}/smollm2/prompts.jsonl")]
greedy = {g["id"]: g for g in (json.loads(l) for l in open(f"{ref}/smollm2/greedy.jsonl"))}
logits = np.load(f"{ref}/smollm2/logits_last.npy")

# Per prompt: the 32 largest logits plus 224 other columns drawn with a fixed seed.
rng = np.random.default_rng(0)
columns, values = [], []
for row in logits:
    top = np.argsort(-row, kind="stable")[:32]
    rest = np.setdiff1d(np.arange(row.size), top)
    cols = np.concatenate([top, rng.choice(rest, 224, replace=False)]).astype(np.int32)
    columns.append(cols)
    values.append(row[cols])
np.save("smollm2_logits_last_columns.npy", np.stack(columns))
np.save("smollm2_logits_last_values.npy", np.stack(values).astype(np.float32))

with open("smollm2_prompts_greedy.jsonl", "w") as out:
    for p, row in zip(prompts, logits):
        g = greedy[p["id"]]
        out.write(json.dumps({
            "id": p["id"], "input_ids": p["input_ids"], "new_ids": g["new_ids"],
            "top1_minus_top2_logit": g["top1_minus_top2_logit"],
            "max_abs_logit": float(np.abs(row).max()),
            "text": p["text"], "messages": p.get("messages"),
        }, ensure_ascii=False) + "\n")

with open("smollm2_tokenize_digits_split.jsonl", "w") as out:
    for line in open(f"{ref}/smollm2/tokenize.jsonl"):
        r = json.loads(line)
        out.write(json.dumps({"id": r["id"], "text": r["text"], "ids_digits_split": r["ids_digits_split"]},
                             ensure_ascii=False) + "\n")
