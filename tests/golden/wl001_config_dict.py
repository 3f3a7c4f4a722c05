"""Regress a noisy sine with a one-layer transformer; settings live in one config dict."""
import math

import torch
from torch import nn
from torch.optim import AdamW
from torch.utils.data import DataLoader, TensorDataset

config = {
    "lr": 3e-3,
    "weight_decay": 0.01,
    "epochs": 3,
    "batch_size": 16,
    "width": 16,
    "tokens": 4,
    "num_samples": 256,
    "seed": 0,
}


def build_model(cfg):
    layer = nn.TransformerEncoderLayer(cfg["width"], 2, dim_feedforward=32, batch_first=True)
    return nn.Sequential(
        nn.TransformerEncoder(layer, 1),
        nn.Flatten(),
        nn.Linear(cfg["tokens"] * cfg["width"], 1),
    )


torch.manual_seed(config["seed"])
X = torch.randn(config["num_samples"], config["tokens"], config["width"])
Y = torch.sin(X[:, 0, :1]) + 0.05 * torch.randn(config["num_samples"], 1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=config["batch_size"], shuffle=True)

model = build_model(config)
optimizer = AdamW(model.parameters(), lr=config["lr"], weight_decay=config["weight_decay"])  # expect: WL001
total_steps = config["epochs"] * len(train_loader)
warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))


def warmup_cosine_decay(step):
    """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)
loss_fn = nn.MSELoss()

for epoch in range(config["epochs"]):
    model.train()
    for x, y in train_loader:
        pred = model(x)
        loss = loss_fn(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()

print(f"last batch loss: {loss.item():.4f}")
