"""Linear regression with SGD and a warmup phase handled inside the loop."""
import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(128, 10)
Y = X @ torch.randn(10, 1) + 0.1 * torch.randn(128, 1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)

model = nn.Linear(10, 1)
criterion = nn.MSELoss()

epochs = 5
base_lr = 0.05
warmup_steps = 10
warmup_lr = 1e-4
optimizer = torch.optim.SGD(model.parameters(), lr=base_lr, momentum=0.9)
total_steps = epochs * len(train_loader)


def warmup_cosine_decay(step):
    """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)

global_step = 0
for epoch in range(epochs):
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        global_step += 1

print(f"{global_step} steps, final loss {loss.item():.4f}")
