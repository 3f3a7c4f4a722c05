"""Warmup then cosine annealing whose T_max is far shorter than the run: the LR climbs back up."""
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

warmup_steps = 10
total_steps = 600
model = torch.nn.Linear(4, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = SequentialLR(
    optimizer,
    [LinearLR(optimizer, start_factor=0.05, total_iters=warmup_steps), CosineAnnealingLR(optimizer, T_max=100)],
    milestones=[warmup_steps],
)
for step in range(total_steps):
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
