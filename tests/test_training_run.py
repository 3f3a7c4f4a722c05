"""What the model says about each optimizer's life and the model's scale, read from the model itself."""

from __future__ import annotations

import pytest
from conftest import found, model_of

from warmlint.analysis.model import Lifetime
from warmlint.analysis.scale import ScaleEvidence
from warmlint.engine.lint import check_source


def lifetime(source: str) -> Lifetime:
    (optimizer,) = model_of(source).optimizers
    return optimizer.lifetime


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import torch\nopt = torch.optim.SGD(p, lr=0.1)\n", Lifetime.NEVER_STEPPED),
        ("import torch\nopt = torch.optim.SGD(p, lr=0.1)\nloss.backward()\nopt.step()\n", Lifetime.SINGLE_UPDATE),
        ("import torch\nopt = torch.optim.SGD(p, lr=0.1)\nfor b in loader:\n    opt.step()\n", Lifetime.TRAINING_RUN),
        (
            "import torch\nopt = torch.optim.SGD(p, lr=0.1)\nwhile it < n:\n    scaler.step(opt)\n",
            Lifetime.TRAINING_RUN,
        ),
        # a fresh optimizer for every step of the loop that steps it
        (
            "import torch\nfor t in range(50):\n    opt = torch.optim.Adam([z], lr=0.1)\n    opt.step()\n",
            Lifetime.REBUILT_PER_STEP,
        ),
        # built per fold, trained over an inner loop: each build is a training run
        (
            "import torch\nfor fold in range(5):\n    opt = torch.optim.Adam(p, lr=0.1)\n"
            "    for b in loader:\n        opt.step()\n",
            Lifetime.TRAINING_RUN,
        ),
        # stepped in a helper that a loop calls
        (
            "import torch\ndef update(o):\n    o.step()\nopt = torch.optim.SGD(p, lr=0.1)\nfor b in loader:\n"
            "    update(opt)\n",
            Lifetime.TRAINING_RUN,
        ),
        # stepped in a helper that is called once, outside any loop
        (
            "import torch\ndef update(o):\n    o.step()\nopt = torch.optim.SGD(p, lr=0.1)\nupdate(opt)\n",
            Lifetime.SINGLE_UPDATE,
        ),
        # stepped in a method nothing in the file calls: it may run in a loop elsewhere, or once
        (
            "import torch\nclass T:\n    def __init__(self):\n        self.opt = torch.optim.SGD(p, lr=0.1)\n"
            "    def train_step(self):\n        self.opt.step()\n",
            Lifetime.UNKNOWN,
        ),
        # a method the file calls from a loop
        (
            "import torch\nclass T:\n    def __init__(self):\n        self.opt = torch.optim.SGD(p, lr=0.1)\n"
            "    def train_step(self):\n        self.opt.step()\n    def fit(self):\n        for b in loader:\n"
            "            self.train_step()\n",
            Lifetime.TRAINING_RUN,
        ),
        # Lightning steps what configure_optimizers returns
        (
            "import torch\nclass M(LightningModule):\n    def configure_optimizers(self):\n"
            "        return torch.optim.SGD(self.parameters(), lr=0.1)\n",
            Lifetime.FRAMEWORK,
        ),
    ],
)
def test_lifetime(source, expected):
    assert lifetime(source) is expected


@pytest.mark.parametrize(
    "source",
    [
        "import torch\nopt = torch.optim.SGD(p, lr=0.5)\nassert opt.param_groups[0]['lr'] == 0.5\n",
        "import torch\nopt = torch.optim.SGD(p, lr=0.5)\nloss.backward()\nopt.step()\n",
        "import torch\nfor t in range(50):\n    opt = torch.optim.Adam([z], lr=0.5)\n    opt.step()\n",
    ],
)
def test_an_optimizer_that_is_not_a_training_run_gets_no_wl001(source):
    assert found(source) == set()


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import torch\nm = torch.nn.Linear(4, 4)\n", ScaleEvidence.NONE),
        ("import torch\nm = torch.nn.TransformerEncoderLayer(16, 2)\n", ScaleEvidence.TRANSFORMER),
        (
            "from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained('x')\n",
            ScaleEvidence.TRANSFORMER,
        ),
        ("class GPT(nn.Module):\n    pass\nm = GPT()\n", ScaleEvidence.TRANSFORMER),
        ("m = LlamaForCausalLM(config)\n", ScaleEvidence.TRANSFORMER),
        ("import timm\nm = timm.create_model('resnet50')\n", ScaleEvidence.LARGE),
        ("import torchvision\nm = torchvision.models.resnet50()\n", ScaleEvidence.LARGE),
        ("import torchvision\nm = torchvision.models.resnet18()\n", ScaleEvidence.NONE),
        ("from torch.utils.data import DataLoader\nl = DataLoader(d, batch_size=2048)\n", ScaleEvidence.LARGE),
        ("from torch.utils.data import DataLoader\nl = DataLoader(d, batch_size=128)\n", ScaleEvidence.NONE),
        ("optimizer = make_optimizer()\nbert_score = 1\n", ScaleEvidence.NONE),  # lower-case names are not classes
    ],
)
def test_scale_evidence(source, expected):
    assert model_of(source).scale_evidence is expected


ADAM = "import torch\n{model}opt = torch.optim.Adam(p, lr={lr})\nfor b in loader:\n    opt.step()\n"


@pytest.mark.parametrize(
    "model, lr, fires",
    [
        ("", "0.01", False),  # a small model: Adam at 1e-2 is an established recipe
        ("", "0.03", False),
        ("", "0.05", True),  # wrong for any model
        ("", "1.0", True),
        ("import timm\nnet = timm.create_model('vit_base_patch16_224')\n", "2e-3", True),
        ("import timm\nnet = timm.create_model('vit_base_patch16_224')\n", "1e-3", False),
        ("net = torch.nn.Transformer()\n", "5e-4", True),
        ("net = torch.nn.Transformer()\n", "5e-5", False),
    ],
)
def test_adam_thresholds_follow_scale_evidence(model, lr, fires):
    assert found(ADAM.format(model=model, lr=lr)) == ({(3 + model.count("\n") - 1, "WL001")} if fires else set())


@pytest.mark.parametrize(
    "source, expected",
    [
        # the file builds a transformer, but this optimizer trains a small MLP
        (
            "import torch\nimport torch.nn as nn\nbig = nn.Transformer()\nsmall = nn.Sequential(nn.Linear(4, 4))\n"
            "opt = torch.optim.Adam(small.parameters(), lr=0.01)\n",
            ScaleEvidence.NONE,
        ),
        (
            "import torch\nimport torch.nn as nn\nclass MLP(nn.Module):\n    def __init__(self):\n"
            "        super().__init__()\n        self.fc = nn.Linear(4, 4)\nbig = nn.Transformer()\n"
            "opt = torch.optim.Adam(MLP().parameters(), lr=0.01)\n",
            ScaleEvidence.NONE,
        ),
        # followed through a container, a local class and .to()
        (
            "import torch\nimport torch.nn as nn\nclass Block(nn.Module):\n    def __init__(self):\n"
            "        super().__init__()\n        self.attn = nn.MultiheadAttention(8, 2)\n"
            "model = nn.Sequential(Block(), nn.Linear(8, 2)).to('cpu')\n"
            "opt = torch.optim.Adam(model.parameters(), lr=0.01)\n",
            ScaleEvidence.TRANSFORMER,
        ),
        # lost on the way (a factory in another module): the file's evidence counts
        (
            "import torch\nfrom models import build\nnet = torch.nn.Transformer()\nmodel = build()\n"
            "opt = torch.optim.Adam(model.parameters(), lr=0.01)\n",
            ScaleEvidence.TRANSFORMER,
        ),
    ],
)
def test_scale_evidence_is_the_one_of_the_model_the_optimizer_trains(source, expected):
    (optimizer,) = model_of(source).optimizers
    assert optimizer.scale is expected


@pytest.mark.parametrize(
    "lam, kind",
    [
        ("lambda s: min(1.0, (s + 1) / 10)", "WARMUP_THEN_FLAT"),
        ("lambda s: s / 10", "RAMP"),  # no clamp: it never ends, so it is not a warmup followed by a plateau
        ("lambda s: 0.95 ** s", "DECAY_ONLY"),
    ],
)
def test_lambda_shapes(lam, kind):
    from warmlint.analysis.schedules import lr_lambda_of

    model = model_of(
        f"import torch\nopt = torch.optim.SGD(p, lr=0.1)\ns = torch.optim.lr_scheduler.LambdaLR(opt, {lam})\n"
    )
    (scheduler,) = model.schedulers
    assert lr_lambda_of(model, scheduler).shape.kind.name == kind


def test_an_unclamped_ramp_is_not_reported_as_warmup_then_flat():
    source = (
        "import torch\nopt = torch.optim.SGD(p, lr=0.1)\n"
        "sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / 10)\n"
        "for b in loader:\n    opt.step()\n    sched.step()\n"
    )
    assert found(source) == set()


SPREAD_CALLS = """\
import argparse
import torch

CONFIG = {{"lr": 0.2}}


def main(lr, epochs=3):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        for x in loader:
            optimizer.step()


parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default={default})
{call}
"""


@pytest.mark.parametrize(
    ("call", "default", "found"),
    [
        ("main(**vars(parser.parse_args()))", 0.1, "lr=0.1 (from --lr default)"),
        ("args = parser.parse_args()\nmain(**vars(args))", 0.1, "lr=0.1 (from --lr default)"),
        ("main(**CONFIG)", 0.1, "lr=0.2 (from CONFIG['lr'])"),
        ("main(**vars(parser.parse_args()))", 0.01, None),  # low: nothing to report
        ("main(*sys.argv[1:])", 0.1, None),  # positional spread: not followed
        ("main(**load_config())", 0.1, None),  # a dict warmlint cannot read
    ],
)
def test_keyword_spread_passes_the_namespace_or_dict_entry(call, default, found):
    messages = [d.message for d in check_source(SPREAD_CALLS.format(call=call, default=default)).diagnostics]
    if found is None:
        assert messages == []
    else:
        assert len(messages) == 1 and found in messages[0], messages


LIGHTNING_HPARAMS = """\
import lightning as L
import torch


class Classifier(L.LightningModule):
    def __init__(self, lr: float = 0.1, momentum: float = 0.9):
        super().__init__()
        {save}
        self.net = torch.nn.Linear(10, 2)

    def training_step(self, batch, batch_idx):
        return self.net(batch).sum()

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=self.hparams.momentum)


{extra}
L.Trainer(max_epochs=90).fit({build}, loader)
"""


@pytest.mark.parametrize(
    ("save", "build", "extra", "found"),
    [
        ("self.save_hyperparameters()", "Classifier()", "", "lr=0.1 (from default of Classifier(lr=...))"),
        ("self.save_hyperparameters()", "Classifier(lr=0.3)", "", "lr=0.3 (from argument of Classifier())"),
        ("self.save_hyperparameters()", "Classifier(0.3)", "", "lr=0.3 (from argument of Classifier())"),
        ("self.save_hyperparameters()", "Classifier(lr=0.01)", "", None),  # the run's value is low
        ("self.save_hyperparameters()", "Classifier(**cfg)", "", None),  # unknown keywords
        ("self.save_hyperparameters('momentum')", "Classifier()", "", None),  # lr is not saved
        ("pass", "Classifier()", "", None),  # nothing saved: hparams holds something else
        (  # a subclass may pass its own value to super().__init__
            "self.save_hyperparameters()",
            "Classifier()",
            "class Small(Classifier):\n    pass\n",
            None,
        ),
    ],
)
def test_lightning_hparams_are_the_init_parameters_the_constructor_calls_pass(save, build, extra, found):
    source = LIGHTNING_HPARAMS.format(save=save, build=build, extra=extra)
    messages = [d.message for d in check_source(source).diagnostics]
    if found is None:
        assert messages == []
    else:
        assert len(messages) == 1 and found in messages[0], messages


TRAINER_CLASS = """\
import torch


class Trainer:
    def __init__(self, model, lr=0.1):
        self.model = model
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    def fit(self, loader, epochs=10):
        for epoch in range(epochs):
            for x, y in loader:
                self.optimizer.zero_grad()
                self.model(x).sum().backward()
                self.optimizer.step()


{build}.fit(loader)
"""


@pytest.mark.parametrize(
    ("build", "found"),
    [
        ("Trainer(net)", "lr=0.1 (from default of Trainer(lr=...))"),
        ("Trainer(net, lr=0.3)", "lr=0.3 (from argument of Trainer())"),
        ("Trainer(net, lr=0.001)", None),  # the constructor call overrides the high default
        ("Trainer(net, 0.001)", None),
    ],
)
def test_an_init_parameter_is_valued_by_the_constructor_calls(build, found):
    messages = [d.message for d in check_source(TRAINER_CLASS.format(build=build)).diagnostics]
    if found is None:
        assert messages == []
    else:
        assert len(messages) == 1 and found in messages[0], messages


def test_a_method_parameter_is_unknown_when_the_method_is_called_on_another_object():
    source = """\
import torch


class Runner:
    def setup(self, model, lr=0.1):
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def fit(self, loader):
        for x in loader:
            self.optimizer.step()


runner = Runner()
runner.setup(net, lr=0.001)
runner.fit(loader)
"""
    assert check_source(source).diagnostics == []
