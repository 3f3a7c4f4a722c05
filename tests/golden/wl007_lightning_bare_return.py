# requires: lightning
"""A small GPT-style LightningModule whose warmup is counted in steps, but the scheduler is
returned bare from configure_optimizers, so Lightning steps it once per epoch: the LR stays near
zero for the first warmup_steps epochs of a two-epoch run."""
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class TinyGPT(nn.Module):
    def __init__(self, vocab=32, width=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.block = nn.TransformerEncoderLayer(width, 2, dim_feedforward=32, batch_first=True)
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens):
        return self.head(self.block(self.embed(tokens)))


class LitLM(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.model = TinyGPT()

    def training_step(self, batch, batch_idx):
        tokens, targets = batch
        logits = self.model(tokens)
        return F.cross_entropy(logits.flatten(0, 1), targets.flatten())

    def configure_optimizers(self):
        warmup_steps = 100
        optimizer = torch.optim.AdamW(self.parameters(), lr=3e-4, weight_decay=0.1)
        scheduler = torch.optim.lr_scheduler.LambdaLR(  # expect: WL007
            optimizer, lambda step: min(1.0, (step + 1) / warmup_steps))  # expect: WL003
        return [optimizer], [{"scheduler": scheduler, "interval": "step"}]


if __name__ == "__main__":
    torch.manual_seed(0)
    tokens = torch.randint(0, 32, (64, 8))
    loader = DataLoader(TensorDataset(tokens, torch.roll(tokens, -1, dims=1)), batch_size=8)
    trainer = L.Trainer(max_epochs=2, logger=False, enable_checkpointing=False, enable_progress_bar=False)
    trainer.fit(LitLM(), loader)
