"""OneCycleLR counts micro-batches, but it is stepped once per accumulated update: it never anneals."""
import argparse

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import OneCycleLR


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--accum", type=int, default=4)
    return parser.parse_args()


def train(args, model, X, Y):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scheduler = OneCycleLR(  # expect: WL011
        optimizer, max_lr=0.05, total_steps=(args.epochs * args.batches) // args.accum
    )
    for epoch in range(args.epochs):
        for i in range(args.batches):
            x, y = X[i * 8 : (i + 1) * 8], Y[i * 8 : (i + 1) * 8]
            (nn.functional.mse_loss(model(x), y) / args.accum).backward()
            if (i + 1) % args.accum == 0:
                optimizer.step()
                optimizer.zero_grad()
                scheduler.step()


def main():
    args = parse_args()
    torch.manual_seed(0)
    X = torch.randn(320, 10)
    train(args, nn.Linear(10, 1), X, X @ torch.randn(10, 1))


if __name__ == "__main__":
    main()
