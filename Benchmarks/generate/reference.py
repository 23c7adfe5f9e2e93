"""The reference side of compare.sh: pp512 and tg128 tokens/s of llama.cpp (llama-cpp-python) or
transformers on PyTorch float32, for one thread count, median of `runs`.

    python reference.py llama-cpp|torch MODEL.gguf THREADS RUNS   ->   "<pp512> <tg128>"
"""
import statistics
import sys
import time


def llama_cpp(model, threads, runs):
    from llama_cpp import Llama

    llm = Llama(model_path=model, n_ctx=1024, n_batch=512, n_threads=threads, n_threads_batch=threads, verbose=False)
    prompt = llm.tokenize((" the" * 512).encode(), add_bos=False)[:512]
    pp, tg = [], []
    for _ in range(runs):
        llm.reset()
        start = time.perf_counter()
        llm.eval(prompt)
        pp.append(len(prompt) / (time.perf_counter() - start))
        llm.reset()
        llm.eval(llm.tokenize(b"Once upon a time", add_bos=False))
        token = 1
        start = time.perf_counter()
        for _ in range(128):
            llm.eval([token])
        tg.append(128 / (time.perf_counter() - start))
    return statistics.median(pp), statistics.median(tg)


def torch_f32(model, threads, runs):
    import os
    import torch
    from transformers import AutoModelForCausalLM

    torch.set_num_threads(threads)
    folder, name = os.path.split(model)
    lm = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    prompt = torch.full((1, 512), 260)  # token 260 is " the"
    pp, tg = [], []
    with torch.inference_mode():
        for _ in range(runs):
            start = time.perf_counter()
            lm(prompt)
            pp.append(512 / (time.perf_counter() - start))
            out = lm(torch.tensor([[1]]), use_cache=True)
            cache, token = out.past_key_values, torch.tensor([[1]])
            start = time.perf_counter()
            for _ in range(128):
                out = lm(token, past_key_values=cache, use_cache=True)
                cache = out.past_key_values
            tg.append(128 / (time.perf_counter() - start))
    return statistics.median(pp), statistics.median(tg)


if __name__ == "__main__":
    kind, model, threads, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    pp, tg = (llama_cpp if kind == "llama-cpp" else torch_f32)(model, threads, runs)
    print(f"{pp:.1f} {tg:.1f}")
