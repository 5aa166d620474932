"""PyTorch CPU anchor for `./epoch bench train --compare-torch`: the lesson's model3 (Keras layout: conv 3x3 same +
ReLU + 2x2 max-pool three times, Dense(64) + Dropout(0.5), Dense(10)), Adam, batch 64, on random data.

Prints one JSON line: {"torch": version, "threads": n, "train": [img/s per run], "infer": [img/s per run]}.
Usage: python3 torch_bench.py [--threads 2] [--batch 64] [--images 1024] [--runs 3] [--rounds]
With --rounds it warms up, prints {"torch": version, "threads": n}, then for every line read from stdin runs one
training and one inference pass and prints {"train": img/s, "infer": img/s} (so that another engine can be timed in
between, under the same machine load), until stdin closes.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Model3(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 32, 3, padding=1)
        self.c3 = nn.Conv2d(32, 64, 3, padding=1)
        self.f1 = nn.Linear(64 * 4 * 4, 64)
        self.drop = nn.Dropout(0.5)
        self.f2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        # logits: the softmax is folded into CrossEntropyLoss
        return self.f2(self.drop(F.relu(self.f1(torch.flatten(x, 1)))))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--images", type=int, default=1024)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--rounds", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Model3()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x_all = torch.rand(a.images, 3, 32, 32)
    y_all = torch.randint(0, 10, (a.images,))

    def train_pass(n):
        model.train()
        for i in range(0, n, a.batch):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_all[i:i + a.batch]), y_all[i:i + a.batch])
            loss.backward()
            opt.step()

    def infer_pass(n):
        model.eval()
        with torch.inference_mode():
            for i in range(0, n, a.batch):
                model(x_all[i:i + a.batch])

    def timed(f):
        t = time.perf_counter()
        f(a.images)
        return a.images / (time.perf_counter() - t)

    if a.rounds:
        train_pass(a.images)  # warm-up: a whole pass of each, as the tfjs side does
        infer_pass(a.images)
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
        for _ in sys.stdin:
            print(json.dumps({"train": timed(train_pass), "infer": timed(infer_pass)}), flush=True)
        return

    train_pass(a.images)  # warm-up
    train = []
    for _ in range(a.runs):
        t = time.perf_counter()
        train_pass(a.images)
        train.append(a.images / (time.perf_counter() - t))
    infer_pass(a.images)  # warm-up
    infer = []
    for _ in range(a.runs):
        t = time.perf_counter()
        infer_pass(a.images)
        infer.append(a.images / (time.perf_counter() - t))
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "train": train, "infer": infer}))


if __name__ == "__main__":
    main()
