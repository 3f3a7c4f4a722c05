"""Optimizer and scheduler come from a build() function; the training loop only uses the optimizer."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def build(model, lr=0.01, step_size=2, gamma=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=step_size, gamma=gamma)  # expect: WL006
    return optimizer, scheduler


def main():
    torch.manual_seed(0)
    X = torch.randn(192, 10)
    Y = X[:, :3].argmax(dim=1)
    train_loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=True)

    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
    optimizer, scheduler = build(model)

    for epoch in range(6):
        model.train()
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
        scheduler.step()
    print(f"final loss: {loss.item():.4f}, lr: {scheduler.get_last_lr()[0]:.4f}")


if __name__ == "__main__":
    main()
