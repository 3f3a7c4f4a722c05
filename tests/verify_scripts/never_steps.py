"""Builds a model and an optimizer but never calls optimizer.step()."""
import sys

import torch

model = torch.nn.Linear(4, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
print("dataset is empty, nothing to train on", file=sys.stderr)
