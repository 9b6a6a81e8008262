#!/usr/bin/python3
"""Trains a small gradient-boosted tree ensemble on sklearn's breast-cancer data and exports it to
ONNX as a tensor program (hummingbird's "GEMM" strategy, written by hand), for
TreeEnsembleProofTest and the README's figures.

    x  [171, 30]  standardized features (the StandardScaler, fitted on the training split, is
                  applied outside the model: its per-feature ranges differ by four orders of
                  magnitude, which one per-tensor input scale cannot hold)
    xs = x[:, feature]          Gather: the feature each internal node tests
    c  = xs <= threshold        LessOrEqual: 1 where the node sends the sample left
    s  = c @ P                  MatMul with the path matrix (+1 left turn, -1 right turn on the path)
    r  = s == L                 Equal with the number of left turns: 1 at the leaf reached
    f  = r @ V + f0             MatMul with the leaf values (times the learning rate) + the prior
    y  = f > 0                  Greater: the predicted class, as float 0/1, shape [171, 1]

Writes tree_ensemble.onnx (batch fixed at the 171 held-out samples), input.json (those samples),
calibration.json (the first 342 training samples: two batches), expected.json (the held-out labels,
the float model's predictions and its accuracy). Needs python3-sklearn and python3-torch (Debian
bookworm: torch 1.13). Run in this folder: /usr/bin/python3 make_tree_ensemble.py
"""
import json

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

TREES, DEPTH, RATE = 10, 3, 0.3

X, y = load_breast_cancer(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scaler = StandardScaler().fit(Xtr)
Xtr, Xte = scaler.transform(Xtr), scaler.transform(Xte)
gb = GradientBoostingClassifier(n_estimators=TREES, max_depth=DEPTH, learning_rate=RATE, random_state=0).fit(Xtr, ytr)

features, thresholds, node_base = [], [], []
leaf_cols = []  # per leaf: (tree, path as [(internal index, went left)]), value
for t, est in enumerate(gb.estimators_[:, 0]):
    tr = est.tree_
    internal = {}
    for node in range(tr.node_count):
        if tr.children_left[node] != -1:
            internal[node] = len(features)
            features.append(tr.feature[node])
            thresholds.append(tr.threshold[node])

    def walk(node, path):
        if tr.children_left[node] == -1:
            leaf_cols.append((path, RATE * tr.value[node][0][0]))
            return
        walk(tr.children_left[node], path + [(internal[node], True)])
        walk(tr.children_right[node], path + [(internal[node], False)])

    walk(0, [])

I, L = len(features), len(leaf_cols)
P = np.zeros((I, L), dtype=np.float32)
lefts = np.zeros(L, dtype=np.float32)
values = np.zeros((L, 1), dtype=np.float32)
for l, (path, v) in enumerate(leaf_cols):
    for i, left in path:
        P[i, l] = 1 if left else -1
    lefts[l] = sum(1 for _, left in path if left)
    values[l, 0] = v
prior = float(gb.decision_function(Xtr[:1])[0] - sum(RATE * e.predict(Xtr[:1])[0] for e in gb.estimators_[:, 0]))


class GemmTrees(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.feature = torch.tensor(np.array(features, dtype=np.int64))
        # sklearn compares float32 features with float64 thresholds; float32 thresholds round toward
        # the same side for these data (checked below against sklearn's predictions)
        self.threshold = torch.tensor(np.array(thresholds, dtype=np.float32))
        self.paths = torch.tensor(P)
        self.lefts = torch.tensor(lefts)
        self.values = torch.tensor(values)
        self.prior = torch.tensor(np.float32(prior))

    def forward(self, x):
        xs = torch.index_select(x, 1, self.feature)
        c = (xs <= self.threshold).float()
        r = (torch.matmul(c, self.paths) == self.lefts).float()
        f = torch.matmul(r, self.values) + self.prior
        return (f > 0).float()


model = GemmTrees().eval()
xt = torch.tensor(Xte, dtype=torch.float32)
with torch.no_grad():
    torch_pred = model(xt).numpy().reshape(-1).astype(int)
sk_pred = gb.predict(Xte)
assert (torch_pred == sk_pred).all(), "the tensor program disagrees with sklearn"
torch.onnx.export(model, (xt,), "tree_ensemble.onnx", opset_version=17, input_names=["x"], output_names=["y"])

acc = float((sk_pred == yte).mean())
with open("input.json", "w") as f:
    json.dump({"input_data": [[float(f"{v:.7g}") for v in row] for row in Xte]}, f)
with open("calibration.json", "w") as f:
    json.dump({"input_data": [[float(f"{v:.7g}") for v in row] for row in Xtr[:342]]}, f)
with open("expected.json", "w") as f:
    json.dump({"labels": [int(v) for v in yte], "float_predictions": [int(v) for v in sk_pred],
               "float_accuracy": acc, "trees": TREES, "depth": DEPTH, "internal_nodes": I, "leaves": L}, f)
print(f"{TREES} trees of depth {DEPTH}: {I} internal nodes, {L} leaves; held-out accuracy {acc:.4f} "
      f"({int((sk_pred == yte).sum())}/{len(yte)})")
