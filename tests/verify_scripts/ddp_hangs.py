"""DDP on CPU (gloo) where, after step 2, rank 1 waits for a message rank 0 never sends.

Rank 0 goes on to step 3 and waits in the gradient all-reduce for rank 1: both hang. Each rank
writes its process id, and the process id of a helper it starts, into the folder in argv[1].
"""
import os
import subprocess
import sys
from pathlib import Path

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

folder = Path(sys.argv[1])
rank = int(os.environ["RANK"])
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
(folder / f"helper-{rank}.pid").write_text(str(helper.pid))
(folder / f"rank-{rank}.pid").write_text(str(os.getpid()))

dist.init_process_group("gloo")
model = DistributedDataParallel(torch.nn.Linear(4, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for step in range(1, 100):
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step == 2 and rank == 1:
        dist.recv(torch.zeros(1), src=0)
