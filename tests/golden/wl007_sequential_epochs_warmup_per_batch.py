"""SGD with a LinearLR warmup counted in epochs, chained to a cosine counted in optimizer steps and
stepped after every batch: the warmup is over after two batches instead of two epochs."""
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

epochs = 8
warmup_epochs = 2
warmup = LinearLR(optimizer, start_factor=1 / (warmup_epochs + 1), total_iters=warmup_epochs * len(train_loader))
cosine = CosineAnnealingLR(optimizer, T_max=(epochs - warmup_epochs) * len(train_loader))
scheduler = SequentialLR(
    optimizer,
    schedulers=[warmup, cosine],
    milestones=[warmup_epochs * len(train_loader)],
)  # expect: WL007

for epoch in range(epochs):
    model.train()
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()

print(f"final loss: {loss.item():.4f}, lr: {scheduler.get_last_lr()[0]:.2e}")
