"""Two-layer MLP regression; the LR is a default argument of train()."""
import math

import torch
from torch import nn
from torch.optim import SGD
from torch.utils.data import DataLoader, TensorDataset


def make_data(num_samples=128, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(num_samples, 10, generator=g)
    Y = X[:, :2].prod(dim=1, keepdim=True) + 0.1 * torch.randn(num_samples, 1, generator=g)
    return TensorDataset(X, Y)


def train(model, train_loader, epochs=4, lr=0.1):
    optimizer = SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True)  # expect: WL001
    total_steps = epochs * len(train_loader)
    warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))

    def warmup_cosine_decay(step):
        """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)
    loss_fn = nn.MSELoss()
    for epoch in range(epochs):
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
    return loss.item()


if __name__ == "__main__":
    torch.manual_seed(0)
    train_loader = DataLoader(make_data(), batch_size=16, shuffle=True)
    model = nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 1))
    final_loss = train(model, train_loader, epochs=5)
    print(f"final loss: {final_loss:.4f}")
