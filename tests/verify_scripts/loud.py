"""Prints megabytes to stdout and stderr while it trains."""
import sys

import torch

line = "x" * 1000
for _ in range(4000):
    print(line)
    print(line, file=sys.stderr)
model = torch.nn.Linear(4, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(20):
    print(line * 100)
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("trained", file=sys.stderr)
