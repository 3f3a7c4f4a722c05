"""Linear warmup then cosine decay with LambdaLR, stepped after every optimizer step."""
import math

import torch

BASE_LR = 3e-3
WARMUP_STEPS = 20
TOTAL_STEPS = 400


def lr_lambda(step):
    if step < WARMUP_STEPS:
        return (step + 1) / WARMUP_STEPS
    progress = (step - WARMUP_STEPS) / (TOTAL_STEPS - WARMUP_STEPS)
    return 0.5 * (1.0 + math.cos(math.pi * progress))


model = torch.nn.Linear(4, 1)
optimizer = torch.optim.AdamW(model.parameters(), lr=BASE_LR)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
for step in range(TOTAL_STEPS):
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
