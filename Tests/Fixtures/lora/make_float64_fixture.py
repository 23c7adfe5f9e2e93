"""Builds init_float64.safetensors + init_float64.json: the step-0 loss and LoRA gradients on
batch0.json for shared/reference/lora/init_adapter computed entirely in float64 (transformers +
PEFT on the GGUF dequantised to float32, then `.double()`; the cross entropy taken here from the
float64 logits, because transformers' own loss casts logits to float32 first). Run with the
benchmark venv:

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 Benchmarks/.venv/bin/python \
        Tests/Fixtures/lora/make_float64_fixture.py models/SmolLM2-135M-Instruct.Q4_1.gguf \
        ../shared/reference/lora Tests/Fixtures/lora

Why: the reference's float32 gradients (grads_step0.safetensors) are themselves up to 4.6e-4 of a
tensor's largest element away from float64 (74 of 420 tensors beyond 1e-4, worst the late-layer
o_proj/v_proj/down_proj lora_B). Most of that is transformers' float32 loss: the log-softmax over
49,152 logits summed in float32 (loss low by 2.1e-6 relative; with the float64 model and only
the loss in float32, 18 tensors are still beyond 1e-4). So the reference file cannot check
gradients to 1e-4; a float64 computation can. The file keeps the tensors where the reference is
furthest off plus a few from early and middle layers (SUBSET).
"""
import json, os, sys
import torch
from peft import PeftModel
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM

SUBSET = ["layers.28.self_attn.o_proj.lora_B", "layers.26.self_attn.o_proj.lora_B",
          "layers.29.self_attn.v_proj.lora_B", "layers.25.self_attn.o_proj.lora_B",
          "layers.25.mlp.down_proj.lora_B", "layers.11.self_attn.k_proj.lora_B",
          "layers.0.self_attn.q_proj.lora_A"]


def main(gguf_path, reference, out):
    torch.set_num_threads(2)
    base = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(gguf_path)),
                                                gguf_file=os.path.basename(gguf_path), dtype=torch.float32)
    model = PeftModel.from_pretrained(base, os.path.join(reference, "init_adapter"), is_trainable=True).double()
    batch = json.load(open(os.path.join(reference, "batch0.json")))
    labels = torch.tensor(batch["labels"])
    logits = model(input_ids=torch.tensor(batch["input_ids"]), attention_mask=torch.tensor(batch["attention_mask"])).logits
    loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1),
                                             ignore_index=-100)
    loss.backward()
    grads = {n.replace(".default", ""): p.grad for n, p in model.named_parameters() if p.requires_grad}
    ref = load_file(os.path.join(reference, "grads_step0.safetensors"))
    deviation = {k: ((ref[k].double() - g).abs().max() / g.abs().max()).item() for k, g in grads.items()}
    keys = sorted(k for k in grads if any(("model." + s + ".weight") in k for s in SUBSET))
    assert len(keys) == len(SUBSET), keys
    save_file({k: grads[k].float().contiguous() for k in keys}, os.path.join(out, "init_float64.safetensors"))
    worst = max(deviation.items(), key=lambda kv: kv[1])
    json.dump({"loss": loss.item(), "tensors": keys,
               "reference_float32_deviation": {"worst": worst[1], "worst_tensor": worst[0],
                                               "over_1e-4": sum(v > 1e-4 for v in deviation.values())}},
              open(os.path.join(out, "init_float64.json"), "w"), indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
