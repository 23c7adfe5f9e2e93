"""PEFT on PyTorch, the same job as lora-train in run.sh: LoRA r=8, alpha=16 on all 7 projections
of SmolLM2-135M (the GGUF dequantised to float32 by transformers), AdamW lr 1e-3, batches of 4
{"text"} examples cut to 128 tokens, loss on every token. Prints seconds per step (after a warm-up
step) and tokens per second."""
import json, sys, time
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

gguf_dir, gguf_name, data, steps, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
tok = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name)
model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, dtype=torch.float32)
model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, task_type="CAUSAL_LM",
                                         target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
texts = [json.loads(line)["text"] for line in open(data)]
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3, weight_decay=0.0)
times, tokens = [], 0
for s in range(steps + 1):
    batch = [tok(texts[(4 * s + k) % len(texts)], add_special_tokens=False).input_ids[:127] + [2] for k in range(4)]
    n = max(len(b) for b in batch)
    ids = torch.tensor([b + [2] * (n - len(b)) for b in batch])
    mask = torch.tensor([[1] * len(b) + [0] * (n - len(b)) for b in batch])
    labels = ids.masked_fill(mask == 0, -100)
    t0 = time.time()
    loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    opt.step()
    opt.zero_grad()
    if s > 0:
        times.append(time.time() - t0)
        tokens += int(mask.sum())
print(json.dumps({"tool": "peft", "seconds_per_step": sum(times) / len(times), "tokens_per_second": tokens / sum(times)}))
