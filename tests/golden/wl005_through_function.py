"""Adam with a per-epoch cosine schedule; the batch loop lives in train_one_epoch()."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def train_one_epoch(model, optimizer, loader):
    model.train()
    total = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


def main():
    torch.manual_seed(0)
    X = torch.randn(160, 12)
    Y = (X[:, :3].sum(dim=1) > 0).long()
    train_loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=True)

    model = nn.Sequential(nn.Linear(12, 48), nn.ReLU(), nn.Dropout(0.1), nn.Linear(48, 2))
    epochs = 8
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs, eta_min=1e-5)

    for epoch in range(epochs):
        loss = train_one_epoch(model, optimizer, train_loader)
        scheduler.step()  # expect: WL005
    print(f"epoch {epoch}: train loss {loss:.4f}")


if __name__ == "__main__":
    main()
