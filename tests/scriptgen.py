"""Generated PyTorch training scripts, and the properties warmlint's check and fix must have on them.

A script is assembled from the patterns warmlint knows (optimizer families and import styles, LR
sources, schedulers and where they are stepped, loop shapes, gradient accumulation, manual LR
writes, checkpoints, a transformers Trainer configured by keywords, suppression comments) around
unrelated code. `PLANTED` plants each rule with a fix (and WL013); `LOOK_ALIKES` are the same shapes,
one choice away, that must stay silent. Every line keeps a role (the optimizer, an LR write,
a checkpoint...), so the properties can say exactly which lines each fix may remove or change and
which finding a suppression comment silences. Used by tests/test_generated_scripts.py (a bounded CI
run) and benchmarks/fuzz_generated.py (a large run).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from conftest import model_of
from hypothesis import strategies as st

from warmlint import check_source
from warmlint.analysis.lr_schedule import schedule_of
from warmlint.config import DEFAULT_FIX, Config
from warmlint.engine.fixer import FixOutcome, fix_bytes
from warmlint.engine.lint import RULES
from warmlint.files.prefilter import builds_what_rules_need, may_matter
from warmlint.rule_index import RULE_INFO, all_codes

PATH = "train.py"
ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))  # the unsafe fixes too
KNOWN_CODES = frozenset(all_codes())
CHECKED_CODES = frozenset(code for code, entry in RULES.items() if entry.check)  # not the engine's own

FAMILIES = ("SGD", "Adam", "AdamW", "RMSprop")
OPTIMIZER_IMPORTS = ("torch", "from", "alias", "transformers")
LRS = ("0.1", "0.5", "0.05", "0.01", "5e-3", "2e-3", "1e-3", "3e-4", "1e-4")
LR_SOURCES = ("literal", "constant", "config", "argparse", "argparse_dashed", "parameter")
SCHEDULES = (
    "none",
    "lambda_constant",
    "lambda_warmup",
    "lambda_warmup_cosine",
    "lambda_warmup_linear",
    "lambda_decay",
    "def_constant",
    "def_warmup",
    "def_warmup_cosine",
    "def_warmup_linear",
    "step",
    "cosine",
    "onecycle",
    "linear_alone",
    "sequential",
    "hf_linear",
    "hf_cosine",
)
SCHEDULER_IMPORTS = ("torch", "from", "alias", "module")
LOOPS = ("epochs", "steps", "while")
LAYOUTS = ("module", "main", "guarded", "train_fn", "epoch_fn", "trainer_class")
PLACEMENTS = ("after", "before", "epoch_end", "epoch_top", "missing")
MANUAL = (
    "none",
    "fake_branch",
    "fake_branch_restore",
    "fake_before",
    "fake_before_uncommented",
    "ramp",
    "ramp_decay",
    "before_scheduler",  # an LR written before the scheduler is built: nothing to fight (not WL013)
)
CHECKPOINTS = ("none", "inline", "multiline", "named")
MODELS = ("linear", "mlp", "transformer")
EXTRAS = ("helper", "dataclass", "decorated", "comment", "banner", "lr_reader", "taken_names")
SLOTS = ("top", "middle", "end")
HORIZONS = ("run", "short")  # a CosineAnnealingLR's T_max, a OneCycleLR's total_steps: the run's, or shorter
# A transformers Trainer fine-tuning beside the loop: "constant" with a warmup it never reads (WL014),
# and its look-alikes: a cosine that reads it, the same "constant" on a tiny test checkpoint.
TRAINERS = ("none", "constant_ratio", "constant_steps", "cosine", "tiny_checkpoint")
INDENTS = ("    ", "  ", "\t")

# ---- roles: what a line is, and which fixes may remove or change it ------------------------
OPTIMIZER = "optimizer"  # the optimizer construction
SCHEDULER = "scheduler"  # every line of the scheduler construction
LR_FUNCTION = "lr_function"  # a `def` LR function for LambdaLR, with its leading blank lines
LR_WRITE = "lr_write"  # a manual param-group LR write, and the branch/loop lines holding only such writes
STEP = "scheduler_step"  # a `scheduler.step()` statement, and the comment right above it (it moves along)
CHECKPOINT = "checkpoint"  # every line of the statement(s) building a saved checkpoint dict
SIGNATURE = "train_signature"  # `def train(...)`: a fix may add a scheduler parameter
CALL = "train_call"  # the call of that function: a fix may pass the scheduler
SCHEDULER_IMPORT = "scheduler_import"  # `from torch.optim.lr_scheduler import ...`: a fix may add a name
WARMUP_CONSTANT = "warmup_constant"  # `warmup_steps = 500`: WL009's fix may shorten it where it is defined
TRAINER_SCHEDULE = "trainer_schedule"  # `lr_scheduler_type="constant",` in a TrainingArguments call

_SCHEDULE_INSERTS = {SIGNATURE, CALL, SCHEDULER_IMPORT}  # WL001-WL003 insert a LambdaLR and pass it along
CHANGEABLE = {  # from the rules' fix builders: the lines each fix removes or edits in place (others only insert)
    "WL001": _SCHEDULE_INSERTS,
    "WL002": _SCHEDULE_INSERTS | {LR_WRITE},  # removes every LR write of the optimizer
    "WL003": _SCHEDULE_INSERTS | {LR_WRITE, LR_FUNCTION, SCHEDULER},  # rewrites lr_lambda, drops the old def
    "WL004": {SCHEDULER, SCHEDULER_IMPORT},  # wraps the scheduler call in SequentialLR
    "WL005": {STEP},  # moves scheduler.step() after optimizer.step()
    "WL006": set(),  # only inserts scheduler.step()
    "WL007": {STEP},  # moves scheduler.step() into the batch loop
    "WL008": {CHECKPOINT},  # adds the scheduler's state to the dict
    "WL009": {SCHEDULER, LR_FUNCTION, WARMUP_CONSTANT},  # shortens the warmup where it is defined
    "WL010": {SCHEDULER},  # sets T_max
    "WL011": {SCHEDULER},  # sets total_steps
    "WL012": {STEP},  # moves scheduler.step() into the accumulation guard
    "WL014": {TRAINER_SCHEDULE},  # "constant" becomes "cosine"
}  # one entry per rule with a check and a fix builder (tests/test_generated_scripts.py checks it)
WHERE_REPORTED = {  # the documented position of each finding (rules/*.md)
    "WL001": {OPTIMIZER},
    "WL002": {LR_WRITE},
    "WL003": {SCHEDULER, LR_FUNCTION, LR_WRITE},
    "WL004": {OPTIMIZER},
    "WL005": {STEP},
    "WL006": {SCHEDULER},
    "WL007": {SCHEDULER},
    "WL008": {CHECKPOINT},
    "WL009": {SCHEDULER, LR_FUNCTION},
    "WL010": {SCHEDULER},
    "WL011": {SCHEDULER},
    "WL012": {STEP},
    "WL013": {LR_WRITE},
    "WL014": {TRAINER_SCHEDULE},
}
_OPTIMIZER_CALL = r"[\w.]*(SGD|Adam|AdamW|RMSprop)\("
_SCHEDULER_CALL = r"[\w.]*(LambdaLR|StepLR|CosineAnnealingLR|OneCycleLR|LinearLR|SequentialLR|get_\w+)\("
_LR_WRITE = r'[\w.]*(\[0\])?\["lr"\] = '
SPAN_STARTS = {  # what the text at the start of each finding's span looks like
    "WL001": _OPTIMIZER_CALL,
    "WL002": _LR_WRITE,
    "WL003": rf"lambda |lr_lambda\(|{_SCHEDULER_CALL}|{_LR_WRITE}",  # the lambda, the def's name, ...
    "WL004": _OPTIMIZER_CALL,
    "WL005": r"[\w.]*\.step\(\)",
    "WL006": _SCHEDULER_CALL,
    "WL007": _SCHEDULER_CALL,
    "WL008": r"\{",
    "WL009": rf"lambda |lr_lambda\(|{_SCHEDULER_CALL}|[\w.]+",  # the warmup definition
    "WL010": _SCHEDULER_CALL,
    "WL011": _SCHEDULER_CALL,
    "WL012": r"[\w.]*\.step\(\)",
    "WL013": _LR_WRITE,
    "WL014": r'lr_scheduler_type="constant"',  # the keyword of the schedule's name
}
SITE_CODES = {  # the codes a suppression comment on a line of this role names
    OPTIMIZER: ("WL001", "WL004"),
    SCHEDULER: ("WL003", "WL006", "WL007", "WL009", "WL010", "WL011"),
    LR_FUNCTION: ("WL003", "WL009"),
    LR_WRITE: ("WL002", "WL003", "WL013"),
    STEP: ("WL005", "WL012"),
    CHECKPOINT: ("WL008",),
    TRAINER_SCHEDULE: ("WL014",),
}
ALL = "*"
UNUSED = "WL101"  # reported on a suppression comment that hides nothing, wherever it stands


@dataclass(frozen=True)
class Line:
    code: str
    role: str = ""
    site: bool = False  # the first line of a statement a suppression comment may go on
    comment: str = ""  # a suppression comment at the end of the line
    suppresses: frozenset[str] = frozenset()  # the codes that comment names (ALL for every code)


@dataclass(frozen=True, repr=False)
class Script:
    lines: tuple[Line, ...]
    newline: str = "\n"
    final_newline: bool = True
    file_comment: str = ""  # a whole-file `# warmlint: noqa[...]`, on its own last line
    file_suppresses: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        """The script itself, as a failing example is shown."""
        return f"<script>\n{self.text}</script>"

    def _join(self, lines: list[str]) -> str:
        return self.newline.join(lines) + (self.newline if self.final_newline else "")

    @property
    def text(self) -> str:
        rendered = [line.code + (f"  {line.comment}" if line.comment else "") for line in self.lines]
        return self._join(rendered + ([self.file_comment] if self.file_comment else []))

    @property
    def plain(self) -> str:
        """The same script without its suppression comments (same line numbers)."""
        return self._join([line.code for line in self.lines])

    @property
    def has_suppressions(self) -> bool:
        return bool(self.file_comment) or any(line.comment for line in self.lines)

    def role_at(self, line_number: int) -> str:
        return self.lines[line_number - 1].role if line_number <= len(self.lines) else ""

    def suppressed(self, code: str, first: int, last: int) -> bool:
        """Whether the comments silence `code` reported on lines first..last."""
        if code in self.file_suppresses or ALL in self.file_suppresses:
            return True
        return any(code in line.suppresses or ALL in line.suppresses for line in self.lines[first - 1 : last])

    def changeable(self, codes: set[str]) -> set[int]:
        """0-based indices of the lines the fixes for `codes` may remove or change (WL101's: the
        lines with a suppression comment)."""
        roles = set().union(*(CHANGEABLE.get(code, set()) for code in codes))
        changed = {index for index, line in enumerate(self.lines) if line.role in roles}
        if UNUSED in codes:
            changed |= {index for index in range(len(self.lines) + 1) if self.comment_at(index + 1)}
        return changed

    def comment_at(self, line_number: int) -> str:
        """The suppression comment on a line (the file-level one on the line after the script)."""
        if line_number == len(self.lines) + 1:
            return self.file_comment
        return self.lines[line_number - 1].comment if line_number <= len(self.lines) else ""

    def unused_comment_lines(self, findings: list) -> set[int]:
        """The lines whose suppression names a rule with no finding there to hide (a blanket one: no
        finding at all), `findings` being what the script reports without its comments (every
        rule runs): where WL101 reports."""
        judged = CHECKED_CODES

        def hides_nothing(named: frozenset[str], hid: set[str]) -> bool:
            return not hid if ALL in named else bool((named & judged) - hid)

        unused = set()
        for number, line in enumerate(self.lines, start=1):
            hid = {d.code for d in findings if d.span.line <= number <= d.span.end_line}
            if line.suppresses and hides_nothing(line.suppresses, hid):
                unused.add(number)
        file_codes = self.file_suppresses
        if unused and (ALL in file_codes or UNUSED in file_codes):  # it hides the line reports
            unused, hidden = set(), {UNUSED}
        else:
            hidden = set()
        hidden |= {d.code for d in findings if ALL in file_codes or d.code in file_codes}
        if file_codes and hides_nothing(file_codes, hidden):
            unused.add(len(self.lines) + 1)
        return unused


@dataclass(frozen=True)
class Plan:
    """Every choice a generated script is made of."""

    family: str
    optimizer_import: str
    lr: str
    lr_source: str
    model: str
    schedule: str
    scheduler_import: str
    multiline_scheduler: bool
    lr_lambda_keyword: bool
    hf_warmup: str
    total_steps: str  # "computed" from the loop, or a number
    horizon: str  # T_max / OneCycleLR's total_steps: the run's length, or "short" of it (WL010, WL011)
    loop: str
    layout: str
    placement: str
    accumulate: bool
    step_outside_guard: bool  # with accumulation: scheduler.step() after the guard, every micro-batch (WL012)
    manual: str
    index_write: bool
    checkpoint: str
    checkpoint_per_epoch: bool
    checkpoint_scheduler: bool
    resume: bool
    warmup_steps: str
    optimizer_name: str
    scheduler_name: str
    amp: bool  # a GradScaler steps the optimizer, the forward pass runs under autocast
    progress: bool  # the batch loop iterates over tqdm(loader)
    comments: bool  # comments inside the loop, one right above scheduler.step()
    annotated: bool  # `optimizer: torch.optim.Optimizer = ...`
    one_line: bool  # `optimizer.step(); scheduler.step()` on one line
    epochs_from_one: bool  # `for epoch in range(1, epochs + 1):`
    interruptible: bool  # the training loop sits in `try: ... except KeyboardInterrupt:`
    guarded_step: bool  # a per-epoch scheduler.step() under `if epoch ...:`
    docstring: bool
    import_math: bool
    trainer: str
    extras: tuple[tuple[str, str], ...]
    indent: str
    crlf: bool
    final_newline: bool

    def normalized(self) -> Plan:
        """Resolve choices that only make sense together (shrinking keeps the simpler one)."""
        plan = self
        if plan.optimizer_import == "transformers" and plan.family != "AdamW":
            plan = replace(plan, optimizer_import="torch")
        if plan.lr_source == "parameter" and plan.layout not in ("main", "trainer_class"):
            plan = replace(plan, layout="main")
        if plan.layout == "epoch_fn" and plan.loop != "epochs":
            plan = replace(plan, layout="train_fn")
        if plan.loop != "epochs" and plan.placement in ("epoch_end", "epoch_top"):
            plan = replace(plan, placement={"epoch_end": "after", "epoch_top": "before"}[plan.placement])
        if plan.schedule == "none":
            plan = replace(plan, placement="missing")
        if plan.scheduler_import == "module" and plan.scheduler_name == "lr_scheduler":
            plan = replace(plan, scheduler_name="scheduler")
        if plan.amp or plan.placement not in ("after", "before"):
            plan = replace(plan, one_line=False)
        if not plan.accumulate or plan.placement != "after" or plan.one_line:
            plan = replace(plan, step_outside_guard=False)
        return plan


def _mostly(draw, usual: str, others: tuple[str, ...], percent_others: int) -> str:
    """`usual`, or one of `others` in about `percent_others`% of scripts (shrinks towards `usual`)."""
    if draw(st.integers(0, 99)) >= 100 - percent_others:
        return draw(st.sampled_from(others))
    return usual


@st.composite
def plans(draw) -> Plan:
    """A random combination of the patterns (simplest first, so failures shrink to plain scripts)."""
    manual = _mostly(draw, "none", MANUAL[1:], 35)
    return Plan(
        manual=manual,
        family=draw(st.sampled_from(FAMILIES)),
        optimizer_import=draw(st.sampled_from(OPTIMIZER_IMPORTS)),
        lr=draw(st.sampled_from(LRS)),
        lr_source=draw(st.sampled_from(LR_SOURCES)),
        model=draw(st.sampled_from(MODELS)),
        schedule=_mostly(draw, "none", SCHEDULES[1:], 75 if manual == "none" else 35),
        scheduler_import=draw(st.sampled_from(SCHEDULER_IMPORTS)),
        multiline_scheduler=draw(st.booleans()),
        lr_lambda_keyword=draw(st.booleans()),
        hf_warmup=draw(st.sampled_from(("0", "warmup_steps"))),
        total_steps=draw(st.sampled_from(("computed", "10_000"))),
        horizon=_mostly(draw, "run", HORIZONS[1:], 30),
        loop=_mostly(draw, "epochs", LOOPS[1:], 45),
        layout=draw(st.sampled_from(LAYOUTS)),
        placement=draw(st.sampled_from(PLACEMENTS)),
        accumulate=draw(st.booleans()),
        step_outside_guard=draw(st.booleans()),
        index_write=draw(st.booleans()),
        checkpoint=_mostly(draw, "none", CHECKPOINTS[1:], 40),
        checkpoint_per_epoch=draw(st.booleans()),
        checkpoint_scheduler=draw(st.booleans()),
        resume=draw(st.booleans()),
        warmup_steps=draw(st.sampled_from(("5", "500"))),
        optimizer_name=draw(st.sampled_from(("optimizer", "opt"))),
        scheduler_name=draw(st.sampled_from(("scheduler", "lr_scheduler", "sched"))),
        amp=draw(st.booleans()),
        progress=draw(st.booleans()),
        comments=draw(st.booleans()),
        annotated=draw(st.booleans()),
        one_line=draw(st.booleans()),
        epochs_from_one=draw(st.booleans()),
        interruptible=draw(st.booleans()),
        guarded_step=draw(st.booleans()),
        docstring=draw(st.booleans()),
        import_math=draw(st.booleans()),
        trainer=_mostly(draw, "none", TRAINERS[1:], 20),
        extras=tuple(
            draw(
                st.lists(
                    st.tuples(st.sampled_from(EXTRAS), st.sampled_from(SLOTS)),
                    max_size=3,
                    unique_by=lambda extra: extra[0],
                )
            )
        ),
        indent=draw(st.sampled_from(INDENTS)),
        crlf=draw(st.booleans()),
        final_newline=draw(st.integers(0, 9)) != 9,
    ).normalized()


def simplest_plan(**changes) -> Plan:
    """The first choice of everything (SGD at lr=0.1, no schedule, an epoch loop at module level), changed."""
    plan = Plan(
        family=FAMILIES[0],
        optimizer_import=OPTIMIZER_IMPORTS[0],
        lr=LRS[0],
        lr_source=LR_SOURCES[0],
        model=MODELS[0],
        schedule=SCHEDULES[0],
        scheduler_import=SCHEDULER_IMPORTS[0],
        multiline_scheduler=False,
        lr_lambda_keyword=False,
        hf_warmup="0",
        total_steps="computed",
        horizon=HORIZONS[0],
        loop=LOOPS[0],
        layout=LAYOUTS[0],
        placement=PLACEMENTS[0],
        accumulate=False,
        step_outside_guard=False,
        manual=MANUAL[0],
        index_write=False,
        checkpoint=CHECKPOINTS[0],
        checkpoint_per_epoch=False,
        checkpoint_scheduler=False,
        resume=False,
        warmup_steps="5",
        optimizer_name="optimizer",
        scheduler_name="scheduler",
        amp=False,
        progress=False,
        comments=False,
        annotated=False,
        one_line=False,
        epochs_from_one=False,
        interruptible=False,
        guarded_step=False,
        docstring=False,
        import_math=False,
        trainer=TRAINERS[0],
        extras=(),
        indent=INDENTS[0],
        crlf=False,
        final_newline=True,
    )
    return replace(plan, **changes).normalized()


# A plan that plants each rule's mistake where its fix applies (WL013 has no fix), and nothing else.
PLANTED = {
    "WL001": {},
    "WL002": {"manual": "fake_branch"},
    "WL003": {"schedule": "lambda_warmup"},
    "WL004": {"schedule": "step", "placement": "epoch_end", "lr": "0.5"},  # SGD needs a warmup above 0.4
    "WL005": {"schedule": "def_warmup_cosine", "placement": "before"},
    "WL006": {"schedule": "onecycle", "placement": "missing"},
    "WL007": {"schedule": "sequential", "placement": "epoch_end"},
    "WL008": {"schedule": "hf_linear", "hf_warmup": "warmup_steps", "checkpoint": "inline"},
    "WL009": {"schedule": "sequential", "loop": "steps", "warmup_steps": "500"},  # 500 of 40 steps
    "WL010": {"schedule": "cosine", "horizon": "short"},  # T_max=epochs, stepped every batch
    "WL011": {"schedule": "onecycle", "loop": "steps", "horizon": "short"},  # built for half the steps
    "WL012": {"schedule": "sequential", "accumulate": True, "step_outside_guard": True},
    "WL013": {"schedule": "sequential", "manual": "ramp"},
    "WL014": {"schedule": "sequential", "trainer": "constant_ratio"},
}
# The same shapes, one choice away, that must stay silent.
LOOK_ALIKES = {
    "WL009": {"schedule": "sequential", "loop": "steps", "warmup_steps": "5"},  # a warmup shorter than the run
    "WL010": {"schedule": "cosine"},  # T_max=total_steps, the run
    "WL011": {"schedule": "onecycle", "loop": "steps"},  # total_steps the number of steps
    "WL012": {"schedule": "sequential", "accumulate": True},  # scheduler.step() inside the guard
    "WL013": {"schedule": "sequential", "manual": "before_scheduler"},  # written before the scheduler is built
    "WL014": {"schedule": "sequential", "trainer": "cosine"},  # a schedule that reads the warmup
    "WL014 on a test checkpoint": {"schedule": "sequential", "trainer": "tiny_checkpoint"},
}


# ---- rendering -------------------------------------------------------------------------------
class Block:
    """Lines under construction, each added at an indentation depth (4 spaces a level until rendered)."""

    def __init__(self) -> None:
        self.lines: list[Line] = []

    def add(self, depth: int, code: str, role: str = "", site: bool = False) -> Block:
        """Add `code` (lines of it may be blank or indented further); `site` marks its first non-blank line."""
        for part in code.split("\n"):
            self.lines.append(Line("    " * depth + part if part else "", role, site and bool(part)))
            site = site and not part
        return self

    def extend(self, other: Block) -> Block:
        self.lines += other.lines
        return self

    def separate(self) -> Block:
        """Two blank lines after a function or class, before the next module-level statement."""
        if self.lines and self.lines[-1].code.startswith(" "):
            self.add(0, "\n")
        return self


_LAMBDAS = {
    "lambda_constant": "lambda step: 1.0",
    "lambda_warmup": "lambda step: min(1.0, (step + 1) / warmup_steps)",
    "lambda_warmup_cosine": "lambda step: (step + 1) / (warmup_steps + 1) if step < warmup_steps else "
    "0.5 * (1.0 + math.cos(math.pi * min(1.0, (step - warmup_steps) / "
    "max(1, total_steps - warmup_steps))))",
    "lambda_warmup_linear": "lambda step: min((step + 1) / (warmup_steps + 1), "
    "max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps)))",
    "lambda_decay": "lambda epoch: 0.95 ** epoch",
}
_WARMUP_BRANCH = "    if step < warmup_steps:\n        return (step + 1) / (warmup_steps + 1)\n"
_PROGRESS = "    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))\n"
_LR_FUNCTIONS = {
    "def_constant": "def lr_lambda(step):\n    return 1.0",
    "def_warmup": "def lr_lambda(step):\n" + _WARMUP_BRANCH + "    return 1.0",
    "def_warmup_cosine": "def lr_lambda(step):\n"
    + _WARMUP_BRANCH
    + _PROGRESS
    + "    return 0.5 * (1.0 + math.cos(math.pi * progress))",
    "def_warmup_linear": "def lr_lambda(step):\n" + _WARMUP_BRANCH + _PROGRESS + "    return max(0.0, 1.0 - progress)",
}
_SCHEDULER_CLASSES = ("LambdaLR", "StepLR", "CosineAnnealingLR", "OneCycleLR", "LinearLR", "SequentialLR")
_HUGGING_FACE = ("get_linear_schedule_with_warmup", "get_cosine_schedule_with_warmup")
_SCHEDULER_PREFIX = {
    "torch": "torch.optim.lr_scheduler.",
    "from": "",
    "alias": "optim.lr_scheduler.",
    "module": "lr_scheduler.",
}
_OPTIMIZER_PREFIX = {"torch": "torch.optim.", "from": "", "alias": "optim.", "transformers": ""}
_OPTIMIZER_EXTRA = {"SGD": ", momentum=0.9", "AdamW": ", weight_decay=0.01", "Adam": "", "RMSprop": ""}
_MODELS = {
    "linear": "nn.Linear(10, 1)",
    "mlp": "nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))",
    "transformer": "nn.TransformerEncoderLayer(d_model=10, nhead=2)",
}
_EXTRAS = {
    "helper": '\n\ndef count_parameters(model):\n    """Trainable parameters, für das Protokoll."""\n'
    "    return sum(p.numel() for p in model.parameters() if p.requires_grad)",
    "dataclass": '\n\n@dataclass\nclass RunningMean:\n    """Running mean of a metric — “loss” or “accuracy”."""\n\n'
    "    total: float = 0.0\n    count: int = 0\n\n    def update(self, value: float) -> None:\n"
    "        self.total += value\n        self.count += 1",
    "decorated": "\n\n@torch.no_grad()\ndef evaluate(model, loader):\n"
    "    losses = [nn.functional.mse_loss(model(x), y).item() for x, y in loader]\n"
    "    return sum(losses) / len(losses)",
    "comment": "# ── données d'entraînement / 学習データ ──",
    "banner": 'BANNER = "entraînement rapide ✓ — 学習"\nprint(BANNER, "\\u00e9")',
    "lr_reader": "\n\ndef describe_lr(optimizer):\n"
    '    return ", ".join(f"{g[\'lr\']:.2e}" for g in optimizer.param_groups)',
    # the names warmlint's fixes would pick first are already taken
    "taken_names": 'warmup_cosine_decay = "see the README"\nlr_warmup_steps = None',
}
_CONSTANTS = (
    ("epochs", "3"),
    ("max_steps", "40"),
    ("warmup_steps", None),
    ("warmup_epochs", "1"),
    ("accum_steps", "2"),
)
_LOOP_MANUAL = ("fake_branch", "fake_branch_restore", "ramp", "ramp_decay")  # writes inside the loop


def _uses(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


def _calls(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\(", text) is not None


class Renderer:
    """Turns a plan into the lines of a script: sections first, then the imports and constants they use."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        owner = "self." if plan.layout == "trainer_class" else ""
        self.opt = owner + plan.optimizer_name
        self.sched = owner + plan.scheduler_name
        self.scaler = owner + "scaler"
        self.lr = {
            "literal": plan.lr,
            "constant": "BASE_LR",
            "config": 'cfg["lr"]',
            "argparse": "args.lr",
            "argparse_dashed": "args.learning_rate",
            "parameter": "lr",
        }[plan.lr_source]
        self.batch_step = plan.placement in ("after", "before")
        self.stepped_in_function = plan.placement != "missing" and (
            plan.layout == "train_fn" or (plan.layout == "epoch_fn" and self.batch_step)
        )

    # -- whole script ----------------------------------------------------------------------
    def lines(self) -> list[Line]:
        plan = self.plan
        extras = {slot: Block() for slot in SLOTS}
        for name, slot in plan.extras:
            extras[slot].add(0, _EXTRAS[name])
        body = Block().extend(self.lr_source()).extend(self.lr_function()).separate().extend(extras["middle"])
        body.separate().extend(self.training_function()).separate()
        if plan.layout == "trainer_class":
            body.extend(self.trainer_class()).separate()
            body.add(
                0, f"model = {_MODELS[plan.model]}\ntrainer = Trainer(model)\nfinal_loss = trainer.fit(train_loader)"
            )
        else:
            depth = 1 if plan.layout in ("main", "guarded") else 0
            if plan.layout == "main":
                body.add(0, f"\n\ndef main({'lr=' + plan.lr if plan.lr_source == 'parameter' else ''}):")
            if plan.layout == "guarded":
                body.add(0, 'if __name__ == "__main__":')
            body.add(depth, f"model = {_MODELS[plan.model]}")
            body.extend(self.setup(depth)).extend(self.training(depth))
        if extras["end"].lines:
            body.separate().extend(extras["end"])
        body.separate().extend(self.finetuning())
        if plan.layout == "main":
            body.separate().add(0, 'if __name__ == "__main__":\n    main()')
        text = "\n".join(line.code for line in body.lines + extras["top"].lines)
        script = Block()
        if plan.docstring:
            script.add(0, '"""Entraîne un petit modèle — régression linéaire ✓."""')
        script.extend(self.imports(text)).extend(extras["top"]).separate().extend(self.constants(text)).extend(body)
        return [replace(line, code=self.indented(line.code)) for line in script.lines]

    def indented(self, code: str) -> str:
        """The line in the script's own indentation style."""
        spaces = len(code) - len(code.lstrip(" "))
        return self.plan.indent * (spaces // 4) + code[spaces - spaces % 4 :]

    def imports(self, text: str) -> Block:
        plan = self.plan
        block = Block()
        for module in ("argparse", "math", "os"):
            if _uses(text, module + ".") or (module == "math" and plan.import_math):
                block.add(0, f"import {module}")
        if _uses(text, "transformers."):
            block.add(0, "import transformers")
        if _uses(text, "dataclass"):
            block.add(0, "from dataclasses import dataclass")
        if block.lines:
            block.add(0, "")
        block.add(0, "import torch\nimport torch.nn as nn")
        if _uses(text, "optim."):
            block.add(0, "import torch.optim as optim")
        if plan.optimizer_import == "from":
            block.add(0, f"from torch.optim import {plan.family}")
        if _uses(text, "lr_scheduler.") and plan.scheduler_import == "module":
            block.add(0, "from torch.optim import lr_scheduler")
        classes = [name for name in _SCHEDULER_CLASSES if _calls(text, name)]
        if classes:
            block.add(0, f"from torch.optim.lr_scheduler import {', '.join(sorted(classes))}", SCHEDULER_IMPORT)
        hugging = [name for name in _HUGGING_FACE if _calls(text, name)]
        if plan.optimizer_import == "transformers":
            hugging.insert(0, "AdamW")
        if hugging:
            block.add(0, f"from transformers import {', '.join(hugging)}")
        block.add(0, "from torch.utils.data import DataLoader, TensorDataset")
        if _calls(text, "tqdm"):
            block.add(0, "from tqdm import tqdm")
        return block.add(0, "")

    def constants(self, text: str) -> Block:
        block = Block().add(
            0,
            "X = torch.randn(128, 10)\nY = torch.randn(128, 1)\n"
            "train_loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)",
        )
        needs_total = _uses(text, "total_steps")
        total = "epochs * len(train_loader)" if self.plan.loop == "epochs" else "max_steps"
        if self.plan.accumulate:
            total += " // accum_steps"
        if self.plan.total_steps != "computed":
            total = self.plan.total_steps
        for name, value in _CONSTANTS:
            if _uses(text, name) or (needs_total and _uses(total, name)):
                role = WARMUP_CONSTANT if name == "warmup_steps" else ""
                block.add(0, f"{name} = {value or self.plan.warmup_steps}", role)
        if needs_total:
            block.add(0, f"total_steps = {total}")
        return block

    def lr_source(self) -> Block:
        lr = self.plan.lr
        block = Block()
        source = self.plan.lr_source
        if source == "constant":
            block.add(0, f"BASE_LR = {lr}")
        elif source == "config":
            block.add(0, f'cfg = {{"lr": {lr}, "batch_size": 16}}')
        elif source.startswith("argparse"):
            flag = "--lr" if source == "argparse" else "--learning-rate"
            block.add(
                0,
                f'parser = argparse.ArgumentParser(description="entraînement")\n'
                f'parser.add_argument("{flag}", type=float, default={lr})\n'
                "args = parser.parse_args()",
            )
        return block

    def lr_function(self) -> Block:
        code = _LR_FUNCTIONS.get(self.plan.schedule)
        return Block().add(0, "\n\n" + code, LR_FUNCTION, site=True) if code else Block()

    # -- optimizer, scheduler, resume ------------------------------------------------------------
    def setup(self, depth: int) -> Block:
        """Optimizer, scheduler, scaler, a warmup before training, and resuming from a checkpoint."""
        plan = self.plan
        block = Block()
        prefix = _OPTIMIZER_PREFIX[plan.optimizer_import]
        annotation = ": torch.optim.Optimizer" if plan.annotated else ""
        block.add(
            depth,
            f"{self.opt}{annotation} = {prefix}{plan.family}(model.parameters(), lr={self.lr}"
            f"{_OPTIMIZER_EXTRA[plan.family]})",
            OPTIMIZER,
            site=True,
        )
        if plan.manual == "before_scheduler":
            block.extend(self.lr_write(depth, f"{self.lr} / 2"))
        scheduler = self.scheduler()
        if scheduler:
            block.add(depth, f"{self.sched} = {scheduler}", SCHEDULER, site=True)
        if plan.amp:
            block.add(depth, f"{self.scaler} = torch.cuda.amp.GradScaler()")
        if plan.manual.startswith("fake_before"):
            if plan.manual == "fake_before":
                block.add(depth, "# warm-up: start from a small constant LR", LR_WRITE)
            block.extend(self.lr_write(depth, f"{self.lr} / 100"))
        if plan.resume and plan.checkpoint != "none":
            block.add(depth, 'if os.path.exists("checkpoint.pt"):')
            block.add(
                depth + 1,
                'state = torch.load("checkpoint.pt")\nmodel.load_state_dict(state["model"])\n'
                f'{self.opt}.load_state_dict(state["optimizer"])',
            )
            if self.saves_scheduler():
                block.add(depth + 1, f'{self.sched}.load_state_dict(state["scheduler"])')
        return block

    def scheduler(self) -> str:
        plan = self.plan
        schedule = plan.schedule
        prefix = _SCHEDULER_PREFIX[plan.scheduler_import]
        opt = self.opt
        if schedule == "none":
            return ""
        if schedule in _LAMBDAS or schedule in _LR_FUNCTIONS:
            function = _LAMBDAS.get(schedule, "lr_lambda")
            keyword = "lr_lambda=" if plan.lr_lambda_keyword else ""
            return f"{prefix}LambdaLR({opt}, {keyword}{function})"
        if schedule.startswith("hf_"):
            name = f"get_{schedule[3:]}_schedule_with_warmup"
            arguments = f"{opt}, num_warmup_steps={plan.hf_warmup}, num_training_steps=total_steps"
            return f"{name}(\n    {arguments}\n)" if plan.multiline_scheduler else f"{name}({arguments})"
        per_epoch = plan.placement in ("epoch_end", "epoch_top")
        period = self.horizon("epochs" if per_epoch else "total_steps")
        single = {
            "step": f"{prefix}StepLR({opt}, step_size=2, gamma=0.1)",
            "cosine": f"{prefix}CosineAnnealingLR({opt}, T_max={period})",
            "onecycle": f"{prefix}OneCycleLR({opt}, max_lr={self.lr}, total_steps={self.horizon('total_steps')})",
            "linear_alone": f"{prefix}LinearLR({opt}, start_factor=0.1, total_iters=warmup_steps)",
        }
        if schedule in single:
            return single[schedule]
        warm = f"{prefix}LinearLR({opt}, start_factor=0.1, total_iters=warmup_steps)"
        cosine = f"{prefix}CosineAnnealingLR({opt}, T_max={self.horizon('total_steps - warmup_steps')})"
        if plan.multiline_scheduler:
            return (
                f"{prefix}SequentialLR(\n    {opt},\n    schedulers=[\n        {warm},\n        {cosine},\n"
                f"    ],\n    milestones=[warmup_steps],\n)"
            )
        return f"{prefix}SequentialLR({opt}, schedulers=[{warm}, {cosine}], milestones=[warmup_steps])"

    def horizon(self, run: str) -> str:
        """The length a cosine or one-cycle is built for: `run`, or with a "short" horizon one that ends
        before the run does (T_max=epochs stepped every batch, half the steps of a step loop)."""
        if self.plan.horizon == "run":
            return run
        if self.plan.placement in ("epoch_end", "epoch_top"):
            return "epochs - 1"
        return "epochs" if self.plan.loop == "epochs" else "max_steps // 2"

    def saves_scheduler(self) -> bool:
        """The checkpoint holds the scheduler's state (only where the scheduler is visible)."""
        visible = self.plan.layout != "train_fn" or self.stepped_in_function
        return self.plan.checkpoint_scheduler and self.plan.schedule != "none" and visible

    # -- manual LR writes --------------------------------------------------------------------
    def lr_write(self, depth: int, value: str) -> Block:
        if self.plan.index_write:
            return Block().add(depth, f'{self.opt}.param_groups[0]["lr"] = {value}', LR_WRITE, site=True)
        return (
            Block()
            .add(depth, f"for g in {self.opt}.param_groups:", LR_WRITE)
            .add(depth + 1, f'g["lr"] = {value}', LR_WRITE, site=True)
        )

    def lr_branch(self, depth: int, counter: str, bound: str, total: str) -> Block:
        """A manual warmup inside the loop: `if step < warmup_steps:` and maybe an `else:` after it."""
        manual = self.plan.manual
        block = Block()
        if manual not in _LOOP_MANUAL:
            return block
        ramp = f"{self.lr} * ({counter} + 1) / {bound}"
        block.add(depth, f"if {counter} < {bound}:", LR_WRITE)
        block.extend(self.lr_write(depth + 1, ramp if manual.startswith("ramp") else f"{self.lr} / 100"))
        after = {
            "fake_branch_restore": self.lr,
            "ramp_decay": f"{self.lr} * 0.5 * (1.0 + math.cos(math.pi * ({counter} - {bound}) / ({total} - {bound})))",
        }.get(manual)
        if after:
            block.add(depth, "else:", LR_WRITE).extend(self.lr_write(depth + 1, after))
        return block

    # -- loops -------------------------------------------------------------------------------
    def step_line(self, depth: int) -> Block:
        block = Block()
        if self.plan.comments:  # a comment right above a statement moves with it
            block.add(depth, "# avance l'ordonnanceur", STEP)
        return block.add(depth, f"{self.sched}.step()", STEP, site=True)

    def epoch_step_line(self, depth: int, top: bool) -> Block:
        """scheduler.step() at the top or the end of an epoch, maybe only in some epochs."""
        if not self.plan.guarded_step:
            return self.step_line(depth)
        block = Block().add(depth, "if epoch > 0:" if top else "if epoch % 2 == 0:")
        return block.extend(self.step_line(depth + 1))

    def iteration(self, depth: int, counter: str) -> Block:
        """One batch: forward, backward, optimizer.step() (maybe accumulated), scheduler.step() around it."""
        plan = self.plan
        block = Block()
        if plan.comments:
            block.add(depth, "# passe avant / arrière")
        if not plan.accumulate:
            block.add(depth, f"{self.opt}.zero_grad()")
        if plan.amp:
            block.add(depth, 'with torch.autocast("cuda"):')
            block.add(depth + 1, "loss = nn.functional.mse_loss(model(x), y)")
            block.add(depth, f"{self.scaler}.scale(loss).backward()")
        else:
            block.add(depth, "loss = nn.functional.mse_loss(model(x), y)\nloss.backward()")
        inner = depth
        if plan.accumulate:
            block.add(depth, f"if ({counter} + 1) % accum_steps == 0:")
            inner += 1
        block.extend(self.steps(inner, scheduler=not plan.step_outside_guard))
        if plan.accumulate:
            block.add(inner, f"{self.opt}.zero_grad()")
        if plan.step_outside_guard:  # on every micro-batch, while the optimizer steps every accum_steps
            block.extend(self.step_line(depth))
        return block

    def steps(self, depth: int, scheduler: bool = True) -> Block:
        """optimizer.step() (through the GradScaler with AMP), with scheduler.step() before or after it."""
        plan = self.plan
        if plan.one_line:
            calls = [f"{self.opt}.step()", f"{self.sched}.step()"]
            return Block().add(depth, "; ".join(calls if plan.placement == "after" else calls[::-1]), STEP, site=True)
        block = self.step_line(depth) if plan.placement == "before" else Block()
        if plan.amp:
            block.add(depth, f"{self.scaler}.step({self.opt})\n{self.scaler}.update()")
        else:
            block.add(depth, f"{self.opt}.step()")
        if plan.placement == "after" and scheduler:
            block.extend(self.step_line(depth))
        return block

    def batches(self, loader: str) -> str:
        """`for x, y in loader:`, through tqdm and enumerate as the plan says."""
        if self.plan.progress:
            loader = f"tqdm({loader})"
        if self.plan.accumulate:
            return f"for i, (x, y) in enumerate({loader}):"
        return f"for x, y in {loader}:"

    def batch_loop(self, depth: int, loader: str, manual: bool) -> Block:
        """The batch loop, with a global step counter when a manual warmup needs one."""
        block = Block().add(depth, self.batches(loader))
        if manual:
            block.extend(self.lr_branch(depth + 1, "global_step", "warmup_steps", "total_steps"))
        block.extend(self.iteration(depth + 1, "i"))
        if manual:
            block.add(depth + 1, "global_step += 1")
        if self.plan.comments:
            block.add(depth + 1, "# fin du lot")
        return block

    def epochs(self) -> str:
        return "for epoch in range(1, epochs + 1):" if self.plan.epochs_from_one else "for epoch in range(epochs):"

    def epoch_loop(self, depth: int, loader: str) -> Block:
        plan = self.plan
        manual = plan.manual in _LOOP_MANUAL
        block = Block()
        if manual:
            block.add(depth, "global_step = 0")
        block.add(depth, self.epochs())
        if plan.placement == "epoch_top":
            block.extend(self.epoch_step_line(depth + 1, top=True))
        block.extend(self.batch_loop(depth + 1, loader, manual))
        if plan.placement == "epoch_end":
            block.extend(self.epoch_step_line(depth + 1, top=False))
        if plan.checkpoint_per_epoch:
            block.extend(self.checkpoint(depth + 1))
        return block

    def step_loop(self, depth: int) -> Block:
        """`for step in range(max_steps):` or `while step < max_steps:`, one batch per step."""
        plan = self.plan
        block = Block()
        if plan.loop == "while":
            block.add(depth, "step = 0\nwhile step < max_steps:")
        else:
            block.add(depth, "for step in range(max_steps):")
        block.add(depth + 1, "x, y = X[:16], Y[:16]")
        block.extend(self.lr_branch(depth + 1, "step", "warmup_steps", "total_steps"))
        block.extend(self.iteration(depth + 1, "step"))
        if plan.checkpoint_per_epoch and plan.checkpoint != "none":
            block.add(depth + 1, "if step % 10 == 0:").extend(self.checkpoint(depth + 2))
        if plan.loop == "while":
            block.add(depth + 1, "step += 1")
        return block

    def loops(self, depth: int, loader: str) -> Block:
        return self.epoch_loop(depth, loader) if self.plan.loop == "epochs" else self.step_loop(depth)

    def training_function(self) -> Block:
        """`def train(...)` (whole loop) or `def train_one_epoch(...)` (batch loop), before their use."""
        plan = self.plan
        if plan.layout not in ("train_fn", "epoch_fn"):
            return Block()
        parameters = f"model, {self.opt}, loader" + (f", {self.sched}" if self.stepped_in_function else "")
        if plan.layout == "train_fn":
            block = Block().add(0, "\n").add(0, f"def train({parameters}):", SIGNATURE)
            block.extend(self.loops(1, "loader"))
            if not plan.checkpoint_per_epoch:
                block.extend(self.checkpoint(1))
            return block.add(1, "return loss.item()")
        block = Block().add(0, "\n").add(0, f"def train_one_epoch({parameters}):", SIGNATURE)
        block.add(1, self.batches("loader")).extend(self.iteration(2, "i"))
        return block.add(1, "return loss.item()")

    def trainer_class(self) -> Block:
        """A Trainer that builds the optimizer in __init__ and trains in fit()."""
        plan = self.plan
        block = Block().add(0, "\n").add(0, 'class Trainer:\n    """Entraîne le modèle ✓."""\n')
        block.add(1, f"def __init__(self, model{', lr=' + plan.lr if plan.lr_source == 'parameter' else ''}):")
        block.add(2, "self.model = model").extend(self.setup(2))
        block.add(0, "").add(1, "def fit(self, loader):").add(2, "model = self.model")
        block.extend(self.loops(2, "loader"))
        if not plan.checkpoint_per_epoch:
            block.extend(self.checkpoint(2))
        return block.add(2, "return loss.item()")

    def training(self, depth: int) -> Block:
        """The training as seen from where the optimizer is built: loops, or the call into them."""
        plan = self.plan
        arguments = f"model, {self.opt}, train_loader" + (f", {self.sched}" if self.stepped_in_function else "")
        if plan.layout == "train_fn":
            return Block().add(depth, f"final_loss = train({arguments})", CALL)
        if plan.layout == "epoch_fn":
            block = Block().add(depth, self.epochs())
            block.extend(self.lr_branch(depth + 1, "epoch", "warmup_epochs", "epochs"))
            if plan.placement == "epoch_top":
                block.extend(self.epoch_step_line(depth + 1, top=True))
            block.add(depth + 1, f"loss = train_one_epoch({arguments})", CALL)
            if plan.placement == "epoch_end":
                block.extend(self.epoch_step_line(depth + 1, top=False))
            return block.extend(self.checkpoint(depth + 1 if plan.checkpoint_per_epoch else depth))
        if plan.interruptible:
            block = Block().add(depth, "try:").extend(self.loops(depth + 1, "train_loader"))
            block.add(depth, "except KeyboardInterrupt:").add(depth + 1, 'print("interrompu")')
        else:
            block = self.loops(depth, "train_loader")
        if not plan.checkpoint_per_epoch:
            block.extend(self.checkpoint(depth))
        return block.add(depth, 'print(f"perte finale : {loss.item():.4f} ✓")')

    def finetuning(self) -> Block:
        """A transformers Trainer run of its own, configured by keyword arguments."""
        trainer = self.plan.trainer
        if trainer == "none":
            return Block()
        checkpoint = "hf-internal-testing/tiny-random-gpt2" if trainer == "tiny_checkpoint" else "gpt2"
        schedule = "cosine" if trainer == "cosine" else "constant"
        warmup = "warmup_steps=100" if trainer == "constant_steps" else "warmup_ratio=0.1"
        block = Block().add(0, "\n").add(0, "def finetune():")
        block.add(1, f'hf_model = transformers.AutoModelForCausalLM.from_pretrained("{checkpoint}")')
        block.add(1, 'hf_args = transformers.TrainingArguments(\n    output_dir="out",\n    learning_rate=2e-5,')
        block.add(2, f'lr_scheduler_type="{schedule}",', TRAINER_SCHEDULE, site=True)
        block.add(2, f"{warmup},").add(2, "num_train_epochs=1,").add(1, ")")
        return block.add(1, "transformers.Trainer(model=hf_model, args=hf_args).train()")

    def checkpoint(self, depth: int) -> Block:
        plan = self.plan
        if plan.checkpoint == "none":
            return Block()
        entries = [("model", "model.state_dict()"), ("optimizer", f"{self.opt}.state_dict()")]
        if self.saves_scheduler():
            entries.append(("scheduler", f"{self.sched}.state_dict()"))
        if plan.checkpoint == "multiline":
            inner = "".join(f'    "{key}": {value},\n' for key, value in entries)
            return Block().add(
                depth, f'torch.save({{\n{inner}    "version": 1,\n}}, "checkpoint.pt")', CHECKPOINT, site=True
            )
        literal = "{" + ", ".join(f'"{key}": {value}' for key, value in entries) + "}"
        if plan.checkpoint == "inline":
            return Block().add(depth, f'torch.save({literal}, "checkpoint.pt")', CHECKPOINT, site=True)
        return (
            Block()
            .add(depth, f"checkpoint = {literal}", CHECKPOINT, site=True)
            .add(depth, 'torch.save(checkpoint, "checkpoint.pt")', CHECKPOINT)
        )


# ---- suppression comments ---------------------------------------------------------------------
_LINE_FORMS = (
    "# warmlint: ignore[{code}]",
    "# noqa: {code}",
    "# warmlint: ignore",
    "# noqa",
    "# warmlint: ignore[{code}, WL006]",
    "# noqa: {code},WL008",
    "# WarmLint: Ignore[{lower}]",
    "# noqa: E731, {code}",
    "# warmlint: ignore[{name}]",
)
_FILE_FORMS = ("# warmlint: noqa[{code}]", "# warmlint: noqa")
_BARE_NOQA = "# noqa"  # written for other linters: it silences no warmlint finding


def _named_codes(form: str, code: str) -> frozenset[str]:
    """The codes a comment form silences, as README.md documents them."""
    if form == _BARE_NOQA:
        return frozenset()
    if "{" not in form:
        return frozenset({ALL})
    return frozenset({code} | set(re.findall(r"WL\d{3}", form)))


@st.composite
def suppressed(draw, lines: list[Line]) -> Script:
    """Add suppression comments to one or two statements that can be reported, and maybe a whole-file one."""
    sites = [index for index, line in enumerate(lines) if line.site]
    lines = list(lines)
    for index in draw(st.lists(st.sampled_from(sites), unique=True, min_size=1, max_size=2)):
        code = draw(st.sampled_from(SITE_CODES[lines[index].role]))
        form = draw(st.sampled_from(_LINE_FORMS))
        comment = form.format(code=code, lower=code.lower(), name=RULE_INFO[code].name)
        lines[index] = replace(lines[index], comment=comment, suppresses=_named_codes(form, code))
    file_comment, file_codes = "", frozenset()
    if draw(st.integers(0, 9)) == 0:
        code = draw(st.sampled_from(sorted(KNOWN_CODES - {"WL000"})))
        form = draw(st.sampled_from(_FILE_FORMS))
        file_comment, file_codes = form.format(code=code), _named_codes(form, code)
    return Script(tuple(lines), file_comment=file_comment, file_suppresses=file_codes)


@st.composite
def training_scripts(draw, with_suppressions: bool = False) -> Script:
    """A training script; with `with_suppressions` always, else in about a third of them, suppression comments."""
    plan = draw(plans())
    lines = Renderer(plan).lines()
    script = Script(tuple(lines))
    if with_suppressions or draw(st.integers(0, 2)) == 0:
        script = draw(suppressed(lines))
    return replace(script, newline="\r\n" if plan.crlf else "\n", final_newline=plan.final_newline)


# ---- properties ---------------------------------------------------------------------------------
def diagnostic_key(diagnostic) -> tuple:
    span = diagnostic.span
    return diagnostic.code, span.line, span.column, span.end_line, span.end_column


def assert_check_properties(script: Script) -> list:
    """check: no crash, only known codes, 1-based spans inside the file, on the documented line."""
    text = script.text
    diagnostics = check_source(text, PATH).diagnostics
    if diagnostics:  # what a directory walk skips unparsed must never hold a finding
        assert may_matter(text.encode()) and builds_what_rules_need(text.encode())
    lines = text.splitlines()
    for diagnostic in diagnostics:
        span = diagnostic.span
        assert diagnostic.code in KNOWN_CODES - {"WL000"}, diagnostic
        assert 1 <= span.line <= span.end_line <= len(lines), diagnostic
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, diagnostic
        assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1, diagnostic
        assert span.line < span.end_line or span.column <= span.end_column, diagnostic
        line = lines[span.line - 1]
        if diagnostic.code == UNUSED:  # on the suppression itself
            assert script.comment_at(span.line) and line[span.column - 1 :].startswith("#"), diagnostic
            continue
        assert script.role_at(span.line) in WHERE_REPORTED[diagnostic.code], (
            f"{diagnostic.code} reported on line {span.line}: {line!r}"
        )
        assert re.match(SPAN_STARTS[diagnostic.code], line[span.column - 1 :]), (
            f"{diagnostic.code} span starts at column {span.column} of {line!r}"
        )
    return diagnostics


def assert_suppressions_apply(script: Script) -> None:
    """The comments silence exactly the findings they name on their lines, and change nothing else;
    those that hide nothing are reported (WL101)."""
    with_comments = check_source(script.text, PATH).diagnostics
    without = check_source(script.plain, PATH).diagnostics
    expected = [d for d in without if not script.suppressed(d.code, d.span.line, d.span.end_line)]
    found = [diagnostic_key(d) for d in with_comments if d.code != UNUSED]
    wanted = [diagnostic_key(d) for d in expected]
    assert found == wanted, f"with the comments: {found}; without them, less what they name: {wanted}"
    reported = {d.line for d in with_comments if d.code == UNUSED}
    assert reported == script.unused_comment_lines(without), f"WL101 on lines {sorted(reported)}"


def missing_kept_line(original: list[str], fixed: list[str], changeable: set[int]) -> int | None:
    """Index of the first line no fix may touch that is not in `fixed`, in order; None when all are."""
    position = 0
    for index, line in enumerate(original):
        if index in changeable:
            continue
        while position < len(fixed) and fixed[position] != line:
            position += 1
        if position == len(fixed):
            return index
        position += 1
    return None


def training_runs(text: str) -> list[tuple[str, float | None, float | None]]:
    """(optimizer, the LR it trains at after its warmup, T) of every training run, from the schedule model."""
    model = model_of(text)
    found = []
    for optimizer in model.optimizers:
        if optimizer.lifetime.is_training_run:
            schedule = schedule_of(model, optimizer)
            target = schedule.target.value if schedule.target is not None else None
            total = schedule.total.value if schedule.total is not None else None
            found.append((optimizer.short_name, target, total))
    return found


def assert_keeps_the_run(before: str, after: str) -> None:
    """The fixed script trains the same optimizers at the same LR for as many steps (where it says)."""
    old, new = training_runs(before), training_runs(after)
    assert [name for name, _, _ in new] == [name for name, _, _ in old], "the fix changed which optimizers train"
    for (name, target, total), (_, fixed_target, fixed_total) in zip(old, new):
        if target is not None:
            assert fixed_target == target, f"{name} trained at {target:g}, after the fix at {fixed_target}"
        if total is not None:
            assert fixed_total == total, f"the run of {name} took {total:g} steps, after the fix {fixed_total}"


def assert_fix_properties(script: Script) -> FixOutcome:
    """fix: valid Python, a fixed point, only its own lines touched, its findings gone, and the run's
    peak LR and length kept."""
    source = script.text.encode()
    outcome = fix_bytes(source, PATH, ALL_FIXES)
    assert outcome.error is None, outcome.error
    fixed = outcome.fixed.decode()
    compile(fixed, PATH, "exec")
    assert fix_bytes(outcome.fixed, PATH, ALL_FIXES).fixed == outcome.fixed, "fixing again changes nothing"
    applied = {d.code for d in outcome.applied}
    assert bool(applied) == (outcome.fixed != source), "the text changes exactly when a fix is applied"
    original = script.text.splitlines()
    missing = missing_kept_line(original, fixed.splitlines(), script.changeable(applied))
    assert missing is None, f"the {sorted(applied)} fixes changed line {missing + 1}: {original[missing]!r}"
    recheck = check_source(fixed, PATH).diagnostics
    assert not applied & {d.code for d in recheck}, f"{sorted(applied)} applied, still reported: {recheck}"
    assert [diagnostic_key(d) for d in recheck] == [diagnostic_key(d) for d in outcome.remaining]
    # Every fixable finding was fixed, or refused by the fixer's own run check with the reason
    # (a warmup of 500 steps in a 40-step run would never decay).
    assert not any(d.fixable for d in outcome.remaining), "every fixable finding was fixed or refused"
    assert all(d.no_fix_reason for d, r in zip(outcome.remaining, recheck) if r.fixable), "a refusal says why"
    if applied:
        assert_keeps_the_run(script.text, fixed)
    return outcome


def run_properties(script: Script) -> tuple[Counter, Counter]:
    """Every property on one script; the findings and the applied fixes, per code."""
    findings = Counter(d.code for d in assert_check_properties(script))
    if script.has_suppressions:
        assert_suppressions_apply(script)
    outcome = assert_fix_properties(script)
    return findings, Counter(d.code for d in outcome.applied)
