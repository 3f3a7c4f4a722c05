"""Parent side: the run length `T` the script's own loops give, read statically before it runs.

`verify` watches a few steps and projects the rest; how long "the rest" is comes first from the
training-run model (warmlint.analysis.run_length), the same `T` that `fix` writes. It is used
only when it is a number and when none of the flags it was read from (`--max-steps default`)
is on the command line of this run, which would make the default the wrong number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_FLAG = re.compile(r"(--?[\w-]+) default")


@dataclass(frozen=True)
class ScriptLength:
    steps: int
    source: str  # for the report: "the script's loops: `max_iters` = 5000"


def script_length(path: Path, args: Sequence[str]) -> ScriptLength | None:
    """`T` of the script's training runs when they all agree on one number, else None."""
    import libcst as cst

    from warmlint.analysis.collect import collect
    from warmlint.analysis.model import Model
    from warmlint.analysis.run_length import Unresolved, run_length

    try:
        module = cst.parse_module(path.read_bytes())
        raw, imports = collect(module)
        model = Model(raw, imports)
    except (OSError, cst.ParserSyntaxError, RecursionError, UnicodeDecodeError):
        return None
    lengths = []
    for optimizer in model.optimizers:
        if not optimizer.lifetime.is_training_run or not optimizer.steps:
            continue
        try:
            lengths.append(run_length(model, optimizer))
        except Unresolved:
            continue
    values = {length.value for length in lengths}
    if len(values) != 1:
        return None
    length = lengths[0]
    if length.value is None:
        return None
    passed = {arg.split("=", 1)[0] for arg in args if arg.startswith("-")}
    if any(match.group(1) in passed for source in length.sources if (match := _FLAG.search(source))):
        return None
    value = int(length.value)
    shown = f"`{length.text}`" if length.text == f"{value}" else f"`{length.text}` = {value}"
    return ScriptLength(value, f"the script's loops: {shown}") if value >= 1 else None
