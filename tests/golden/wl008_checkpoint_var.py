"""Train, checkpoint, and resume into fresh objects; the resumed run starts its warmup again."""
import math
import os
import tempfile

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, TensorDataset

EPOCHS = 6
WARMUP_STEPS = 6


def build(steps_per_epoch):
    model = nn.Sequential(nn.Linear(10, 64), nn.GELU(), nn.Linear(64, 1))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    total_steps = EPOCHS * steps_per_epoch

    def lr_lambda(step):
        if step < WARMUP_STEPS:
            return (step + 1) / (WARMUP_STEPS + 1)
        progress = min(1.0, (step - WARMUP_STEPS) / max(1, total_steps - WARMUP_STEPS))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    scheduler = LambdaLR(optimizer, lr_lambda)
    return model, optimizer, scheduler


def train(model, optimizer, scheduler, loader, start_epoch, end_epoch):
    for epoch in range(start_epoch, end_epoch):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
    return loss.item()


torch.manual_seed(0)
X = torch.randn(96, 10)
Y = torch.sin(X[:, :2]).sum(dim=1, keepdim=True)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)

with tempfile.TemporaryDirectory() as checkpoint_dir:
    path = os.path.join(checkpoint_dir, "checkpoint.pt")

    model, optimizer, scheduler = build(len(train_loader))
    train(model, optimizer, scheduler, train_loader, 0, EPOCHS // 2)
    checkpoint = {  # expect: WL008
        "epoch": EPOCHS // 2,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "scheduler_state_dict": scheduler.state_dict(),
    }
    torch.save(checkpoint, path)

    # Resume as a new job would: fresh objects, then the saved state.
    model, optimizer, scheduler = build(len(train_loader))
    ckpt = torch.load(path)
    model.load_state_dict(ckpt["model_state_dict"])
    optimizer.load_state_dict(ckpt["optimizer_state_dict"])
    scheduler.load_state_dict(ckpt["scheduler_state_dict"])
    loss = train(model, optimizer, scheduler, train_loader, ckpt["epoch"], EPOCHS)

print(f"final loss: {loss:.4f}, lr: {scheduler.get_last_lr()[0]:.2e}")
