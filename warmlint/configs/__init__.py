"""Training configs in YAML and JSON files: read them, find the schedules they set up, judge and fix them.

reading (`yaml_reader`, `json_reader` -> `tree`) -> facts (`facts.ConfigSchedule`) -> rules
(`rules`) -> diagnostics (`check`) and fixes (`fix`). A file is a config by its content: the
byte prefilter (`may_be_config`) lets through only files that can hold a schedule, and the facts
layer recognises the forms it knows; any other YAML or JSON file gives nothing.
"""

from __future__ import annotations

SUFFIXES = (".yaml", ".yml", ".json")
# A training config is a few kilobytes; a YAML or JSON file above this is data, and is skipped.
MAX_CONFIG_BYTES = 1024 * 1024
# Every rule on configs starts from a scheduler key or a warmup setting (`lr_scheduler_type`,
# axolotl's and torchtune's `lr_scheduler`, `warmup_ratio`, DeepSpeed's `WarmupLR`): a file
# holding none of these bytes cannot give a finding and is not parsed.
_WORDS = (b"lr_scheduler", b"armup")


def is_config_path(path: str) -> bool:
    return path.lower().endswith(SUFFIXES)


def is_json_path(path: str) -> bool:
    return path.lower().endswith(".json")


def may_be_config(data: bytes) -> bool:
    return len(data) <= MAX_CONFIG_BYTES and any(word in data for word in _WORDS)


def read_limit_reason(size: int) -> str:
    """Why a file of `size` bytes is not read as a config ("" when it is read)."""
    if size > MAX_CONFIG_BYTES:
        return f"skipped: larger than {MAX_CONFIG_BYTES // 1024} kB, too large for a training config"
    return ""
