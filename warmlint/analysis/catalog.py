"""What warmlint knows about optimizers, schedulers and models, kept as data."""

from __future__ import annotations

import re

SGD, RMSPROP, ADAM, NEVER = "sgd", "rmsprop", "adam", "never"

_TORCH_OPTIMIZER_FAMILY = {
    "SGD": SGD,
    "ASGD": SGD,
    "RMSprop": RMSPROP,
    "Adam": ADAM,
    "AdamW": ADAM,
    "NAdam": ADAM,
    "Adamax": ADAM,
    "RAdam": NEVER,
    "Adadelta": NEVER,
    "Adagrad": NEVER,
    "LBFGS": NEVER,
    "Rprop": NEVER,
    "SparseAdam": NEVER,
}

_OTHER_OPTIMIZER_FAMILY = {
    "apex.optimizers.FusedAdam": ADAM,
    "bitsandbytes.optim.Adam8bit": ADAM,
    "bitsandbytes.optim.AdamW8bit": ADAM,
    "bitsandbytes.optim.PagedAdamW8bit": ADAM,
    "bnb.optim.Adam8bit": ADAM,
    "bnb.optim.AdamW8bit": ADAM,
    "transformers.AdamW": ADAM,
    "transformers.optimization.AdamW": ADAM,
}

# Last name segments of third-party optimizers; recognised so that they are known
# optimizers (their LR flows are tracked) but never judged by the LR thresholds.
_THIRD_PARTY_OPTIMIZER_NAMES = {
    "Lamb",
    "LAMB",
    "Lars",
    "LARS",
    "Lion",
    "Prodigy",
    "Adafactor",
    "SGDScheduleFree",
    "AdamWScheduleFree",
    "Sophia",
    "Shampoo",
}


def optimizer_family(qualified: str) -> str | None:
    """The threshold family of an optimizer class, or None if it is not an optimizer."""
    for prefix in ("torch.optim.", "torch.optim.sgd.", "torch.optim.adam.", "torch.optim.adamw."):
        if qualified.startswith(prefix):
            return _TORCH_OPTIMIZER_FAMILY.get(qualified.rsplit(".", 1)[1])
    if qualified in _OTHER_OPTIMIZER_FAMILY:
        return _OTHER_OPTIMIZER_FAMILY[qualified]
    if qualified.rsplit(".", 1)[-1] in _THIRD_PARTY_OPTIMIZER_NAMES:
        return NEVER
    return None


LR_SCHEDULER_MODULE = "torch.optim.lr_scheduler."

# Schedulers (by last name) whose shape only decays from the optimizer's LR.
DECAY_ONLY_SCHEDULERS = {"StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "PolynomialLR"}
# Schedulers that combine others.
COMPOSITE_SCHEDULERS = {"SequentialLR", "ChainedScheduler"}

# The base classes of torch's schedulers: a class defined on top of one is a scheduler too.
SCHEDULER_BASES = {"torch.optim.lr_scheduler._LRScheduler", "torch.optim.lr_scheduler.LRScheduler"}

_SCHEDULE_FACTORIES = re.compile(
    r"^(transformers(\.optimization)?\.(get_scheduler|get_\w+_schedule(_with_warmup)?)"
    r"|timm\.scheduler\.\w+"
    r"|pytorch_warmup\.\w+)$"
)

# Helpers whose name says they change the LR, when they receive the optimizer.
SCHEDULE_LIKE_CALLEE = re.compile(r"sched|warmup|adjust_learning_rate|adjust_lr|set_lr|lr_sched", re.I)
# Of those, the helpers that write an LR into the optimizer (rather than build a schedule object).
LR_SETTER_CALLEE = re.compile(r"adjust_learning_rate|adjust_lr|set_lr|set_learning_rate|update_lr", re.I)

# HF factories that warm up and then hold the LR constant forever.
CONSTANT_AFTER_WARMUP_FACTORIES = {"get_constant_schedule_with_warmup"}


def is_scheduler(qualified: str) -> bool:
    """A class or factory that builds an LR schedule for an optimizer."""
    return qualified.startswith(LR_SCHEDULER_MODULE) or bool(_SCHEDULE_FACTORIES.match(qualified))


TRANSFORMER_MARKERS = (
    "torch.nn.Transformer",
    "torch.nn.TransformerEncoder",
    "torch.nn.TransformerDecoder",
    "torch.nn.TransformerEncoderLayer",
    "torch.nn.TransformerDecoderLayer",
    "torch.nn.MultiheadAttention",
    "torch.nn.functional.scaled_dot_product_attention",
    "torch.nn.modules.transformer.",
)
_TRANSFORMERS_MODEL = re.compile(
    r"^transformers\.(\w+\.)*(AutoModel\w*|PreTrainedModel|\w+For\w+|\w+Model)"
    r"(\.from_pretrained)?$"
)


def builds_transformer(qualified: str) -> bool:
    return qualified.startswith(TRANSFORMER_MARKERS) or bool(_TRANSFORMERS_MODEL.match(qualified))


# Model classes named like a transformer (a local `class GPT(nn.Module)`, `LlamaForCausalLM(...)`).
_TRANSFORMER_CLASS_NAME = re.compile(
    r"GPT|Gpt|Llama|LLaMA|Bert|BERT|Transformer|ViT|Vit[A-Z]|T5|Mistral|Qwen"
    r"|Gemma|Bloom|Falcon|Mixtral|Whisper"
)


# Graph and point-cloud layers named after attention (`TransformerConv`, `GraphMultisetTransformer`,
# `PointTransformerConv`) build small message-passing networks, not transformers at scale.
_GRAPH_LAYER_NAME = re.compile(r"Conv(?![a-z])|Graph|Point|GNN|Gnn|GCN|Gcn|Hetero|Edge|Node")


def is_transformer_class_name(name: str) -> bool:
    return name[:1].isupper() and bool(_TRANSFORMER_CLASS_NAME.search(name)) and not _GRAPH_LAYER_NAME.search(name)


# Model classes named like a small network (`MLP(dim)` from a test helper module).
_SMALL_CLASS_NAME = re.compile(r"^(MLP|LeNet\d*|Toy\w*|Tiny\w*|Simple\w*|Dummy\w*|Small\w*)$")


def is_small_class_name(name: str) -> bool:
    return bool(_SMALL_CLASS_NAME.match(name))


# Calls that build a large or pretrained backbone: scale evidence for the Adam thresholds.
_LARGE_BACKBONE = re.compile(
    r"^(timm\.create_model|timm\.models\.\w+"
    r"|torchvision\.models\.(resnet(50|101|152)|wide_resnet\w*|resnext\w*|vit_\w+|swin_\w+|convnext_\w+"
    r"|efficientnet_v2\w*|regnet_y_(8|16|32|128)gf|maxvit\w*)"
    r"|open_clip\.create_model\w*|\w+(\.\w+)*\.from_pretrained)$"
)
# `from_pretrained` of what is not a model.
_NOT_A_MODEL = re.compile(r"Tokenizer|Processor|Config|FeatureExtractor|Scheduler|Pipeline")


def builds_large_backbone(qualified: str) -> bool:
    return bool(_LARGE_BACKBONE.match(qualified)) and not _NOT_A_MODEL.search(qualified)


# A batch size from which adaptive optimizers need a warmup whatever the model (large-batch training).
LARGE_BATCH = 1024


# Calls that receive an optimizer without changing its LR over time.
OPTIMIZER_SAFE_CALLEES = {"print", "len", "isinstance", "type", "id", "repr", "str", "hasattr", "getattr"}

# Method names that step, unscale or inspect an optimizer passed as an argument (AMP's GradScaler).
OPTIMIZER_STEPPING_METHODS = {"step", "unscale_", "update"}

# Trainers built from an optimizer that step it every iteration and never touch its LR: what sets
# the LR is what the file attaches to their events.
STEPPING_TRAINERS = {
    "ignite.engine.create_supervised_trainer",
    "ignite.engine.supervised_training_step",
    "ignite.engine.supervised_training_step_amp",
}

# Factories that return (scheduler, something): the scheduler is the first element.
TUPLE_RETURNING_FACTORIES = {"timm.scheduler.create_scheduler", "timm.scheduler.create_scheduler_v2"}
# Warmup wrappers that are applied through a context manager instead of step().
DAMPENING_WARMUPS_PREFIX = "pytorch_warmup."


# Hugging Face Trainer configs (and TRL's, which subclass TrainingArguments): the Trainer builds
# AdamW and the schedule from them.
_TRAINER_CONFIG = re.compile(
    r"^(transformers(\.training_args(_seq2seq)?)?\.(Seq2Seq)?TrainingArguments"
    r"|trl(\.trainer)?(\.\w+)*\.\w+Config)$"
)


def is_trainer_config(qualified: str) -> bool:
    return bool(_TRAINER_CONFIG.match(qualified))


# `warmlint` (a suppression comment) is not a warm-up.
WARM_WORD = re.compile(r"warm[\s_-]?up|warming|\bwarm(?!lint)", re.I)
# A suppression in a comment (`warmlint: ignore[constant-warmup]`, a noqa list): rule names
# in it say nothing about the code, so it is left out before a comment is read as a warm-up.
SUPPRESSION_TEXT = re.compile(r"#\s*(?:warmlint\s*:|noqa(?![\w-]))[^#]*", re.I)
# A comment that mentions warm-up to say it is over or absent (`# no warmup needed`, `# after warmup`).
NOT_WARMUP = re.compile(
    r"\b(no|not|without|skip|after|over|done|finished|ends?|ended|past|post)\b"
    r"[\w\s-]{0,12}warm|warm[\w\s-]{0,12}\b(is over|over|done|finished|ended|complete)",
    re.I,
)
