"""sentence-transformers on PyTorch, the tool `embed` is measured against.

Usage: st_embed.py MODEL_DIR CORPUS.jsonl THREADS BATCH STATS.json
Encodes every "text" of the corpus (ST sorts by length and pads each batch), prints
passages/s and tokens/s on stdout, and writes the token statistics that the FLOP count of a
BERT forward pass needs (per text: tokens after truncation) to STATS.json.
"""
import json
import sys
import time

import torch
from sentence_transformers import SentenceTransformer

model_dir, corpus, threads, batch, stats_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
torch.set_num_threads(threads)
texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8") if line.strip()]
model = SentenceTransformer(model_dir, device="cpu")
tok = model.tokenizer
lengths = [len(ids) for ids in tok(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]]
config = model[0].auto_model.config
json.dump({"lengths": lengths, "hidden": config.hidden_size, "layers": config.num_hidden_layers,
           "intermediate": config.intermediate_size}, open(stats_path, "w"))

model.encode(texts[:64], batch_size=batch)  # warm-up: first-call allocations, thread pool start
start = time.perf_counter()
model.encode(texts, batch_size=batch, normalize_embeddings=False)
elapsed = time.perf_counter() - start
print(f"{len(texts) / elapsed:.2f} {sum(lengths) / elapsed:.0f} {elapsed:.2f}")
