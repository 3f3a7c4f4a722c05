"""Runs started together in a thread pool, read by name: each test waits only for the run it reads."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path


class ConcurrentRuns:
    def __init__(self, futures: dict[str, Future], scratch: Path) -> None:
        self._futures = futures
        self.scratch = scratch

    def __getitem__(self, name: str):
        return self._futures[name].result()
