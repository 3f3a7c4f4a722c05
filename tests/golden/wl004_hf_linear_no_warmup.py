# requires: transformers
"""A small transformer classifier trained with AdamW and transformers' linear schedule, with the warmup
set to zero steps."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from transformers import get_linear_schedule_with_warmup

torch.manual_seed(42)

features = torch.randn(128, 4, 16)
labels = (features[:, :, :4].sum(dim=(1, 2)) > 0).long()
train_dataloader = DataLoader(TensorDataset(features, labels), batch_size=16, shuffle=True)

encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, batch_first=True), 1)
model = nn.Sequential(encoder, nn.Flatten(), nn.Linear(4 * 16, 2))
num_train_epochs = 4
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)  # expect: WL004
num_training_steps = num_train_epochs * len(train_dataloader)
warmup_steps = max(1, min(math.ceil(0.05 * num_training_steps), 2000), min(4, num_training_steps // 5))
lr_scheduler = get_linear_schedule_with_warmup(
    optimizer, num_warmup_steps=warmup_steps, num_training_steps=num_training_steps
)

for epoch in range(num_train_epochs):
    model.train()
    for inputs, targets in train_dataloader:
        loss = F.cross_entropy(model(inputs), targets)
        loss.backward()
        optimizer.step()
        lr_scheduler.step()
        optimizer.zero_grad()

print(f"final loss: {loss.item():.4f}")
