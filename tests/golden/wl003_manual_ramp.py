"""Step-based training of a small MLP with Adam and a hand-written warmup."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

X = torch.randn(128, 10)
Y = X[:, :4].argmax(dim=1)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 4))
base_lr = 3e-3
batch_size = 16
max_steps = 60
warmup_steps = 15
optimizer = torch.optim.Adam(model.parameters(), lr=base_lr)
total_steps = max_steps


def warmup_cosine_decay(step):
    """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)

for step in range(max_steps):
    idx = torch.randint(0, X.size(0), (batch_size,))
    loss = F.cross_entropy(model(X[idx]), Y[idx])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()

print(f"step {step}: loss {loss.item():.4f}")
