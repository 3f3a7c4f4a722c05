"""A nanoGPT-style loop whose get_lr(it) helper warms up and then returns the base LR for the rest
of the run: the decay branch was never written."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

learning_rate = 6e-4
warmup_iters = 20
max_iters = 200


def get_lr(it):
    if it < warmup_iters:
        return learning_rate * (it + 1) / (warmup_iters + 1)
    return learning_rate


class TinyGPT(nn.Module):
    def __init__(self, vocab=32, width=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.block = nn.TransformerEncoderLayer(width, 2, dim_feedforward=32, batch_first=True)
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens):
        return self.head(self.block(self.embed(tokens)))


torch.manual_seed(0)
model = TinyGPT()
optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, betas=(0.9, 0.95))
total_steps = max_iters
warmup_steps = max(1, min(math.ceil(0.05 * total_steps), 2000), min(4, total_steps // 5))


def warmup_cosine_decay(step):
    """LR multiplier: linear warmup over warmup_steps steps, then cosine decay until total_steps."""
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, max(0.0, (step - warmup_steps) / max(1, total_steps - warmup_steps)))
    return 0.5 * (1.0 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine_decay)
iter_num = 0
while iter_num < max_iters:
    lr = get_lr(iter_num)
    tokens = torch.randint(0, 32, (8, 6))
    loss = F.cross_entropy(model(tokens).flatten(0, 1), torch.roll(tokens, -1, 1).flatten())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    scheduler.step()
    iter_num += 1

print(f"final loss: {loss.item():.3f}")
