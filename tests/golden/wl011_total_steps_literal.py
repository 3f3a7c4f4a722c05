"""OneCycleLR built for 100 steps in a run of 3 epochs x 40 batches: it raises at step 101."""
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import OneCycleLR

torch.manual_seed(0)
X = torch.randn(640, 10)
Y = X @ torch.randn(10, 1)

model = nn.Linear(10, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = OneCycleLR(optimizer, max_lr=0.05, total_steps=3 * 40)  # expect: WL011

for epoch in range(3):
    for i in range(40):
        x, y = X[i * 16 : (i + 1) * 16], Y[i * 16 : (i + 1) * 16]
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
        scheduler.step()
