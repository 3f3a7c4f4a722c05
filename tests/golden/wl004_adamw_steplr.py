"""MLP regression with AdamW at 3e-3 and a StepLR that halves the LR every two epochs."""
import torch
from torch import nn
from torch.optim import AdamW
from torch.optim.lr_scheduler import LinearLR, SequentialLR, StepLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(128, 10)
Y = torch.sin(X[:, :3]).sum(dim=1, keepdim=True) + 0.05 * torch.randn(128, 1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)

model = nn.Sequential(nn.Linear(10, 64), nn.GELU(), nn.LayerNorm(64), nn.Linear(64, 1))
optimizer = AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)  # expect: WL004
warmup_epochs = 5
scheduler = SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=1 / (warmup_epochs + 1), total_iters=warmup_epochs), StepLR(optimizer, step_size=2, gamma=0.5)], milestones=[warmup_epochs])

num_epochs = 5
for epoch in range(num_epochs):
    model.train()
    epoch_loss = 0.0
    for inputs, targets in train_loader:
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    scheduler.step()

print(f"last epoch loss: {epoch_loss / len(train_loader):.4f}")
