#!/usr/bin/python3
"""Trains the bundled character-level GPT and exports it to ONNX.

Text: the King James Version of the Bible (1611, public domain), as Debian's bible-kjv-text
package carries it, read with the package's `bible` program (Debian package bible-kjv). Training
text: the book of Genesis; held-out text: Exodus chapters 1-3. Verse numbers and chapter headings
are dropped, whitespace collapsed to one space, and the text lowercased (36 characters).

Model: a decoder-only transformer, 2 blocks, 4 heads, d = 64, context 32, learned token and
position embeddings, pre-LayerNorm, causal self-attention (a constant lower-triangular mask),
an MLP of 4d with exact GELU, a final LayerNorm and an LM head. Input: token ids, int64 [1, 32];
output: the logits of every position, [1, 32, 36]. Exported with torch.onnx.export at opset 14.

Needs python3-torch (Debian, 1.13, CPU), bible-kjv. Run from this folder (about 2 minutes on one core):
    python3 make_chargpt.py
Writes chargpt.onnx, vocab.txt (one character per id, as a JSON string per line), train.txt's
first 32 * 64 characters as calibration.txt, heldout.txt, and expected.json (float next-token
predictions of the held-out windows, and the training log).
"""
import json
import math
import re
import subprocess
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONTEXT, D, HEADS, LAYERS = 32, 64, 4, 2
STEPS, BATCH, LR = 4000, 32, 3e-3
HELDOUT_CHARS = 32 * 64
torch.manual_seed(15)
torch.set_num_threads(1)


def text(spec):
    raw = subprocess.run(["bible", spec], check=True, capture_output=True, text=True).stdout
    raw = re.sub(r"^(\w+ \d+$|\s*\d+ )", "", raw, flags=re.M)
    return re.sub(r"\s+", " ", raw).strip().lower()


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.qkv = nn.Linear(D, 3 * D)
        self.proj = nn.Linear(D, D)
        self.ln2 = nn.LayerNorm(D)
        self.fc = nn.Linear(D, 4 * D)
        self.out = nn.Linear(4 * D, D)
        self.register_buffer("mask", torch.tril(torch.ones(CONTEXT, CONTEXT)).view(1, 1, CONTEXT, CONTEXT))

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        q = q.view(b, t, HEADS, D // HEADS).transpose(1, 2)
        k = k.view(b, t, HEADS, D // HEADS).transpose(1, 2)
        v = v.view(b, t, HEADS, D // HEADS).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D // HEADS))
        att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, D))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class CharGpt(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.tok = nn.Embedding(vocab, D)
        self.pos = nn.Parameter(torch.zeros(1, CONTEXT, D))
        self.blocks = nn.Sequential(*[Block() for _ in range(LAYERS)])
        self.ln = nn.LayerNorm(D)
        self.head = nn.Linear(D, vocab)

    def forward(self, ids):
        x = self.tok(ids) + self.pos[:, : ids.shape[1]]
        return self.head(self.ln(self.blocks(x)))


def main():
    train, held = text("Gen1:1-50:26"), text("Exo1:1-3:22")[:HELDOUT_CHARS]
    chars = sorted(set(train))
    assert set(held) <= set(chars), set(held) - set(chars)
    idx = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([idx[c] for c in train])
    model = CharGpt(len(chars))
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    log = []
    t0 = time.time()
    for step in range(STEPS):
        lr = LR * min(1.0, (step + 1) / 100) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / STEPS)))
        for g in opt.param_groups:
            g["lr"] = lr
        start = torch.randint(0, len(data) - CONTEXT - 1, (BATCH,))
        x = torch.stack([data[s:s + CONTEXT] for s in start])
        y = torch.stack([data[s + 1:s + CONTEXT + 1] for s in start])
        loss = F.cross_entropy(model(x).view(-1, len(chars)), y.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 250 == 0 or step == STEPS - 1:
            log.append({"step": step, "loss": round(loss.item(), 4), "seconds": round(time.time() - t0, 1)})
            print(log[-1], flush=True)
    model.eval()

    held_ids = torch.tensor([idx[c] for c in held]).view(-1, CONTEXT)
    with torch.no_grad():
        logits = model(held_ids)
        targets = torch.tensor([idx[c] for c in text("Exo1:1-3:22")[1:HELDOUT_CHARS + 1]]).view(-1, CONTEXT)
        pred = logits.argmax(-1)
        accuracy = (pred == targets).float().mean().item()
        held_loss = F.cross_entropy(logits.view(-1, len(chars)), targets.view(-1)).item()
    print("held-out next-character accuracy", accuracy, "loss", held_loss)

    torch.onnx.export(model, held_ids[:1], "chargpt.onnx", input_names=["ids"], output_names=["logits"], opset_version=14)
    with open("vocab.txt", "w") as f:
        for c in chars:
            f.write(json.dumps(c) + "\n")
    with open("heldout.txt", "w") as f:
        f.write(held)
    with open("calibration.txt", "w") as f:
        f.write(train[: CONTEXT * 64])
    with open("expected.json", "w") as f:
        json.dump({"context": CONTEXT, "vocab": len(chars), "parameters": sum(p.numel() for p in model.parameters()),
                   "heldout_accuracy": round(accuracy, 4), "heldout_loss": round(held_loss, 4),
                   "float_predictions": pred.view(-1).tolist(), "training_log": log}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
