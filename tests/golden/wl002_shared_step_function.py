"""Three-class MLP: a warm-up phase at a small constant learning rate, then the main training
with a cosine decay written by hand. Both phases call the same train_step."""
import argparse
import itertools
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def train_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--warmup-lr", type=float, default=1e-4)
    parser.add_argument("--warmup-steps", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()

    torch.manual_seed(0)
    X = torch.randn(128, 10)
    Y = X[:, :3].argmax(dim=1)
    train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)

    batches = itertools.cycle(train_loader)
    for step in range(args.warmup_steps):
        for group in optimizer.param_groups:
            group["lr"] = args.lr * (step + 1) / (args.warmup_steps + 1)  # expect: WL002
        train_step(model, optimizer, *next(batches))

    total_iters = args.epochs * len(train_loader)
    it = 0
    for epoch in range(args.epochs):
        for x, y in train_loader:
            for group in optimizer.param_groups:
                group["lr"] = args.lr * 0.5 * (1 + math.cos(math.pi * it / total_iters))
            loss = train_step(model, optimizer, x, y)
            it += 1
        print(f"epoch {epoch}: loss {loss:.4f}")


if __name__ == "__main__":
    main()
