"""A DataLoader with two worker processes, each writing its pid to the folder given as argv[1]."""
import os
import sys

import torch
from torch.utils.data import DataLoader, TensorDataset


def note_pid(worker_id):
    with open(os.path.join(sys.argv[1], f"worker-{os.getpid()}"), "w"):
        pass


if __name__ == "__main__":
    data = TensorDataset(torch.randn(512, 4), torch.randn(512, 1))
    loader = DataLoader(data, batch_size=8, num_workers=2, worker_init_fn=note_pid)
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    epochs = 3
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=epochs, steps_per_epoch=len(loader))
    for epoch in range(epochs):
        for x, y in loader:
            loss = (model(x) - y).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
