"""Classify short token sequences with a tiny Transformer encoder."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

VOCAB_SIZE = 50
SEQ_LEN = 12


class TinySequenceClassifier(nn.Module):
    def __init__(self, vocab_size=VOCAB_SIZE, d_model=32, nhead=4, num_layers=2, num_classes=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Parameter(torch.zeros(1, SEQ_LEN, d_model))
        layer = nn.TransformerEncoderLayer(
            d_model, nhead, dim_feedforward=64, dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=num_layers)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, tokens):
        h = self.encoder(self.embed(tokens) + self.pos)
        return self.head(h.mean(dim=1))


torch.manual_seed(0)
tokens = torch.randint(0, VOCAB_SIZE, (128, SEQ_LEN))
labels = (tokens[:, 0] < VOCAB_SIZE // 2).long()
train_loader = DataLoader(TensorDataset(tokens, labels), batch_size=16, shuffle=True)

model = TinySequenceClassifier()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-4)  # expect: WL001

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
    correct = 0
    for x, y in train_loader:
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        correct += (logits.argmax(dim=1) == y).sum().item()

print(f"train accuracy, last epoch: {correct / len(tokens):.2f}")
