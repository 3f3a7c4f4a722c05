"""Builds a model but never trains it."""
import sys

import torch

model = torch.nn.Linear(4, 1)
print("dataset is empty, nothing to train on", file=sys.stderr)
