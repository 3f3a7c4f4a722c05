"""warmlint: find and fix learning-rate warmup and schedule mistakes in PyTorch training scripts."""

__version__ = "0.1.0"
