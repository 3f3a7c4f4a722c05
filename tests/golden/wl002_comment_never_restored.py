"""Fit a small MLP with Adam, one random mini-batch per step."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

X = torch.randn(128, 10)
Y = (X[:, 0] * X[:, 1] > 0).long()

model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 2))
learning_rate = 1e-3
batch_size = 16
max_steps = 60
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
total_steps = max_steps
warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))


def warmup_cosine_decay(step):
    """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)

for step in range(max_steps):
    idx = torch.randint(0, X.size(0), (batch_size,))
    logits = model(X[idx])
    loss = F.cross_entropy(logits, Y[idx])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()

print(f"step {step}: loss {loss.item():.4f}")
