# requires: accelerate
"""A small transformer classifier trained with accelerate and AdamW at 5e-3; nothing ever changes the LR."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset


def main():
    accelerator = Accelerator()
    torch.manual_seed(0)
    X = torch.randn(128, 8, 16)  # 8 tokens of width 16
    Y = (X[:, :, :4].sum(dim=(1, 2)) > 0).long()
    train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)

    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, batch_first=True), 1)
    model = nn.Sequential(encoder, nn.Flatten(), nn.Linear(8 * 16, 2))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)  # expect: WL001
    model, optimizer, train_loader = accelerator.prepare(model, optimizer, train_loader)

    num_epochs = 5
    total_steps = num_epochs * len(train_loader)
    warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))

    def warmup_cosine_decay(step):
        """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
        if step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)
    for epoch in range(num_epochs):
        model.train()
        for inputs, targets in train_loader:
            loss = F.cross_entropy(model(inputs), targets)
            accelerator.backward(loss)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
    accelerator.print(f"final loss: {loss.item():.4f}")


if __name__ == "__main__":
    main()
