"""Transformer regression with AdamW at 3e-3 and a StepLR that halves the LR every two epochs."""
import torch
from torch import nn
from torch.optim import AdamW
from torch.optim.lr_scheduler import LinearLR, SequentialLR, StepLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(128, 4, 16)
Y = torch.sin(X[:, 0, :3]).sum(dim=1, keepdim=True) + 0.05 * torch.randn(128, 1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)

encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, batch_first=True), 1)
model = nn.Sequential(encoder, nn.Flatten(), nn.Linear(4 * 16, 1))
optimizer = AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)  # expect: WL004
warmup_epochs = 5
warmup_scheduler = LinearLR(optimizer, start_factor=1 / (warmup_epochs + 1), total_iters=min(warmup_epochs, 1))
decay_scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
scheduler = SequentialLR(optimizer, schedulers=[warmup_scheduler, decay_scheduler], milestones=[min(warmup_epochs, 1)])

num_epochs = 5
for epoch in range(num_epochs):
    model.train()
    epoch_loss = 0.0
    for inputs, targets in train_loader:
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    scheduler.step()

print(f"last epoch loss: {epoch_loss / len(train_loader):.4f}")
