"""Classifier with a linear warmup/decay sized in steps from the command line, stepped per epoch."""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, TensorDataset


def train_one_epoch(model, optimizer, loader, scheduler):
    model.train()
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
    return loss.item()


def main():
    parser = argparse.ArgumentParser(description="Train a classifier")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--warmup-steps", type=int, default=1000)
    parser.add_argument("--max-steps", type=int, default=20000)
    args = parser.parse_args()

    torch.manual_seed(0)
    X = torch.randn(160, 10)
    Y = (X[:, :5].sum(dim=1) > 0).long()
    train_loader = DataLoader(TensorDataset(X, Y), batch_size=args.batch_size, shuffle=True)

    model = nn.Sequential(nn.Linear(10, 64), nn.GELU(), nn.LayerNorm(64), nn.Linear(64, 2))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup_steps = args.warmup_steps
    max_steps = args.max_steps
    scheduler = LambdaLR(  # expect: WL007
        optimizer,
        lambda step: min((step + 1) / (warmup_steps + 1), max(0.0, (max_steps - step) / (max_steps - warmup_steps))),
    )

    for epoch in range(args.epochs):
        loss = train_one_epoch(model, optimizer, train_loader, scheduler=scheduler)
    print(f"epoch {epoch}: loss {loss:.4f}, lr {scheduler.get_last_lr()[0]:.2e}")


if __name__ == "__main__":
    main()
