"""`T`, the number of optimizer steps of the run, as the model computes it for every reader."""

from __future__ import annotations

import libcst as cst
import pytest
from conftest import dedent

from warmlint.analysis.collect import collect
from warmlint.analysis.model import Model
from warmlint.analysis.run_length import run_length
from warmlint.syntax import Unresolved
from warmlint.verify.static_schedule import read_script


def length_of(source: str):
    raw, imports = collect(cst.parse_module("import torch\n" + dedent(source)))
    model = Model(raw, imports)
    (optimizer,) = model.optimizers
    return run_length(model, optimizer)


@pytest.mark.parametrize(
    "source, text, value",
    [
        (
            """
     config = {"epochs": 3}
     opt = torch.optim.SGD(p, lr=0.1)
     for epoch in range(config["epochs"]):
         for _ in range(100):
             opt.step()
     """,
            'config["epochs"] * 100',
            300,
        ),
        (
            """
     epochs = 5
     opt = torch.optim.SGD(p, lr=0.1)
     for epoch in range(epochs):
         for x, y in train_loader:
             opt.step()
     """,
            "epochs * len(train_loader)",
            None,
        ),
        (
            """
     max_iters = 600
     opt = torch.optim.AdamW(p, lr=1e-3)
     it = 0
     while it < max_iters:
         opt.step()
         it += 1
     """,
            "max_iters",
            600,
        ),
        (
            """
     max_iters = 600
     opt = torch.optim.AdamW(p, lr=1e-3)
     it = 0
     while True:
         opt.step()
         it += 1
         if it >= max_iters:
             break
     """,
            "max_iters",
            600,
        ),
        # the counter counts optimizer steps of the inner loop: the while bound is the whole run
        (
            """
     opt = torch.optim.AdamW(p, lr=1e-3)
     step = 0
     while step < 2000:
         for batch in loader:
             opt.step()
             step += 1
     """,
            "2000",
            2000,
        ),
        (
            """
     opt = torch.optim.SGD(p, lr=0.1)
     for epoch in range(4):
         for i, batch in enumerate(loader):
             if (i + 1) % accum == 0:
                 opt.step()
     """,
            "4 * (len(loader) // accum)",  # i starts again each epoch: the remainder is dropped every epoch
            None,
        ),
        (
            """
     opt = torch.optim.SGD(p, lr=0.1)
     for epoch in range(4):
         for i, batch in enumerate(loader):
             if i % accum == 0:
                 opt.step()
     """,
            "4 * ((len(loader) + accum - 1) // accum)",  # at i = 0, accum, ...: a partial group steps too
            None,
        ),
        (
            """
     opt = torch.optim.SGD(p, lr=0.1)
     micro = 0
     for epoch in range(4):
         for batch in loader:
             micro += 1
             if micro % accum == 0:
                 opt.step()
     """,
            "(4 * len(loader)) // accum",  # a counter across epochs: one update per accum of all batches
            None,
        ),
        # through a function defined in the file: its loop counts, in the caller's names
        (
            """
     def train_one_epoch(model, optimizer, data):
         for batch in data:
             optimizer.step()
     opt = torch.optim.SGD(p, lr=0.1)
     for epoch in range(10):
         train_one_epoch(net, opt, train_loader)
     """,
            "10 * len(train_loader)",
            None,
        ),
        (
            """
     opt = torch.optim.SGD(p, lr=0.1)
     for step in range(1, 501):
         opt.step()
     """,
            "(501 - 1)",
            500,
        ),
    ],
)
def test_every_enclosing_loop_counts(source, text, value):
    found = length_of(source)
    assert found.text == text
    assert found.value == value


@pytest.mark.parametrize(
    "source, reason",
    [
        (
            """
     opt = torch.optim.SGD(p, lr=0.1)
     for epoch in range(config["epochs"]):
         for i, batch in enumerate(loader):
             if i == limit:
                 break
             opt.step()
     """,
            "a `break` can end",
        ),
        (
            """
     opt = torch.optim.SGD(p, lr=0.1)
     while not converged():
         opt.step()
     """,
            "cannot count the iterations of `while not converged()`",
        ),
        (
            """
     opt = torch.optim.SGD(p, lr=0.1)
     for epoch in range(3):
         for batch in zip(a, b):
             opt.step()
     """,
            "cannot count the iterations of `for ... in zip(a, b)`",
        ),
        (
            """
     opt = torch.optim.SGD(p, lr=0.1)
     opt.step()
     """,
            "no training loop",
        ),
    ],
)
def test_an_enclosing_loop_that_cannot_be_counted_makes_the_length_unknown(source, reason):
    with pytest.raises(Unresolved, match=reason.replace("(", r"\(").replace(")", r"\)")):
        length_of(source)


ARGPARSE_LOOP = """\
import argparse
import torch
parser = argparse.ArgumentParser()
parser.add_argument("--max-steps", type=int, default=5000)
args = parser.parse_args()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(args.max_steps):
    opt.step()
"""


def test_verify_reads_the_run_length_from_the_script(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(ARGPARSE_LOOP)
    found = read_script(script, []).length
    assert found is not None and found.steps == 5000
    assert found.source == "the script's loops: `args.max_steps` = 5000"


@pytest.mark.parametrize("args", [["--max-steps", "20"], ["--max-steps=20"]])
def test_verify_ignores_a_default_the_command_line_overrides(tmp_path, args):
    script = tmp_path / "train.py"
    script.write_text(ARGPARSE_LOOP)
    assert read_script(script, args).length is None


def test_verify_ignores_runs_whose_length_is_not_a_number(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(
        "import torch\nopt = torch.optim.SGD(p, lr=0.1)\nfor epoch in range(3):\n"
        "    for batch in loader:\n        opt.step()\n"
    )
    assert read_script(script, []).length is None
