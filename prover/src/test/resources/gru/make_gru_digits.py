#!/usr/bin/python3
"""Trains the small GRU classifier of GruDigitsProofTest and exports it to ONNX.

sklearn's 8x8 digits, each image read as a sequence of its 8 rows (8 pixels each, scaled to
[0, 1]); a GRU of 16 hidden units (PyTorch, so linear_before_reset = 1), a linear layer on the last
hidden state, and ArgMax in the graph: the model's output is the predicted label. Exported with
torch.onnx.export at opset 14 for one fixed batch, the 360 held-out images (X is [8, 360, 8],
layout 0). Writes gru_digits.onnx, input.json (the held-out images, [seq, batch, pixel] order, one
flat row), calibration.json (360 training images, same layout) and expected.json (labels, the
float model's predictions and accuracy).

Needs python3-torch, python3-sklearn, python3-onnx (Debian). Run from this folder:
    python3 make_gru_digits.py
"""
import json

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEQ, FEATURES, HIDDEN, CLASSES = 8, 8, 16, 10
torch.manual_seed(14)
np.random.seed(14)


class GruClassifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(FEATURES, HIDDEN)
        self.fc = torch.nn.Linear(HIDDEN, CLASSES)

    def logits(self, x):
        _, h = self.gru(x)
        return self.fc(h[0])

    def forward(self, x):
        return torch.argmax(self.logits(x), dim=1)


def as_sequences(images):
    # [batch, 64] -> [8 rows, batch, 8 pixels]
    return torch.tensor(images.reshape(-1, SEQ, FEATURES).transpose(1, 0, 2), dtype=torch.float32)


def main():
    digits = load_digits()
    x = digits.data.astype(np.float32) / 16.0
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.2, random_state=14,
                                                        stratify=digits.target)
    model = GruClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = as_sequences(x_train), torch.tensor(y_train)
    for epoch in range(80):
        perm = torch.randperm(xt.shape[1])
        for i in range(0, len(perm), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model.logits(xt[:, idx]), yt[idx])
            loss.backward()
            opt.step()
    model.eval()
    xs = as_sequences(x_test)
    with torch.no_grad():
        pred = model(xs).numpy()
    acc = float((pred == y_test).mean())
    print("float accuracy", acc, int((pred == y_test).sum()), "/", len(y_test))
    torch.onnx.export(model, xs, "gru_digits.onnx", opset_version=14, input_names=["x"], output_names=["label"])
    with open("input.json", "w") as f:
        json.dump({"input_data": [[round(float(v), 6) for v in xs.numpy().reshape(-1)]]}, f)
    cal = as_sequences(x_train[:len(y_test)])
    with open("calibration.json", "w") as f:
        json.dump({"input_data": [[round(float(v), 6) for v in cal.numpy().reshape(-1)]]}, f)
    with open("expected.json", "w") as f:
        json.dump({"labels": [int(v) for v in y_test], "float_predictions": [int(v) for v in pred],
                   "float_accuracy": acc}, f)


if __name__ == "__main__":
    main()
