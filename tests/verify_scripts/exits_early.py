"""Exits with status 3 before building anything."""
import sys

import torch  # noqa: F401

sys.exit(3)
