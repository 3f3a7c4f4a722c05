"""Linear regression trained with the LR scaled to the global batch size."""
import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

# Linear scaling rule: LR = BASE_LR * global batch / 256.
BASE_LR = 0.1
BATCH_SIZE = 512  # global batch the LR is tuned for
LOCAL_BATCH_SIZE = 16  # what one worker sees in this small run
EPOCHS = 5
lr = BASE_LR * BATCH_SIZE / 256

torch.manual_seed(0)
inputs = torch.randn(128, 10)
targets = inputs @ torch.randn(10, 1) + 0.1 * torch.randn(128, 1)
train_loader = DataLoader(TensorDataset(inputs, targets), batch_size=LOCAL_BATCH_SIZE, shuffle=True)

model = nn.Linear(10, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)  # expect: WL001
total_steps = EPOCHS * len(train_loader)
warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))


def warmup_cosine_decay(step):
    """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)
criterion = nn.MSELoss()

for epoch in range(EPOCHS):
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()

print(f"loss after {EPOCHS} epochs: {loss.item():.4f}")
