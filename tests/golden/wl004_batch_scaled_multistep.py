"""ResNet-style recipe at toy scale: the LR comes from a batch-512 recipe, the batch here is 64."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

X = torch.randn(512, 10)
Y = X[:, :4].argmax(dim=1)
train_loader = DataLoader(TensorDataset(X, Y), batch_size=64, shuffle=True, drop_last=True)

model = nn.Sequential(nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 4))
optimizer = optim.SGD(model.parameters(), lr=0.2, momentum=0.9, weight_decay=1e-4)  # expect: WL004
warmup_epochs = 5
scheduler = optim.lr_scheduler.SequentialLR(optimizer, schedulers=[optim.lr_scheduler.LinearLR(optimizer, start_factor=1 / (warmup_epochs + 1), total_iters=warmup_epochs), optim.lr_scheduler.MultiStepLR(optimizer, milestones=[3, 5], gamma=0.1)], milestones=[warmup_epochs])

epochs = 6
for epoch in range(epochs):
    model.train()
    correct = 0
    for images, labels in train_loader:
        outputs = model(images)
        loss = F.cross_entropy(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        correct += (outputs.argmax(dim=1) == labels).sum().item()
    scheduler.step()

print(f"train accuracy, last epoch: {correct / len(train_loader.dataset):.3f}")
