"""A small attention model with Adam at 5e-3 and an exponential decay written as a LambdaLR, stepped
once per epoch."""
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import LambdaLR, LinearLR, SequentialLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(128, 4, 8)
Y = (X[:, 0, 0] * X[:, 1, 1] > 0).float().unsqueeze(1)


class AttentionPool(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.attention = nn.MultiheadAttention(width, 2, batch_first=True)
        self.head = nn.Linear(width, 1)

    def forward(self, x):
        mixed, _ = self.attention(x, x, x)
        return self.head(mixed.mean(dim=1))


train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)

model = AttentionPool(8)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)  # expect: WL004
warmup_epochs = 5
warmup_scheduler = LinearLR(optimizer, start_factor=1 / (warmup_epochs + 1), total_iters=min(warmup_epochs, 1))
decay_scheduler = LambdaLR(optimizer, lambda epoch: 0.95 ** epoch)
scheduler = SequentialLR(optimizer, schedulers=[warmup_scheduler, decay_scheduler], milestones=[min(warmup_epochs, 1)])

epochs = 5
for epoch in range(epochs):
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
    scheduler.step()

print(f"final loss: {loss.item():.4f}, lr: {scheduler.get_last_lr()[0]:.2e}")
