"""Large-batch-style SGD at lr=0.8 with a per-epoch cosine decay and no warmup."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(1024, 10)
Y = X[:, :4].argmax(dim=1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=128, shuffle=True)

model = nn.Sequential(nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 4))
epochs = 6
optimizer = torch.optim.SGD(model.parameters(), lr=0.8, momentum=0.9, weight_decay=5e-5)  # expect: WL004
warmup_epochs = max(1, math.ceil(0.05 * epochs))
warmup_scheduler = LinearLR(optimizer, start_factor=1 / (warmup_epochs + 1), total_iters=warmup_epochs)
decay_scheduler = CosineAnnealingLR(optimizer, T_max=epochs)
scheduler = SequentialLR(optimizer, schedulers=[warmup_scheduler, decay_scheduler], milestones=[warmup_epochs])

for epoch in range(epochs):
    model.train()
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    scheduler.step()

print(f"final loss: {loss.item():.4f}")
