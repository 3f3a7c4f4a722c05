"""The analysis layer, through `check_source` on small scripts."""

from __future__ import annotations

import pytest
from conftest import dedent, diagnostics, found, with_training_loop

from warmlint.config import Config, parse_table
from warmlint.rule_index import all_codes

WL002, WL003 = ("WL002",), ("WL003",)


def wl001(source: str, config: Config | None = None) -> list[int]:
    """Lines of the WL001 diagnostics for `source`."""
    return sorted(d.line for d in diagnostics(source, config=config) if d.code == "WL001")


def messages(source: str, code: str) -> list[str]:
    return [d.message for d in diagnostics(source) if d.code == code]


def loop_after(source: str, marker: str = "SGD(", name: str = "opt") -> str:
    """`source` with a loop stepping `name` right after the first line containing `marker`, in the same
    block (the optimizer's function, when it is built in one): the optimizer is then a training run."""
    lines = dedent(source).splitlines()
    at = next(i for i, line in enumerate(lines) if marker in line)
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at + 1 : at + 1] = [f"{indent}for batch in loader:", f"{indent}    {name}.step()"]
    return "\n".join(lines) + "\n"


# Scale evidence that is not a transformer: Adam's limit is then lr > 1e-3 (`adam-high`).
LARGE_BACKBONE = "import timm\nnet = timm.create_model('resnet50', pretrained=True)\n"


# ---- names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n",
        "import torch.optim\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n",
        "import torch.optim as optim\nopt = optim.SGD(model.parameters(), lr=0.1)\n",
        "from torch import optim\nopt = optim.SGD(model.parameters(), lr=0.1)\n",
        "from torch.optim import SGD\nopt = SGD(model.parameters(), lr=0.1)\n",
        "from torch.optim import SGD as S\nopt = S(model.parameters(), lr=0.1)\n",
        "import torch as T\nopt = T.optim.SGD(model.parameters(), lr=0.1)\n",
    ],
)
def test_import_styles(source):
    assert wl001(with_training_loop(source)) == [2]


@pytest.mark.parametrize(
    "source",
    [
        "opt = SGD(model.parameters(), lr=0.1)\n",  # never imported
        "from mylib import SGD\nopt = SGD(model.parameters(), lr=0.1)\n",  # another library's SGD
        "import mylib as torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n",  # text matches, import does not
        "import torch\nopt = torch.optim.SGDW(model.parameters(), lr=0.1)\n",  # not an optimizer we know
        "import torch\nlr = torch.optim.SGD\n",  # a reference, not a call
    ],
)
def test_names_that_are_not_torch_sgd(source):
    assert wl001(with_training_loop(source)) == []


def test_names_come_from_imports_not_text():
    # lr=0.002 is high only for Adam (with scale evidence), never for SGD.
    source = with_training_loop(
        LARGE_BACKBONE
        + dedent("""\
        from torch.optim import Adam as SGD
        opt = SGD(model.parameters(), lr=0.002)
    """)
    )
    assert messages(source, "WL001") and messages(source, "WL001")[0].startswith("Adam ")


# ---- values --------------------------------------------------------------------------

VALUE_CASES = {
    "literal": "opt = torch.optim.SGD(model.parameters(), lr=0.1)",
    "positional": "opt = torch.optim.SGD(model.parameters(), 0.1)",
    "integer": "opt = torch.optim.SGD(model.parameters(), lr=1)",
    "exponent": "opt = torch.optim.SGD(model.parameters(), lr=1e-1)",
    "double minus": "opt = torch.optim.SGD(model.parameters(), lr=-(-0.1))",
    "arithmetic": "opt = torch.optim.SGD(model.parameters(), lr=0.1 * 512 / 256)",
    "power": "opt = torch.optim.SGD(model.parameters(), lr=10 ** -1)",
    "float()": "opt = torch.optim.SGD(model.parameters(), lr=float(0.1))",
    "constant": "LR = 0.1\nopt = torch.optim.SGD(model.parameters(), lr=LR)",
    "constant arithmetic": (
        "BASE_LR = 0.1\nBATCH = 512\nopt = torch.optim.SGD(model.parameters(), lr=BASE_LR * BATCH / 256)"
    ),
    "constant chain": "A = 0.1\nB = A\nopt = torch.optim.SGD(model.parameters(), lr=B)",
    "function constant": "def main():\n    lr = 0.1\n    opt = torch.optim.SGD(model.parameters(), lr=lr)",
    "dict config": "cfg = {'lr': 0.1, 'epochs': 3}\nopt = torch.optim.SGD(model.parameters(), lr=cfg['lr'])",
    "nested dict config": (
        "cfg = {'optim': {'lr': 0.1}}\nopt = torch.optim.SGD(model.parameters(), lr=cfg['optim']['lr'])"
    ),
    "dict() config": "cfg = dict(lr=0.1)\nopt = torch.optim.SGD(model.parameters(), lr=cfg['lr'])",
    "cfg.get default": "cfg = {}\nopt = torch.optim.SGD(model.parameters(), lr=cfg.get('lr', 0.1))",
    "cfg.get value": "cfg = {'lr': 0.1}\nopt = torch.optim.SGD(model.parameters(), lr=cfg.get('lr', 0.001))",
    "parameter default": "def train(model, lr=0.1):\n    opt = torch.optim.SGD(model.parameters(), lr=lr)",
    "call sites agree": (
        "def train(model, lr):\n    opt = torch.optim.SGD(model.parameters(), lr=lr)\ntrain(a, lr=0.1)\ntrain(b, 0.1)"
    ),
    "call site overrides default": (
        "def train(model, lr=0.01):\n    opt = torch.optim.SGD(model.parameters(), lr=lr)\ntrain(a, lr=0.1)"
    ),
}


@pytest.mark.parametrize("body", VALUE_CASES.values(), ids=VALUE_CASES.keys())
def test_value_resolution_fires(body):
    source = loop_after("import torch\n" + body + "\n")
    lines = wl001(source)
    assert len(lines) == 1
    assert "SGD(" in source.splitlines()[lines[0] - 1]


SILENT_VALUE_CASES = {
    "small literal": "opt = torch.optim.SGD(model.parameters(), lr=0.01)",
    "small arithmetic": "opt = torch.optim.SGD(model.parameters(), lr=0.1 * 64 / 256)",
    "negative": "opt = torch.optim.SGD(model.parameters(), lr=-0.1)",
    "constant assigned twice": "LR = 0.1\nLR = 0.01\nopt = torch.optim.SGD(model.parameters(), lr=LR)",
    "unknown name": "opt = torch.optim.SGD(model.parameters(), lr=lr)",
    "unknown call": "opt = torch.optim.SGD(model.parameters(), lr=get_lr())",
    "environment": "import os\nopt = torch.optim.SGD(model.parameters(), lr=float(os.environ['LR']))",
    "dict missing key": "cfg = {'epochs': 3}\nopt = torch.optim.SGD(model.parameters(), lr=cfg['lr'])",
    "cfg.get small value": "cfg = {'lr': 0.01}\nopt = torch.optim.SGD(model.parameters(), lr=cfg.get('lr', 0.1))",
    "call sites disagree": (
        "def train(model, lr):\n    opt = torch.optim.SGD(model.parameters(), lr=lr)\n"
        "train(a, lr=0.1)\ntrain(b, lr=0.01)"
    ),
    "call sites disagree, both high": (
        "def train(model, lr):\n    opt = torch.optim.SGD(model.parameters(), lr=lr)\n"
        "train(a, lr=0.1)\ntrain(b, lr=0.2)"
    ),
    "call site with *args": (
        "def train(model, lr=0.1):\n    opt = torch.optim.SGD(model.parameters(), lr=lr)\ntrain(*params)"
    ),
    "parameter without default, never called": (
        "def train(model, lr):\n    opt = torch.optim.SGD(model.parameters(), lr=lr)"
    ),
    "default overridden small": (
        "def train(model, lr=0.1):\n    opt = torch.optim.SGD(model.parameters(), lr=lr)\ntrain(a, lr=0.01)"
    ),
}


@pytest.mark.parametrize("body", SILENT_VALUE_CASES.values(), ids=SILENT_VALUE_CASES.keys())
def test_unresolved_or_low_values_are_silent(body):
    assert wl001(loop_after("import torch\n" + body + "\n")) == []


def test_value_source_is_named_in_the_message():
    source = with_training_loop("import torch\nBASE = 0.1\nopt = torch.optim.SGD(m.parameters(), lr=BASE * 2)\n")
    message = messages(source, "WL001")[0]
    assert "lr=0.2" in message and "BASE * 2" in message


ARGPARSE = """\
import argparse
import torch

def train(args, model):
    opt = torch.optim.SGD(model.parameters(), lr={expr})
    for batch in loader:
        opt.step()

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument({flags}, type=float, default={default}{dest})
    args = parser.parse_args()
    train(args, model)
"""


@pytest.mark.parametrize(
    ("flags", "dest", "expr"),
    [
        ('"--lr"', "", "args.lr"),
        ('"--learning-rate"', "", "args.learning_rate"),
        ('"--lr", "--learning-rate"', "", "args.lr"),
        ('"--learning-rate", "--lr"', "", "args.learning_rate"),
        ('"--base-lr"', ', dest="lr"', "args.lr"),
        ('"-l", "--base-lr"', ', dest="learning_rate"', "args.learning_rate"),
    ],
)
def test_argparse_default_through_a_function_parameter(flags, dest, expr):
    source = ARGPARSE.format(flags=flags, dest=dest, expr=expr, default="0.1")
    assert wl001(source) == [5]
    assert "default" in messages(source, "WL001")[0]
    assert wl001(ARGPARSE.format(flags=flags, dest=dest, expr=expr, default="0.01")) == []


@pytest.mark.parametrize(
    ("flags", "dest", "expr"),
    [
        ('"--base-lr"', ', dest="lr"', "args.base_lr"),  # dest= renames the attribute
        ('"--lr"', "", "args.learning_rate"),  # no such option
        ('"--lr"', "", "other.lr"),  # not the parsed arguments
    ],
)
def test_argparse_mismatches_are_silent(flags, dest, expr):
    assert wl001(ARGPARSE.format(flags=flags, dest=dest, expr=expr, default="0.1")) == []


def test_argparse_without_default_is_silent():
    source = ARGPARSE.format(flags='"--lr"', dest="", expr="args.lr", default="None")
    assert wl001(source) == []


def test_parse_known_args():
    source = """\
        import argparse, torch
        parser = argparse.ArgumentParser()
        parser.add_argument("--lr", type=float, default=0.1)
        args, _ = parser.parse_known_args()
        opt = torch.optim.SGD(model.parameters(), lr=args.lr)
    """
    assert wl001(with_training_loop(source)) == [5]


@pytest.mark.parametrize("origin", ["json.load(open('config.json'))", "load_config()"])
def test_get_default_of_an_unknown_mapping_is_unresolved(origin):
    source = f"import json, torch\ncfg = {origin}\nopt = torch.optim.SGD(model.parameters(), lr=cfg.get('lr', 0.1))\n"
    assert wl001(with_training_loop(source)) == []


# ---- thresholds per family ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("optimizer", "lr", "fires"),
    [
        ("SGD", "0.05", True),
        ("SGD", "0.04", False),
        ("ASGD", "0.05", True),
        ("RMSprop", "0.01", True),
        ("RMSprop", "0.009", False),
        # Adam family with no scale evidence: only an LR wrong for any model (`adam-any-model-high`, >= 0.05).
        ("Adam", "2e-3", False),
        ("Adam", "0.03", False),
        ("Adam", "0.049", False),
        ("Adam", "0.05", True),
        ("AdamW", "1.0", True),
        ("NAdam", "0.05", True),
        ("Adamax", "0.1", True),
        ("RAdam", "1.0", False),
        ("Adadelta", "1.0", False),
        ("Adagrad", "1.0", False),
        ("Rprop", "1.0", False),
        ("LBFGS", "1.0", False),
        ("SparseAdam", "1.0", False),
    ],
)
def test_thresholds_per_family(optimizer, lr, fires):
    source = with_training_loop(f"import torch\nopt = torch.optim.{optimizer}(model.parameters(), lr={lr})\n")
    assert wl001(source) == ([2] if fires else [])


@pytest.mark.parametrize(
    ("optimizer", "lr", "fires"),
    [
        ("Adam", "1e-3", False),
        ("Adam", "2e-3", True),
        ("AdamW", "1e-3", False),
        ("AdamW", "1.1e-3", True),
        ("NAdam", "2e-3", True),
        ("Adamax", "2e-3", True),
        ("Adam", "5e-4", False),
        ("RAdam", "1.0", False),
    ],
)
def test_adam_threshold_with_scale_evidence(optimizer, lr, fires):
    # A large pretrained backbone (not a transformer): the limit is lr > 1e-3 (`adam-high`).
    source = with_training_loop(
        f"import torch\n{LARGE_BACKBONE}opt = torch.optim.{optimizer}(net.parameters(), lr={lr})\n"
    )
    assert wl001(source) == ([4] if fires else [])


@pytest.mark.parametrize(
    "evidence",
    [
        "import timm\nnet = timm.create_model('convnext_base')\n",
        "import torchvision\nnet = torchvision.models.resnet50(weights='DEFAULT')\n",
        "from torchvision.models import resnet101\nnet = resnet101()\n",
        "loader = torch.utils.data.DataLoader(data, batch_size=1024)\nnet = Net()\n",
        "loader = torch.utils.data.DataLoader(data, batch_size=4096, shuffle=True)\nnet = Net()\n",
    ],
)
def test_kinds_of_scale_evidence(evidence):
    body = "import torch\n" + evidence + "opt = torch.optim.Adam(net.parameters(), lr={lr})\n"
    line = len(body.splitlines())
    assert wl001(with_training_loop(body.format(lr="2e-3"))) == [line]
    assert wl001(with_training_loop(body.format(lr="1e-3"))) == []


@pytest.mark.parametrize(
    "evidence",
    [
        "import torchvision\nnet = torchvision.models.resnet18()\n",  # a small backbone
        "loader = torch.utils.data.DataLoader(data, batch_size=512)\nnet = Net()\n",  # an ordinary batch
        "net = nn.Linear(32, 4)\n",
    ],
)
def test_no_scale_evidence_keeps_ordinary_adam_lrs_silent(evidence):
    body = "import torch\nimport torch.nn as nn\n" + evidence + "opt = torch.optim.Adam(net.parameters(), lr={lr})\n"
    line = len(body.splitlines())
    assert wl001(with_training_loop(body.format(lr="2e-3"))) == []
    assert wl001(with_training_loop(body.format(lr="0.05"))) == [line]


@pytest.mark.parametrize(
    "marker",
    [
        "nn.TransformerEncoder(nn.TransformerEncoderLayer(32, 4), 2)",
        "nn.TransformerDecoderLayer(32, 4)",
        "nn.Transformer()",
        "nn.MultiheadAttention(32, 4)",
        "F.scaled_dot_product_attention(q, k, v)",
    ],
)
def test_adam_transformer_threshold(marker):
    body = with_training_loop(
        "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
        "block = {marker}\nopt = torch.optim.Adam(model.parameters(), lr={lr})\n"
    )
    assert wl001(body.format(marker=marker, lr="5e-4")) == [5]
    assert wl001(body.format(marker=marker, lr="1e-4")) == [5]
    assert wl001(body.format(marker=marker, lr="9e-5")) == []
    # Without the transformer, 5e-4 is an ordinary Adam LR.
    assert wl001(body.format(marker="nn.Linear(32, 4)", lr="5e-4")) == []


@pytest.mark.parametrize(
    "source",
    [
        """\
    import torch
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    """,
        """\
    import torch
    import torch.nn as nn
    class GPT(nn.Module):
        pass
    opt = torch.optim.AdamW(GPT().parameters(), lr=5e-4)
    """,
        """\
    import torch
    model = LlamaForCausalLM(config)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    """,
    ],
    ids=["from_pretrained", "class named GPT", "Llama model call"],
)
def test_other_transformer_evidence(source):
    source = with_training_loop(source)
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "AdamW(" in text)
    assert wl001(source) == [line]
    assert wl001(source.replace("lr=5e-4", "lr=9e-5")) == []


def test_transformer_base_class_counts():
    source = """\
        import torch
        from transformers import PreTrainedModel
        class MyModel(PreTrainedModel):
            pass
        opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    """
    assert wl001(with_training_loop(source)) == [5]


@pytest.mark.parametrize(
    "source",
    [
        "from lion_pytorch import Lion\nopt = Lion(model.parameters(), lr=1.0)\n",
        "from timm.optim import Lamb\nopt = Lamb(model.parameters(), lr=1.0)\n",
        "from mylib import FancyOptimizer\nopt = FancyOptimizer(model.parameters(), lr=1.0)\n",
    ],
)
def test_unknown_and_third_party_optimizers_never_fire(source):
    assert wl001(with_training_loop(source)) == []


def test_configured_thresholds_are_used():
    config = parse_table({"thresholds": {"sgd-high": 0.5, "adam-high": 1e-4, "adam-any-model-high": 0.01}}, all_codes())
    assert wl001(with_training_loop("import torch\nopt = torch.optim.SGD(m.parameters(), lr=0.1)\n"), config) == []
    assert wl001(
        with_training_loop(f"import torch\n{LARGE_BACKBONE}opt = torch.optim.Adam(m.parameters(), lr=5e-4)\n"), config
    ) == [4]
    assert wl001(with_training_loop("import torch\nopt = torch.optim.Adam(m.parameters(), lr=0.02)\n"), config) == [2]
    assert wl001(with_training_loop("import torch\nopt = torch.optim.Adam(m.parameters(), lr=0.02)\n")) == []


# ---- what counts as "something changes the LR" ------------------------------------------

HIGH = (
    "import torch\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
    "for batch in loader:\n    optimizer.step()\n"
)


@pytest.mark.parametrize(
    "rest",
    [
        "scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10)\n",
        "from torch.optim.lr_scheduler import CosineAnnealingLR\nscheduler = CosineAnnealingLR(optimizer, T_max=100)\n",
        "scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=100)\n",
        (
            "from transformers import get_cosine_schedule_with_warmup\n"
            "s = get_cosine_schedule_with_warmup(optimizer, 10, 100)\n"
        ),
        "adjust_learning_rate(optimizer, epoch)\n",
        "for g in optimizer.param_groups:\n    g['lr'] = 0.01\n",
        "for i, g in enumerate(optimizer.param_groups):\n    g['lr'] = 0.01\n",
        "optimizer.param_groups[0]['lr'] = 0.01\n",
        "for g in optimizer.param_groups:\n    g.update(lr=0.01)\n",
        "for g in optimizer.param_groups:\n    g['lr'] *= 0.1\n",
    ],
)
def test_a_schedule_silences_wl001(rest):
    assert wl001(HIGH) == [2]
    assert wl001(HIGH + rest) == []


@pytest.mark.parametrize(
    "rest",
    [
        "from helpers import setup\nsetup(optimizer)\n",  # could set the LR: unknown
        "trainer = Trainer(model, optimizer)\n",
        "self_made = Wrapper(optimizer=optimizer)\n",
        "def train(opt):\n    register(opt)\ntrain(optimizer)\n",  # escapes inside a local function
    ],
)
def test_optimizer_escaping_to_unknown_code_is_silent(rest):
    assert wl001(HIGH + rest) == []


@pytest.mark.parametrize(
    "rest",
    [
        "scaler = torch.cuda.amp.GradScaler()\nscaler.step(optimizer)\nscaler.update()\n",
        "scaler.unscale_(optimizer)\n",
        "print(optimizer)\n",
        "n = len(optimizer.param_groups)\n",
        "def train(opt):\n    opt.zero_grad()\n    opt.step()\ntrain(optimizer)\n",
        "for epoch in range(3):\n    optimizer.step()\n    optimizer.zero_grad()\n",
        "for g in optimizer.param_groups:\n    print(g['lr'])\n",
    ],
)
def test_uses_that_do_not_change_the_lr_still_fire(rest):
    assert wl001(HIGH + rest) == [2]


def test_scheduler_on_another_optimizer_does_not_count():
    source = (
        HIGH + "other = torch.optim.SGD(head.parameters(), lr=0.1)\n"
        "scheduler = torch.optim.lr_scheduler.StepLR(other, 10)\n"
    )
    assert wl001(source) == [2]


ACCELERATE = """\
import torch
from accelerate import Accelerator
accelerator = Accelerator()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
{prepare}
{scheduler}
for batch in loader:
    optimizer.step()
"""


@pytest.mark.parametrize(
    "prepare",
    [
        "model, optimizer = accelerator.prepare(model, optimizer)",
        "model, optimizer, loader = accelerator.prepare(model, optimizer, loader)",
        "optimizer = accelerator.prepare(optimizer)",
        "prepared = accelerator.prepare(optimizer)\noptimizer = prepared",
    ],
)
def test_accelerate_prepare_is_followed(prepare):
    scheduler = "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0 - s / 1000)"
    assert wl001(ACCELERATE.format(prepare=prepare, scheduler="")) == [4]
    assert wl001(ACCELERATE.format(prepare=prepare, scheduler=scheduler)) == []


def test_optimizer_followed_into_a_local_function_that_schedules_it():
    source = """\
        import torch
        def make_scheduler(opt, steps):
            return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        sched = make_scheduler(optimizer, 100)
    """
    assert wl001(with_training_loop(source, "optimizer")) == []


def test_optimizer_returned_from_a_local_function():
    source = """\
        import torch
        def build(model):
            return torch.optim.SGD(model.parameters(), lr=0.1)
        optimizer = build(net)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 10)
        for batch in loader:
            optimizer.step()
    """
    assert wl001(source) == []
    assert wl001(source.replace("scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 10)", "")) == [3]


# ---- WL003: lambda shapes ---------------------------------------------------------------

LAMBDA = """\
import math
import torch
from torch.optim.lr_scheduler import LambdaLR
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
W = 100
T = 1000
scheduler = LambdaLR(optimizer, {fn})
for step in range(T):
    optimizer.step()
    scheduler.step()
"""


@pytest.mark.parametrize(
    "fn",
    [
        "lambda s: min(1, (s + 1) / W)",
        "lambda s: min(1.0, (s + 1) / W)",
        "lr_lambda=lambda step: min(1.0, step / W)",
        "lambda s: (s + 1) / W if s < W else 1.0",
        "lambda s: min(1.0, max(0.01, s / W))",
    ],
)
def test_wl003_warmup_then_flat_lambdas_fire(fn):
    source = LAMBDA.format(fn=fn)
    assert found(source, only=WL003) == {(7, "WL003")}
    message = messages(source, "WL003")[0]
    assert "never decays" in message


@pytest.mark.parametrize(
    "fn",
    [
        "lambda s: (s + 1) / W if s < W else 0.5 * (1 + math.cos(math.pi * (s - W) / (T - W)))",
        "lambda s: min((s + 1) / W, max(0.0, (T - s) / (T - W)))",
        "lambda s: 0.95 ** s",
        "lambda s: 1.0",
        "lambda s: max(0.0, 1 - s / T)",
        "lambda s: 0.1 ** (s // 30)",
    ],
)
def test_wl003_other_shapes_are_silent(fn):
    assert found(LAMBDA.format(fn=fn), only=WL003) == set()


def test_wl003_def_warmup_then_cosine_is_silent_and_flat_fires():
    decaying = """\
        import math
        import torch
        from torch.optim.lr_scheduler import LambdaLR
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
        W, T = 100, 1000

        def lr_lambda(s):
            if s < W:
                return (s + 1) / (W + 1)
            p = min(1.0, (s - W) / max(1, T - W))
            return 0.5 * (1 + math.cos(math.pi * p))

        scheduler = LambdaLR(optimizer, lr_lambda)
    """
    assert found(decaying, only=WL003) == set()
    flat = dedent(decaying).replace(
        "    p = min(1.0, (s - W) / max(1, T - W))\n    return 0.5 * (1 + math.cos(math.pi * p))\n", "    return 1.0\n"
    )
    assert "return 1.0" in flat
    assert found(flat, only=WL003) == {(7, "WL003")}  # the `def` line


def test_wl003_lambda_assigned_to_a_name():
    source = LAMBDA.format(fn="warm").replace("scheduler =", "warm = lambda s: min(1.0, (s + 1) / W)\nscheduler =")
    assert found(source, only=WL003) == {(7, "WL003")}


def test_wl003_not_alone():
    source = (
        LAMBDA.format(fn="lambda s: min(1, (s + 1) / W)")
        + "decay = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=T)\n"
        "both = torch.optim.lr_scheduler.ChainedScheduler([scheduler, decay])\n"
    )
    assert found(source, only=WL003) == set()


def test_wl003_linear_lr_alone_and_in_sequence():
    base = (
        "import torch\nfrom torch.optim.lr_scheduler import LinearLR, CosineAnnealingLR, SequentialLR\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
    )
    alone = base + "warm = LinearLR(optimizer, start_factor=0.1, total_iters=10)\n"
    assert found(alone, only=WL003) == {(4, "WL003")}
    decaying = base + "warm = LinearLR(optimizer, start_factor=1.0, end_factor=0.0, total_iters=100)\n"
    assert found(decaying, only=WL003) == set()
    chained = (
        alone + "cos = CosineAnnealingLR(optimizer, T_max=90)\n"
        "s = SequentialLR(optimizer, [warm, cos], milestones=[10])\n"
    )
    assert found(chained, only=WL003) == set()


# ---- WL002: warmup phases ---------------------------------------------------------------------

WARMUP_LOOP = """\
import math
import torch
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
base_lr = 0.1
warmup_steps = 100
total_steps = 1000
for step in range(total_steps):
{body}
    optimizer.step()
"""


def in_loop(body: str) -> str:
    return WARMUP_LOOP.format(body="\n".join("    " + line for line in dedent(body).splitlines()))


def test_wl002_constant_in_warmup_branch_fires():
    source = in_loop("""\
        if step < warmup_steps:
            for g in optimizer.param_groups:
                g["lr"] = 0.001
    """)
    assert found(source, only=WL002) == {(10, "WL002")}
    assert "lr=0.001" in messages(source, "WL002")[0]


@pytest.mark.parametrize("test", ["warmup_steps > step", "not step >= warmup_steps", "step <= warmup_steps"])
def test_wl002_other_spellings_of_the_warmup_branch(test):
    source = in_loop(f"""\
        if {test}:
            for g in optimizer.param_groups:
                g["lr"] = 0.001
    """)
    assert found(source, only=WL002) == {(10, "WL002")}


def test_wl002_constant_in_else_branch_is_silent():
    source = in_loop("""\
        if step < warmup_steps:
            pass
        else:
            for g in optimizer.param_groups:
                g["lr"] = 0.001
    """)
    assert found(source, only=WL002) == set()


def test_wl002_after_warmup_branch_is_silent():
    source = in_loop("""\
        if step >= warmup_steps:
            for g in optimizer.param_groups:
                g["lr"] = 0.001
    """)
    assert found(source, only=WL002) == set()


def test_wl002_linear_ramp_is_silent():
    source = in_loop("""\
        if step < warmup_steps:
            for g in optimizer.param_groups:
                g["lr"] = base_lr * (step + 1) / warmup_steps
        else:
            progress = (step - warmup_steps) / (total_steps - warmup_steps)
            for g in optimizer.param_groups:
                g["lr"] = base_lr * 0.5 * (1 + math.cos(math.pi * progress))
    """)
    assert found(source, only=WL002) == set()


def test_wl002_comment_alone_needs_a_value_below_the_peak():
    above = (
        "import torch\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n# warm-up\n"
        "for g in optimizer.param_groups:\n    g['lr'] = {value}\n"
    )
    assert found(above.format(value="0.001"), only=WL002) == {(5, "WL002")}
    assert found(above.format(value="0.1"), only=WL002) == set()
    far = above.replace("# warm-up\n", "# warm-up\n\n\n\n\n")
    assert found(far.format(value="0.001"), only=WL002) == set()


def test_wl002_not_a_param_group():
    source = in_loop("""\
        if step < warmup_steps:
            settings = {}
            settings["lr"] = 0.001
    """)
    assert found(source, only=WL002) == set()


@pytest.mark.parametrize(
    "source",
    [
        """\
    import torch
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    # no warmup needed: fine-tune the head at a lower LR
    for g in optimizer.param_groups:
        g["lr"] = 0.01
    """,
        """\
    import torch
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(10):
        if epoch == 5:
            # warmup is over, drop the LR for the second half
            for g in optimizer.param_groups:
                g["lr"] = 0.01
        optimizer.step()
    """,
    ],
    ids=["negated", "after-warmup-decay"],
)
def test_wl002_comment_that_rules_out_warmup(source):
    assert found(source, only=WL002) == set()


# ---- a name re-bound to a new object: two runs one after the other ----------------------

RUN = (
    "optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)\n"
    "scheduler = LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100))\n"
    "for x in data:\n    scheduler.step()\n    optimizer.step()\n"
)
HEADER = "import torch\nfrom torch.optim.lr_scheduler import LambdaLR\n"


def test_the_same_names_bound_twice_are_two_objects_with_their_own_findings():
    assert found(HEADER + RUN) == {(4, "WL003"), (6, "WL005")}
    assert found(HEADER + RUN + RUN) == {(4, "WL003"), (6, "WL005"), (9, "WL003"), (11, "WL005")}


def test_a_second_optimizer_under_the_same_name_keeps_its_own_scheduler():
    plain = "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor x in data:\n    optimizer.step()\n"
    # The first run has no schedule (WL001); the second has one: it must not be blamed for the first's lack.
    assert found(HEADER + plain + RUN) == {(3, "WL001"), (7, "WL003"), (9, "WL005")}
    # The other way round: the scheduled first run does not lend its scheduler to the second.
    assert found(HEADER + RUN + plain) == {(4, "WL003"), (6, "WL005"), (8, "WL001")}


def test_wrapping_the_same_name_is_not_a_new_object():
    source = HEADER + RUN.replace(
        "for x in data:", "model, optimizer = accelerator.prepare(model, optimizer)\nfor x in data:"
    )
    assert found(source) == {(4, "WL003"), (7, "WL005")}


# ---- scheduler.step() under a condition at the top of the epoch --------------------------

GUARDED_TOP = (
    "import torch\nfrom torch.optim.lr_scheduler import StepLR\n"
    "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"
    "scheduler = StepLR(optimizer, 30)\n"
    "for epoch in range(100):\n"
    "    if {test}:\n"
    "        scheduler.step()\n"
    "    for batch in loader:\n"
    "        optimizer.step()\n"
)


@pytest.mark.parametrize(
    "test", ["epoch > 0", "epoch", "0 < epoch", "epoch >= 1", "epoch != 0", "epoch > 2", "1 <= epoch", "epoch == 3"]
)
def test_a_step_that_cannot_run_in_the_first_epoch_is_not_before_the_optimizer(test):
    # It runs after the previous epoch's optimizer steps: nothing is skipped, PyTorch does not warn.
    assert found(GUARDED_TOP.format(test=test)) == set()


@pytest.mark.parametrize("test", ["use_scheduler", "epoch >= 0", "epoch == 0", "epoch < 5", "step > 0"])
def test_a_step_that_can_run_in_the_first_epoch_is_still_wl005(test):
    assert found(GUARDED_TOP.format(test=test)) == {(7, "WL005")}


# ---- WL004: the "needs warmup" thresholds ------------------------------------------------

DECAY_RUN = """\
import torch
loader = torch.utils.data.DataLoader(data, batch_size={batch})
optimizer = torch.optim.{optimizer}(model.parameters(), lr={lr})
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=30)
for epoch in range(90):
    for batch in loader:
        optimizer.step()
    scheduler.step()
"""


@pytest.mark.parametrize(
    ("optimizer", "lr", "batch", "fires"),
    [
        ("SGD", "0.1", 256, False),  # the standard ResNet recipe
        ("SGD", "0.4", 256, False),
        ("SGD", "0.41", 256, True),
        ("SGD", "0.8", 256, True),
        # The linear scaling rule (0.1 x batch / 256) is not a threshold of its own: only lr > 0.4 counts.
        ("SGD", "0.2", 2048, False),
        ("SGD", "0.4", 4096, False),
        ("SGD", "0.5", 8192, True),
        ("RMSprop", "0.01", 256, False),
        ("RMSprop", "0.02", 256, True),
        ("Adam", "2e-3", 256, False),  # no scale evidence: Adam needs lr >= 0.05
        ("Adam", "0.05", 256, True),
        ("Adam", "2e-3", 1024, True),  # a large batch is scale evidence: lr > 1e-3
        ("Adam", "1e-3", 1024, False),
    ],
)
def test_wl004_thresholds(optimizer, lr, batch, fires):
    source = DECAY_RUN.format(optimizer=optimizer, lr=lr, batch=batch)
    assert found(source, only=("WL004",)) == ({(3, "WL004")} if fires else set())


@pytest.mark.parametrize(
    "source",
    [
        # nothing steps it
        "import torch\noptimizer = torch.optim.SGD(model.parameters(), lr=0.8)\n"
        "scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=30)\n",
        # a single update, outside any loop
        "import torch\noptimizer = torch.optim.SGD(model.parameters(), lr=0.8)\n"
        "scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=30)\noptimizer.step()\nscheduler.step()\n",
        # a fresh optimizer for every step of the loop that steps it
        "import torch\nfor step in range(100):\n    optimizer = torch.optim.SGD(model.parameters(), lr=0.8)\n"
        "    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=30)\n"
        "    optimizer.step()\n    scheduler.step()\n",
    ],
    ids=["never stepped", "single update", "rebuilt per step"],
)
def test_wl004_and_wl001_are_silent_on_what_is_not_a_training_run(source):
    assert found(source, only=("WL001", "WL004")) == set()
    assert (
        found(
            source.replace("scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=30)", "pass"),
            only=("WL001", "WL004"),
        )
        == set()
    )


@pytest.mark.parametrize("stepped", [False, True])
def test_a_scheduler_named_like_the_module_it_comes_from_is_followed(stepped: bool) -> None:
    """`lr_scheduler` in `optim.lr_scheduler.StepLR` is an attribute, not a use of the variable."""
    source = """
    import torch.optim as optim
    opt = optim.SGD(model.parameters(), lr=0.01)
    lr_scheduler = optim.lr_scheduler.StepLR(opt, step_size=10)
    for batch in loader:
        opt.step()
    """
    if stepped:
        source += "    lr_scheduler.step()\n"
    assert found(source, only={"WL006"}) == (set() if stepped else {(3, "WL006")})


# ---- checkpoints ------------------------------------------------------------------


CHECKPOINT_RUN = """
import torch
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
for batch in loader:
    opt.step()
    sched.step()
state = {
    "optimizer": opt.state_dict(),
    "scheduler": SCHEDULER_STATE,
}
torch.save(state, "last.pt")
"""


@pytest.mark.parametrize(
    "scheduler_state",
    ["sched.state_dict() if sched else None", "None if sched is None else sched.state_dict()"],
)
def test_wl008_a_scheduler_state_saved_only_when_there_is_one_counts(scheduler_state: str) -> None:
    """`sched.state_dict() if sched else None` saves the scheduler's state whenever there is a scheduler."""
    assert found(CHECKPOINT_RUN.replace("SCHEDULER_STATE", scheduler_state), only={"WL008"}) == set()


def test_wl008_one_dict_saved_twice_is_one_finding() -> None:
    """`torch.save(ckpt, last)` and `torch.save(ckpt, best)` save the same dict: one fix, one report."""
    source = CHECKPOINT_RUN.replace('    "scheduler": SCHEDULER_STATE,\n', "") + 'torch.save(state, "best.pt")\n'
    assert found(source, only={"WL008"}) == {(7, "WL008")}
    assert len([d for d in diagnostics(source) if d.code == "WL008"]) == 1


# ---- an LR set by hand every epoch ------------------------------------------------


LR_SET_BY_A_HELPER = """
import torch
from utils import adjust_learning_rate, train_one_epoch
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda epoch: 0.5 ** (epoch // 20))
for epoch in range(200):
    train_one_epoch(model, loader, opt)
    SET_LR
"""


def test_wl006_is_silent_when_a_helper_sets_the_lr_every_epoch() -> None:
    """The LR comes from `adjust_learning_rate(opt, ...)` each epoch: the unused scheduler does not hold it."""
    source = LR_SET_BY_A_HELPER.replace("SET_LR", "adjust_learning_rate(opt, schedule(epoch))")
    assert found(source, only={"WL006"}) == set()


@pytest.mark.parametrize(
    "set_lr",
    ["if epoch < 5:\n        adjust_learning_rate(opt, 0.02 * (epoch + 1))", "pass"],
    ids=["helper only during warmup", "no helper"],
)
def test_wl006_still_reports_a_scheduler_that_would_drive_the_lr(set_lr: str) -> None:
    """A helper under an `if` (a hand-made warmup) leaves the rest of the run to the scheduler."""
    assert found(LR_SET_BY_A_HELPER.replace("SET_LR", set_lr), only={"WL006"}) == {(4, "WL006")}


REPLAYED_ON_RESUME = """
import torch
opt = torch.optim.AdamW(model.parameters(), lr=2e-4)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
start_epoch = 1
if resume:
    start_epoch = load(model, opt, "latest.pth") + 1
    for i in range(1, start_epoch):
        REPLAY
for epoch in range(start_epoch, 101):
    for batch in loader:
        opt.step()
    sched.step()
    torch.save({"epoch": epoch, "optimizer": opt.state_dict()}, "latest.pth")
"""


def test_wl008_is_silent_when_resuming_replays_the_schedule() -> None:
    """`for i in range(1, start_epoch): sched.step()` rebuilds the schedule's position on resume."""
    assert found(REPLAYED_ON_RESUME.replace("REPLAY", "sched.step()"), only={"WL008"}) == set()


def test_wl008_a_loop_that_does_more_than_step_the_scheduler_is_no_replay() -> None:
    source = REPLAYED_ON_RESUME.replace("REPLAY", "warm(model)\n        sched.step()")
    assert found(source, only={"WL008"}) == {(14, "WL008")}


def test_wl008_a_replayed_wrapper_around_the_scheduler_counts() -> None:
    """A warmup wrapper built around the cosine (`after_scheduler=`) and stepped forward on resume."""
    source = (
        REPLAYED_ON_RESUME.replace(
            "start_epoch = 1\n",
            "warm = GradualWarmupScheduler(opt, multiplier=1, total_epoch=3, after_scheduler=sched)\n",
        )
        .replace("REPLAY", "warm.step()")
        .replace("    sched.step()\n", "    warm.step()\n")
    )
    assert found(source, only={"WL008"}) == set()
    assert found(source.replace("        warm.step()\n", "        pass\n"), only={"WL008"}) == {(13, "WL008")}
