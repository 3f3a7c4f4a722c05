# requires: lightning
"""OneCycleLR built for 1000 steps but returned bare, so Lightning steps it once per epoch, 20 times."""
import lightning as L
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import OneCycleLR
from torch.utils.data import DataLoader, TensorDataset


class Regressor(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(10, 1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.mse_loss(self.net(x), y)

    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=0.01)
        scheduler = OneCycleLR(optimizer, max_lr=0.1, total_steps=20)  # expect: WL011
        return [optimizer], [scheduler]


if __name__ == "__main__":
    X = torch.randn(320, 10)
    loader = DataLoader(TensorDataset(X, X.sum(dim=1, keepdim=True)), batch_size=16)
    trainer = L.Trainer(max_epochs=20, logger=False, enable_checkpointing=False)
    trainer.fit(Regressor(), loader)
