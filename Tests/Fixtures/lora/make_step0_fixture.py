"""Builds step0_hashed.safetensors + step0_hashed.json: PEFT's loss and LoRA gradients on batch0.json
for an adapter whose values follow from a formula (so the Swift test can rebuild it without
shipping 9.8 MB). Run with the benchmark venv (torch, transformers, peft):

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 Benchmarks/.venv/bin/python \
        Tests/Fixtures/lora/make_step0_fixture.py models/SmolLM2-135M-Instruct.Q4_1.gguf Tests/Fixtures/lora

The model is loaded as shared/reference/lora/README.md describes (the GGUF dequantised to float32
by transformers); LoRA r=8, alpha=16 on all 7 projections.
"""
import json, os, sys
import torch
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM

PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
SUBSET = [(0, "self_attn.q_proj", "A"), (0, "self_attn.q_proj", "B"), (0, "self_attn.k_proj", "B"), (0, "mlp.down_proj", "A"),
          (15, "self_attn.v_proj", "A"), (15, "self_attn.v_proj", "B"), (15, "self_attn.o_proj", "B"), (15, "mlp.gate_proj", "B"),
          (29, "mlp.up_proj", "A"), (29, "mlp.up_proj", "B"), (29, "mlp.down_proj", "B"), (29, "self_attn.k_proj", "A")]


def hashed(j, count, kind):
    """Element e of parameter j: a 16-bit hash scaled by a power of two (exact in float32)."""
    e = torch.arange(count, dtype=torch.int64)
    if kind == "A":
        u = (e * 2654435761 + j * 40503 + 1) % 65536
        return ((u - 32768).double() * 2.0 ** -20).float()
    u = (e * 2246822519 + j * 97 + 7) % 65536
    return ((u - 32768).double() * 2.0 ** -23).float()


def main(gguf, out):
    model = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(gguf)), gguf_file=os.path.basename(gguf),
                                                 dtype=torch.float32)
    config = LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, bias="none", task_type="CAUSAL_LM", target_modules=PROJECTIONS)
    model = get_peft_model(model, config)
    params = dict(model.named_parameters())
    keys = []
    with torch.no_grad():
        j = 0
        for layer in range(30):
            for proj in PROJECTIONS:
                block = "mlp" if proj in ("gate_proj", "up_proj", "down_proj") else "self_attn"
                stem = f"base_model.model.model.layers.{layer}.{block}.{proj}"
                for kind in ("A", "B"):
                    p = params[f"{stem}.lora_{kind}.default.weight"]
                    p.copy_(hashed(j, p.numel(), kind).reshape(p.shape))
                    keys.append((f"{stem}.lora_{kind}.weight", p))
                j += 1
    batch = json.load(open(os.path.join(out, "batch0.json")))
    ids, mask, labels = (torch.tensor(batch[k]) for k in ("input_ids", "attention_mask", "labels"))
    loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    norms = {k: float(p.grad.double().norm()) for k, p in keys}
    subset = {}
    for layer, module, kind in SUBSET:
        k = f"base_model.model.model.layers.{layer}.{module}.lora_{kind}.weight"
        subset[k] = dict(keys)[k].grad.detach().clone().contiguous()
    save_file(subset, os.path.join(out, "step0_hashed.safetensors"), metadata={"format": "pt"})
    json.dump({"loss": float(loss), "gradient_l2_norms": norms}, open(os.path.join(out, "step0_hashed.json"), "w"), indent=0, sort_keys=True)
    print("loss", float(loss))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
