"""A 500-step linear warmup in front of a cosine decay, in a run of 200 optimizer steps."""
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

torch.manual_seed(0)
X = torch.randn(256, 10)
Y = X @ torch.randn(10, 1)

model = nn.Linear(10, 1)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
warmup = LinearLR(optimizer, start_factor=0.01, total_iters=10)  # expect: WL009
decay = CosineAnnealingLR(optimizer, T_max=190)
scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[10])

for step in range(200):
    index = torch.randint(0, 256, (16,))
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(X[index]), Y[index])
    loss.backward()
    optimizer.step()
    scheduler.step()

print(f"final loss: {loss.item():.4f}")
