"""FLOPs of one BERT forward pass over the texts in STATS.json (written by st_embed.py), counting
a multiply-add as 2: per layer, per token 2·(4C² + 2CI) for the QKV, output and FFN projections,
and per text 4·T²·C for the attention scores and their product with V. Embeddings, LayerNorm,
GELU and softmax are left out (well under 1%). Prints GFLOP."""
import json
import sys

s = json.load(open(sys.argv[1]))
c, i, layers = s["hidden"], s["intermediate"], s["layers"]
total = 0
for t in s["lengths"]:
    total += layers * (t * 2 * (4 * c * c + 2 * c * i) + 4 * t * t * c)
print(f"{total / 1e9:.2f}")
