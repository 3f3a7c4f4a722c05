"""Accumulation factor from argparse; the per-step cosine is stepped per micro-batch inside train_epoch()."""
import argparse

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import CosineAnnealingLR


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--grad-accum", type=int, default=3)
    return parser.parse_args()


def train_epoch(args, model, optimizer, scheduler, X, Y):
    for i in range(args.batches):
        x, y = X[i * 8 : (i + 1) * 8], Y[i * 8 : (i + 1) * 8]
        (nn.functional.mse_loss(model(x), y) / args.grad_accum).backward()
        if (i + 1) % args.grad_accum == 0:
            optimizer.step()
            scheduler.step()  # expect: WL012
            optimizer.zero_grad()


def main():
    args = parse_args()
    torch.manual_seed(0)
    X = torch.randn(480, 10)
    Y = X @ torch.randn(10, 1)
    model = nn.Linear(10, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    scheduler = CosineAnnealingLR(optimizer, T_max=args.epochs * args.batches // args.grad_accum)
    for epoch in range(args.epochs):
        train_epoch(args, model, optimizer, scheduler, X, Y)


if __name__ == "__main__":
    main()
