"""Raises ValueError after --at optimizer steps."""
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--at", type=int, required=True)
args = parser.parse_args()
model = torch.nn.Linear(4, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(100):
    if step == args.at:
        raise ValueError("the data ran out")
    loss = model(torch.randn(8, 4)).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
