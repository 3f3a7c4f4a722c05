"""Gradient accumulation over 4 micro-batches, but the warmup-cosine LambdaLR steps on every micro-batch."""
import math

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import LambdaLR

torch.manual_seed(0)
X = torch.randn(640, 10)
Y = X @ torch.randn(10, 1)

model = nn.Linear(10, 1)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
accum_steps = 4
total_steps = 5 * 80 // accum_steps
warmup_steps = 10


def lr_lambda(step):
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = LambdaLR(optimizer, lr_lambda)

for epoch in range(5):
    for i in range(80):
        x, y = X[i * 8 : (i + 1) * 8], Y[i * 8 : (i + 1) * 8]
        (nn.functional.mse_loss(model(x), y) / accum_steps).backward()
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            scheduler.step()  # expect: WL012
            optimizer.zero_grad()
