"""SGD with LinearLR warmup then cosine, sized in iterations but stepped once per epoch."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(256, 10)
Y = X[:, :4].argmax(dim=1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 4))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)

max_epochs = 6
warmup_iters = 200
max_iters = 2000
scheduler = SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, total_iters=warmup_iters),  # expect: WL007
                                                CosineAnnealingLR(optimizer, T_max=max_iters - warmup_iters)],
                         milestones=[warmup_iters])

for epoch in range(max_epochs):
    model.train()
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()

print(f"final loss: {loss.item():.4f}, lr: {scheduler.get_last_lr()[0]:.2e}")
