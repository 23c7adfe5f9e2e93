"""Makes the fixtures of `generate`'s end-to-end tests from the shared reference data.

    python3 Tests/Fixtures/generate/make_fixtures.py /work/shared/reference/smollm2 /usr/share/common-licenses/GPL-3

greedy.jsonl: for prompts 0, 3 (plain, fed with --raw) and 4, 5 (chat, fed as {"messages"}) of
greedy.jsonl/prompts.jsonl, the reference completion cut before the first fragile step
(top1_minus_top2_logit < 0.01) or at the first end-of-sequence token, whichever comes first.
gpl3-head.txt: the first 170 lines of GPL-3, which tokenise to more than 3 and fewer than 4
windows of 512 tokens, the first 1536 tokens being those of the whole file.
"""
import json
import sys


def byte_decoder():
    # GPT-2's byte-to-unicode table (published with its encoder.py): printable bytes stand for
    # themselves, the others for U+0100 + n in order.
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    table, shifted = {}, 0
    for b in range(256):
        if b in printable:
            table[chr(b)] = b
        else:
            table[chr(256 + shifted)] = b
            shifted += 1
    return table


def main(reference, gpl3):
    decoder = byte_decoder()
    prompts = [json.loads(l) for l in open(f"{reference}/prompts.jsonl")]
    greedy = [json.loads(l) for l in open(f"{reference}/greedy.jsonl")]
    with open("greedy.jsonl", "w") as out:
        for i in (0, 3, 4, 5):
            p, g = prompts[i], greedy[i]
            margins = g["top1_minus_top2_logit"]
            safe = next((k for k, m in enumerate(margins) if m < 0.01), len(margins))
            eos = g["first_eos_index"]
            stops = eos is not None and eos < safe
            steps = eos if stops else safe
            text = bytes(decoder[c] for t in g["new_tokens"][:steps] for c in t).decode("utf-8")
            row = {"id": i, "kind": p["kind"], "steps": steps, "finish_reason": "stop" if stops else "length",
                   "expected": text}
            if p["kind"] == "chat":
                row["messages"] = p["messages"]
            else:
                row["prompt"] = p["text"]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    lines = open(gpl3, encoding="utf-8").read().split("\n")
    with open("gpl3-head.txt", "w", encoding="utf-8") as out:
        out.write("\n".join(lines[:170]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
