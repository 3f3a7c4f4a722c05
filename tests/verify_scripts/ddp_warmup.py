"""DistributedDataParallel on CPU (gloo), LambdaLR linear warmup then linear decay: launch with torchrun."""
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

BASE_LR = 0.1
WARMUP_STEPS = 10
TOTAL_STEPS = 60


def lr_lambda(step):
    if step < WARMUP_STEPS:
        return (step + 1) / WARMUP_STEPS
    return max(0.0, (TOTAL_STEPS - step) / (TOTAL_STEPS - WARMUP_STEPS))


dist.init_process_group("gloo")
torch.manual_seed(dist.get_rank())
model = DistributedDataParallel(torch.nn.Linear(4, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=BASE_LR)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
for step in range(TOTAL_STEPS):
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
dist.destroy_process_group()
