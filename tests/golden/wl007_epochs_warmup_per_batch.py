"""SGD with a warmup counted in epochs, written as a LambdaLR but stepped after every batch."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(128, 10)
Y = X[:, :3].argmax(dim=1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

epochs = 5
warmup_epochs = 3
scheduler = LambdaLR(optimizer, lambda epoch: min(1.0, (epoch + 1) / warmup_epochs) * 0.9 ** epoch)  # expect: WL007

for epoch in range(epochs):
    model.train()
    for x, y in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    scheduler.step()

print(f"final loss: {loss.item():.4f}, lr: {scheduler.get_last_lr()[0]:.2e}")
