# requires: lightning
"""A LightningModule whose cosine (T_max=10) is stepped every optimizer step of a 500-step run."""
import lightning as L
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import CosineAnnealingLR
from torch.utils.data import DataLoader, TensorDataset


class Regressor(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(10, 1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.mse_loss(self.net(x), y)

    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(self.parameters(), lr=1e-3)
        scheduler = CosineAnnealingLR(optimizer, T_max=500)  # expect: WL010
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}


if __name__ == "__main__":
    X = torch.randn(320, 10)
    loader = DataLoader(TensorDataset(X, X.sum(dim=1, keepdim=True)), batch_size=16)
    trainer = L.Trainer(max_steps=500, logger=False, enable_checkpointing=False)
    trainer.fit(Regressor(), loader)
