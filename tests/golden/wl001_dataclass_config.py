"""Settings in a dataclass: SGD at cfg.lr = 0.1 (its field default) and nothing changes it."""
import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class TrainConfig:
    lr: float = 0.1
    momentum: float = 0.9
    epochs: int = 3
    batch_size: int = 32
    hidden: list = field(default_factory=lambda: [64, 32])


def train(cfg: TrainConfig, loader):
    model = nn.Sequential(nn.Linear(10, cfg.hidden[0]), nn.ReLU(), nn.Linear(cfg.hidden[0], 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum)  # expect: WL001
    total_steps = cfg.epochs * len(loader)
    warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))

    def warmup_cosine_decay(step):
        """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)
    for epoch in range(cfg.epochs):
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
    return loss.item()


if __name__ == "__main__":
    torch.manual_seed(0)
    X = torch.randn(256, 10)
    data = DataLoader(TensorDataset(X, (X[:, 0] > 0).long()), batch_size=32, shuffle=True)
    print(f"final loss: {train(TrainConfig(), data):.3f}")
