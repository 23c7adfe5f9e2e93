#!/usr/bin/env python3
"""A BERT of other sizes than MiniLM's, through both sentence-transformers and `embed`.

Usage (benchmark venv): tiny_bert_check.py EMBED_BINARY MINILM_DIR SENTENCES.jsonl WORK_DIR
Makes a randomly initialised BertModel (seed 0; hidden 96, 3 layers, 6 heads, intermediate 200,
300 positions, LayerNorm eps 1e-6) with MiniLM's tokenizer, max_seq_length 128, CLS pooling and
Normalize, saved as a sentence-transformers folder; embeds the sentences with both tools and
prints min cosine and max abs difference. Every size `embed` uses must come from the folder.
"""
import json, os, shutil, subprocess, sys
import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from transformers import BertConfig, BertModel

embed, minilm, sentences, work = sys.argv[1:5]
torch.manual_seed(0)
folder = os.path.join(work, "tiny-bert")
config = BertConfig(vocab_size=30522, hidden_size=96, num_hidden_layers=3, num_attention_heads=6,
                    intermediate_size=200, max_position_embeddings=300, layer_norm_eps=1e-6)
BertModel(config).save_pretrained(folder, safe_serialization=True)
for name in ["tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"]:
    shutil.copy(os.path.join(minilm, name), folder)
json.dump({"max_seq_length": 128, "do_lower_case": False}, open(os.path.join(folder, "sentence_bert_config.json"), "w"))
os.makedirs(os.path.join(folder, "1_Pooling"), exist_ok=True)
json.dump({"word_embedding_dimension": 96, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False,
           "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False},
          open(os.path.join(folder, "1_Pooling", "config.json"), "w"))
json.dump([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
           {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
           {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
          open(os.path.join(folder, "modules.json"), "w"))
texts = [json.loads(line)["text"] for line in open(sentences)]
reference = SentenceTransformer(folder, device="cpu").encode(texts, batch_size=16).astype(np.float64)
with open(sentences) as f:
    run = subprocess.run([embed, "--model", folder, "--quiet"], stdin=f, capture_output=True, check=True)
ours = np.array([json.loads(line)["embedding"] for line in run.stdout.splitlines()])
cosine = (ours * reference).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(reference, axis=1)
print(f"tiny BERT: {ours.shape[0]} x {ours.shape[1]}, min cosine {cosine.min():.8f}, max abs diff {np.abs(ours - reference).max():.2e}")
