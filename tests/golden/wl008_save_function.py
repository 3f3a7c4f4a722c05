"""SGD with warmup then step decay; save_checkpoint() receives the scheduler but does not save it."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import LinearLR, MultiStepLR, SequentialLR
from torch.utils.data import DataLoader, TensorDataset


def save_checkpoint(model, optimizer, scheduler, epoch, path):
    torch.save({  # expect: WL008
        "epoch": epoch,
        "state_dict": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
    }, path)


def main():
    torch.manual_seed(0)
    X = torch.randn(512, 10)
    Y = X[:, :4].argmax(dim=1)
    train_loader = DataLoader(TensorDataset(X, Y), batch_size=64, shuffle=True)

    model = nn.Sequential(nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 4))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    warmup_epochs = 2
    scheduler = SequentialLR(
        optimizer,
        schedulers=[
            LinearLR(optimizer, start_factor=0.1, total_iters=warmup_epochs),
            MultiStepLR(optimizer, milestones=[2, 3], gamma=0.1),
        ],
        milestones=[warmup_epochs],
    )

    with tempfile.TemporaryDirectory() as output_dir:
        for epoch in range(6):
            model.train()
            for x, y in train_loader:
                optimizer.zero_grad()
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                optimizer.step()
            scheduler.step()
            save_checkpoint(model, optimizer, scheduler, epoch, os.path.join(output_dir, "last.pt"))
    print(f"final loss: {loss.item():.4f}")


if __name__ == "__main__":
    main()
