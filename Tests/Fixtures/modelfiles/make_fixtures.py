"""Cuts the small fixtures in this folder from the models and /work/shared/reference.

Run from this folder:  python3 make_fixtures.py MODELS_DIR REFERENCE_DIR
(MODELS_DIR = the repo's models/, REFERENCE_DIR = shared/reference). Needs numpy; the quant block
fixtures also need the `gguf` package (pip install gguf==0.19.0), whose numpy dequantiser is the
independent reference for every GGML block format.
"""
import json, struct, sys
import numpy as np

models, reference = sys.argv[1], sys.argv[2]

# 1. MiniLM spot checks: every tensor's name/dtype/shape, and values at four flat indices.
path = f"{models}/all-MiniLM-L6-v2/model.safetensors"
raw = open(path, "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
dtypes = {"F32": "<f4", "F16": "<f2", "I64": "<i8"}
out = []
for name, info in header.items():
    if name == "__metadata__":
        continue
    b, e = info["data_offsets"]
    a = np.frombuffer(raw[8 + n + b:8 + n + e], dtype=dtypes[info["dtype"]])
    idx = sorted({0, 1, a.size // 2, a.size - 1})
    out.append({"name": name, "dtype": info["dtype"], "shape": info["shape"],
                "samples": [[i, float(a[i]) if a.dtype.kind == "f" else int(a[i])] for i in idx]})
json.dump({"file": "all-MiniLM-L6-v2/model.safetensors", "tensors": out}, open("minilm_tensors.json", "w"), indent=0)

# 2. SmolLM2 dequantised rows: a few rows of each tensor sampled in dequant_samples.npz.
z = np.load(f"{reference}/smollm2/dequant_samples.npz")
np.save("smollm2_token_embd_rows0-3.npy", np.ascontiguousarray(z["token_embd.weight[:64]"][:4]))
np.save("smollm2_blk0_attn_k_rows0-3.npy", np.ascontiguousarray(z["blk.0.attn_k.weight"][:4]))
np.save("smollm2_blk0_ffn_down_rows0-1_and_575.npy", np.ascontiguousarray(z["blk.0.ffn_down.weight"][[0, 1, 575]]))
np.save("smollm2_output_norm.npy", np.ascontiguousarray(z["output_norm.weight"]))

import shutil
shutil.copy(f"{reference}/smollm2/gguf_meta.json", "smollm2_gguf_meta.json")

# 3. GGML block fixtures: random block bytes of each type with sane half-precision scales,
#    and what gguf.quants.dequantize makes of them.
from gguf import GGMLQuantizationType as T, GGML_QUANT_SIZES
from gguf.quants import dequantize
rng = np.random.default_rng(20240611)
def half(x):
    return np.frombuffer(np.float16(x).tobytes(), np.uint8)
for t, half_fields in [(T.Q4_0, [0]), (T.Q4_1, [0, 2]), (T.Q5_0, [0]), (T.Q5_1, [0, 2]),
                       (T.Q8_0, [0]), (T.Q4_K, [0, 2]), (T.Q5_K, [0, 2]), (T.Q6_K, [208])]:
    block, size = GGML_QUANT_SIZES[t]
    blocks = rng.integers(0, 256, size=(2, size), dtype=np.uint8)
    for f in half_fields:
        for b in range(2):
            blocks[b, f:f + 2] = half(rng.uniform(-0.05, 0.05))
    blocks.tofile(f"blocks_{t.name}.bin")
    np.save(f"blocks_{t.name}_dequant.npy", dequantize(blocks.reshape(-1), t).astype(np.float32).reshape(-1))
