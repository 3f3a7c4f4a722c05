"""SGD at 0.1 with gradient accumulation over four batches; nothing changes the LR."""
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(256, 10)
Y = X @ torch.randn(10, 1) + 0.1 * torch.randn(256, 1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=8, shuffle=True)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)  # expect: WL001

epochs = 5
accum_steps = 4
total_steps = (epochs * len(train_loader)) // accum_steps
warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))


def warmup_cosine_decay(step):
    """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)
for epoch in range(epochs):
    model.train()
    optimizer.zero_grad()
    for i, (x, y) in enumerate(train_loader):
        loss = nn.functional.mse_loss(model(x), y) / accum_steps
        loss.backward()
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()

print(f"final loss: {loss.item() * accum_steps:.4f}")
