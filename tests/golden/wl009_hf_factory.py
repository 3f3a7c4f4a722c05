# requires: transformers
"""A transformers linear schedule whose 1000 warmup steps outlast the 3 epochs x 50 batches of the run."""
import torch
import torch.nn as nn
from transformers import get_linear_schedule_with_warmup

torch.manual_seed(0)
X = torch.randn(800, 10)
Y = X @ torch.randn(10, 1)

model = nn.Linear(10, 1)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
epochs = 3
steps_per_epoch = 50
scheduler = get_linear_schedule_with_warmup(
    optimizer,
    num_warmup_steps=8,  # expect: WL009
    num_training_steps=epochs * steps_per_epoch,
)

for epoch in range(epochs):
    for i in range(steps_per_epoch):
        x, y = X[i * 16 : (i + 1) * 16], Y[i * 16 : (i + 1) * 16]
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
        scheduler.step()
