"""Train a small MLP classifier; hyper-parameters come from the command line."""
import argparse
import math

import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset


class MLP(nn.Module):
    def __init__(self, in_features=10, hidden=32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x)


def make_loader(batch_size, num_samples=96):
    X = torch.randn(num_samples, 10)
    Y = (X[:, :3].sum(dim=1, keepdim=True) > 0).float()
    return DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=True)


def train_one_epoch(model, optimizer, loader, scheduler):
    model.train()
    criterion = nn.BCEWithLogitsLoss()
    total = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item()
    return total / len(loader)


def train(args):
    torch.manual_seed(args.seed)
    train_loader = make_loader(args.batch_size)
    model = MLP(hidden=args.hidden)
    optimizer = optim.SGD(model.parameters(), lr=args.learning_rate, momentum=args.momentum)  # expect: WL001
    total_steps = args.epochs * len(train_loader)
    warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))

    def warmup_cosine_decay(step):
        """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    scheduler = optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)

    for epoch in range(args.epochs):
        loss = train_one_epoch(model, optimizer, train_loader, scheduler=scheduler)
    print(f"epoch {epoch}: train loss {loss:.4f}")


def main():
    parser = argparse.ArgumentParser(description="Train a small MLP classifier")
    parser.add_argument("--learning-rate", "--lr", type=float, default=0.2)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    train(args)


if __name__ == "__main__":
    main()
