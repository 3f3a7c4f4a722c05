"""AdamW with a LinearLR warmup chained to a ConstantLR: after the warmup the LR stays at its peak
for the rest of the run and never decays."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(256, 16)
Y = X[:, :4].argmax(dim=1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(16, 64), nn.GELU(), nn.LayerNorm(64), nn.Linear(64, 4))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

epochs = 6
warmup_steps = 8
warmup = LinearLR(optimizer, start_factor=1 / (warmup_steps + 1), total_iters=warmup_steps)
total_steps = epochs * len(train_loader)
constant = CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps)  # expect: WL003
scheduler = SequentialLR(optimizer, schedulers=[warmup, constant], milestones=[warmup_steps])

for epoch in range(epochs):
    model.train()
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()

print(f"final loss: {loss.item():.4f}, lr: {scheduler.get_last_lr()[0]:.2e}")
