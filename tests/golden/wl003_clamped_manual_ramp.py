"""A tiny language model whose LR is ramped by hand with a clamp, `base * min(1, (s + 1) / W)`,
written into the param groups every step: after the warmup it stays at the peak until the end."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
vocab, width, max_steps = 32, 16, 300
base_lr, warmup = 3e-3, 30
model = nn.Sequential(
    nn.Embedding(vocab, width),
    nn.TransformerEncoderLayer(width, 2, dim_feedforward=32, batch_first=True),
    nn.Linear(width, vocab),
)
optimizer = torch.optim.AdamW(model.parameters(), lr=base_lr, weight_decay=0.1)
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
    lr = base_lr * min(1.0, (step + 1) / warmup)
    tokens = torch.randint(0, vocab, (8, 6))
    loss = F.cross_entropy(model(tokens).flatten(0, 1), torch.roll(tokens, -1, 1).flatten())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()

print(f"final loss: {loss.item():.3f}")
