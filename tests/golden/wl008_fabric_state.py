# requires: lightning
"""Fabric saves the objects of a state dict: this one holds the model and the optimizer, not the
warmup-cosine scheduler, so a resumed run starts its warmup again."""
import math

import lightning as L
import torch
import torch.nn as nn


def lr_lambda(step, warmup=20, total=400):
    if step < warmup:
        return (step + 1) / (warmup + 1)
    return 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / (total - warmup))))


def main(fabric: L.Fabric) -> None:
    model = nn.Sequential(nn.Linear(8, 32), nn.GELU(), nn.Linear(32, 1))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
    model, optimizer = fabric.setup(model, optimizer)
    state = {"model": model, "optimizer": optimizer, "step": 0, "scheduler": scheduler}  # expect: WL008
    for step in range(400):
        x = torch.randn(16, 8, device=fabric.device)
        loss = model(x).pow(2).mean()
        optimizer.zero_grad()
        fabric.backward(loss)
        fabric.clip_gradients(model, optimizer, max_norm=1.0)
        optimizer.step()
        scheduler.step()
        state["step"] = step
        if (step + 1) % 100 == 0:
            fabric.save("checkpoint.ckpt", state)


if __name__ == "__main__":
    L.Fabric(accelerator="cpu", devices=1).launch(main)
