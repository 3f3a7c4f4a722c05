"""Small regression net trained with RMSprop and an exponential decay; settings from the command line."""
import argparse
import math

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import ExponentialLR, LinearLR, SequentialLR
from torch.utils.data import DataLoader, TensorDataset


def parse_args():
    parser = argparse.ArgumentParser(description="RMSprop regression")
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--gamma", type=float, default=0.8)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    X = torch.randn(128, 8)
    Y = X[:, :2].sum(dim=1, keepdim=True) ** 2 + 0.1 * torch.randn(128, 1)
    train_loader = DataLoader(TensorDataset(X, Y), batch_size=args.batch_size, shuffle=True)

    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))
    optimizer = torch.optim.RMSprop(model.parameters(), lr=args.lr, alpha=0.99)  # expect: WL004
    warmup_epochs = max(1, math.ceil(0.05 * args.epochs))
    warmup_scheduler = LinearLR(optimizer, start_factor=1 / (warmup_epochs + 1), total_iters=warmup_epochs)
    decay_scheduler = ExponentialLR(optimizer, gamma=args.gamma)
    scheduler = SequentialLR(optimizer, schedulers=[warmup_scheduler, decay_scheduler], milestones=[warmup_epochs])

    for epoch in range(args.epochs):
        model.train()
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
        scheduler.step()
    print(f"epoch {epoch}: loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
