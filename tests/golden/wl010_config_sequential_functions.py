"""Warmup then cosine from a config dict; the cosine's T_max counts epochs but it is stepped per batch."""
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

config = {"lr": 3e-3, "epochs": 6, "batches": 30, "warmup_steps": 20}


def train_one_epoch(model, optimizer, scheduler, X, Y):
    for i in range(config["batches"]):
        x, y = X[i * 8 : (i + 1) * 8], Y[i * 8 : (i + 1) * 8]
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
        scheduler.step()


def main():
    torch.manual_seed(0)
    X = torch.randn(240, 10)
    Y = X @ torch.randn(10, 1)
    model = nn.Linear(10, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config["lr"])
    warmup = LinearLR(optimizer, start_factor=0.05, total_iters=config["warmup_steps"])
    cosine = CosineAnnealingLR(
        optimizer,
        T_max=(config["epochs"] * config["batches"]) - config["warmup_steps"],
    )  # expect: WL010
    scheduler = SequentialLR(optimizer, [warmup, cosine], milestones=[config["warmup_steps"]])
    for epoch in range(config["epochs"]):
        train_one_epoch(model, optimizer, scheduler, X, Y)


if __name__ == "__main__":
    main()
