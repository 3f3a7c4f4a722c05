"""DDP on CPU (gloo) whose scheduler steps on rank 0 only, next to its logging: the other ranks never warm up."""
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

WARMUP_STEPS = 10
TOTAL_STEPS = 60

dist.init_process_group("gloo")
rank = dist.get_rank()
model = DistributedDataParallel(torch.nn.Linear(4, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda step: min(1.0, (step + 1) / WARMUP_STEPS) * (1 - step / TOTAL_STEPS)
)
for step in range(TOTAL_STEPS):
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if rank == 0:
        print(f"step {step} loss {loss.item():.4f}")
        scheduler.step()
dist.destroy_process_group()
