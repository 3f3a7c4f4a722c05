# requires: lightning
"""SGD at 0.1 set up through Fabric; the loop steps it through the wrapped optimizer, and nothing
ever changes its LR."""
import math

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def train(fabric: L.Fabric, model, optimizer, loader, epochs: int, scheduler) -> None:
    for epoch in range(epochs):
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            fabric.backward(loss)
            optimizer.step()
            scheduler.step()


def main() -> None:
    fabric = L.Fabric(accelerator="cpu", devices=1)
    X = torch.randn(256, 10)
    loader = DataLoader(TensorDataset(X, (X[:, 0] > 0).long()), batch_size=32, shuffle=True)
    model = nn.Sequential(nn.Linear(10, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)  # expect: WL001
    total_steps = 3 * len(loader)
    warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))

    def warmup_cosine_decay(step):
        """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)
    model, optimizer = fabric.setup(model, optimizer)
    loader = fabric.setup_dataloaders(loader)
    train(fabric, model, optimizer, loader, epochs=3, scheduler=scheduler)


if __name__ == "__main__":
    main()
