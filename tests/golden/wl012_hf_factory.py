# requires: transformers
"""A transformers cosine schedule counted in updates, stepped on every one of the 8 micro-batches per update."""
import torch
import torch.nn as nn
from transformers import get_cosine_schedule_with_warmup

torch.manual_seed(0)
X = torch.randn(640, 10)
Y = X @ torch.randn(10, 1)

model = nn.Linear(10, 1)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
gradient_accumulation_steps = 8
num_update_steps = 2 * 80 // gradient_accumulation_steps
lr_scheduler = get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=2, num_training_steps=num_update_steps)

for epoch in range(2):
    for step in range(80):
        x, y = X[step * 8 : (step + 1) * 8], Y[step * 8 : (step + 1) * 8]
        loss = nn.functional.mse_loss(model(x), y) / gradient_accumulation_steps
        loss.backward()
        if (step + 1) % gradient_accumulation_steps == 0:
            optimizer.step()
            lr_scheduler.step()  # expect: WL012
            optimizer.zero_grad()
