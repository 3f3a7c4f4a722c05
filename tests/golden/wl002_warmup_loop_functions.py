"""Three-class MLP classifier: a short warmup phase, then the main training."""
import argparse
import itertools
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def make_loader(batch_size, num_samples=128):
    X = torch.randn(num_samples, 10)
    Y = X[:, :3].argmax(dim=1)
    return DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=True)


def warmup(model, optimizer, loader, args, scheduler):
    """Run a few steps at a small learning rate before the real training."""
    model.train()
    batches = itertools.cycle(loader)
    for i in range(args.warmup_steps):
        x, y = next(batches)
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()


def train_one_epoch(model, optimizer, loader, scheduler):
    model.train()
    for x, y in loader:
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
    return loss.item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--warmup-lr", type=float, default=1e-4)
    parser.add_argument("--warmup-steps", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    torch.manual_seed(0)
    train_loader = make_loader(args.batch_size)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    total_steps = args.warmup_steps + args.epochs * len(train_loader)
    warmup_steps = args.warmup_steps

    def warmup_cosine_decay(step):
        """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)

    warmup(model, optimizer, train_loader, args, scheduler=scheduler)
    for epoch in range(args.epochs):
        loss = train_one_epoch(model, optimizer, train_loader, scheduler=scheduler)
    print(f"epoch {epoch}: loss {loss:.4f}")


if __name__ == "__main__":
    main()
