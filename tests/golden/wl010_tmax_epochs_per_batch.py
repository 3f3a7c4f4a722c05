"""CosineAnnealingLR with T_max = the number of epochs, stepped after every batch."""
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import CosineAnnealingLR

torch.manual_seed(0)
X = torch.randn(640, 10)
Y = X @ torch.randn(10, 1)

model = nn.Linear(10, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
epochs = 5
batches_per_epoch = 40
scheduler = CosineAnnealingLR(optimizer, T_max=epochs * batches_per_epoch)  # expect: WL010

for epoch in range(epochs):
    for i in range(batches_per_epoch):
        x, y = X[i * 16 : (i + 1) * 16], Y[i * 16 : (i + 1) * 16]
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
        scheduler.step()
