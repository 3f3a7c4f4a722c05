"""Apply fixes to a fixed point, as ruff's fix loop does (warmlint.files.safe_write writes the result).

Each round applies every fix of the current findings that does not overlap another one (the
nodes it edits, the names it binds), then the file is re-parsed and re-checked; the loop ends
when no fix is left. A round's result is kept only if it parses, each fixed finding is gone,
no finding of a rule declared `never_added_by_fixes` appeared (WL003: a warmup without decay),
and the schedules it wrote train well over the run (`warmlint.fixes.run_check`). Otherwise the
round is retried with its first fix alone, and a fix that fails alone is refused with the reason,
so one bad fix never blocks the others.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import libcst as cst

from warmlint.config import Config
from warmlint.configs import is_config_path
from warmlint.diagnostics import Diagnostic, FileFix, FileResult, FixSafety
from warmlint.engine.changed_lines import changed_lines
from warmlint.engine.deepstack import on_deep_stack
from warmlint.engine.fix_outcome import MAX_ROUNDS, FixOutcome
from warmlint.engine.lint import check_code, lint_module, notebook_error, parse
from warmlint.fixes import FixOptions
from warmlint.fixes.edits import Edits, apply
from warmlint.fixes.imports import add_imports
from warmlint.fixes.layout import restyle
from warmlint.fixes.run_check import schedule_problem
from warmlint.notebook import NotebookError, is_notebook, read_notebook
from warmlint.rules.base import refused_for_added

NOT_PARSING = "internal error: a fix produced code that does not parse; file left unchanged"


def _with_imports(module: cst.Module, edits: Edits) -> cst.Module:
    """Add the imports the fix needs, and drop those (from `edits.maybe_unused`) it left unused."""
    module = add_imports(module, edits.imports)
    if not edits.maybe_unused:
        return module
    # Imported here: libcst.codemod pulls in libcst.matchers, half a second that `check` never needs.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import RemoveImportsVisitor

    context = CodemodContext()
    for module_name, obj in edits.maybe_unused:
        RemoveImportsVisitor.remove_unused_import(context, module_name, obj)
    return RemoveImportsVisitor(context).transform_module(module)


def _fix_notebook(source: bytes, path: str, config: Config) -> FixOutcome:
    """Fix the notebook's joined code cells, then write the result back into the cells it came from."""
    try:
        notebook = read_notebook(source)
    except NotebookError as error:
        return FixOutcome(path, source, source, remaining=[notebook_error(path, error)])
    code = _fix_bytes(notebook.code.encode("utf-8"), path, config, None)
    outcome = FixOutcome(path, source, source, code.applied, error=code.error)
    if code.error or not code.changed:
        outcome.remaining = [notebook.locate(d) for d in code.remaining]
        return outcome
    try:
        fixed = notebook.with_code(code.fixed.decode("utf-8"))
        fixed_notebook = read_notebook(fixed)
        remaining = check_code(fixed_notebook.code, path, config).diagnostics
        if any(d.code == "WL000" for d in remaining):
            raise NotebookError("internal error: the fixed cells do not parse")
    except NotebookError as error:
        outcome.applied = []
        outcome.remaining = [notebook.locate(d) for d in check_code(notebook.code, path, config).diagnostics]
        outcome.error = f"cannot fix: {error.reason}; the notebook is left unchanged"
        return outcome
    outcome.fixed = fixed
    outcome.remaining = [fixed_notebook.locate(d) for d in remaining]
    return outcome


def _identity(diagnostic: Diagnostic, module: cst.Module) -> tuple[str, str, str]:
    """A finding across rounds: positions move as fixes insert lines, its line's text does not."""
    lines = module.code.splitlines()
    line = lines[diagnostic.line - 1].strip() if diagnostic.line <= len(lines) else ""
    return diagnostic.code, diagnostic.message, line


def fix_bytes(source: bytes, path: str, config: Config, checked: FileResult | None = None) -> FixOutcome:
    """Fix one file's contents; returns the original bytes unchanged when nothing can be fixed.

    `checked`: the check of these same bytes with this config (its module and model), so a
    caller that has just checked the file does not parse and analyse it again."""
    if is_notebook(path):  # the notebook's own check is of its cells, not of these bytes
        return on_deep_stack(_fix_notebook, source, path, config)
    if is_config_path(path):
        from warmlint.configs.fix import fix_config  # text edits of a YAML or JSON config

        return fix_config(source, path, config)
    return on_deep_stack(_fix_bytes, source, path, config, checked)


def _fix_bytes(source: bytes, path: str, config: Config, checked: FileResult | None) -> FixOutcome:
    outcome = FixOutcome(path, source, source)
    if checked is not None and checked.module is not None:
        module, result = checked.module, checked
    else:
        parsed, syntax_error = parse(source, path)
        if parsed is None:
            outcome.remaining = [syntax_error] if syntax_error else []
            return outcome
        module, result = parsed, lint_module(parsed, path, config)
    options = FixOptions.from_config(config)
    allowed = {FixSafety.SAFE, FixSafety.UNSAFE} if config.fix_option("unsafe-fixes") else {FixSafety.SAFE}
    refused: dict[tuple[str, str, str], str] = {}
    for _ in range(MAX_ROUNDS):
        candidates = [
            d
            for d in result.diagnostics
            if d.fixable and d.fix_safety in allowed and _identity(d, module) not in refused
        ]
        if not candidates:
            break
        batch = _non_overlapping(candidates)
        attempt = _try(module, result, batch, path, config, options)
        if isinstance(attempt, str) and len(batch) > 1:
            batch = batch[:1]
            attempt = _try(module, result, batch, path, config, options)
        if attempt == NOT_PARSING:
            outcome.fixed, outcome.applied, outcome.error = source, [], NOT_PARSING
            outcome.remaining = result.diagnostics
            return outcome
        if isinstance(attempt, str):
            refused[_identity(batch[0], module)] = attempt
            continue
        outcome.applied += batch
        module, result = attempt
    else:
        outcome.out_of_rounds = True
    outcome.fixed = module.bytes if outcome.applied else source
    outcome.remaining = [_refused(d, refused.get(_identity(d, module))) for d in result.diagnostics]
    return outcome


def _non_overlapping(candidates: list[Diagnostic]) -> list[Diagnostic]:
    """The findings, in order, whose fixes touch no node or new name an earlier one does."""
    nodes: set[int] = set()
    names: set[str] = set()
    batch = []
    for diagnostic in candidates:
        edits = cast(Edits, diagnostic.fix_data)
        footprint = edits.footprint()
        if footprint & nodes or edits.binds & names:
            continue  # the next round, on the re-checked file
        nodes |= footprint
        names |= edits.binds
        batch.append(diagnostic)
    return batch


def _try(
    module: cst.Module, before: FileResult, batch: list[Diagnostic], path: str, config: Config, options: FixOptions
) -> tuple[cst.Module, FileResult] | str:
    """The batch's fixes applied together and the result re-checked (see the module docstring),
    or why the result is refused."""
    edits = cast(Edits, batch[0].fix_data)
    for diagnostic in batch[1:]:
        edits = edits.merged(cast(Edits, diagnostic.fix_data))
    new_bytes = restyle(_with_imports(apply(module, edits), edits), module, config.line_length).bytes
    if new_bytes == module.bytes:
        return "its fix changes nothing"
    new_module, _ = parse(new_bytes, path)
    if new_module is None:
        return NOT_PARSING
    after = lint_module(new_module, path, config)
    still = {_identity(d, new_module) for d in after.diagnostics}
    for diagnostic in batch:
        if _identity(diagnostic, module) in still:
            return "its fix does not remove the problem"
    added = refused_for_added([d.code for d in before.diagnostics], [d.code for d in after.diagnostics])
    if added:
        return added
    problem = schedule_problem(before.model, after.model, options) if before.model and after.model else None
    return problem or (new_module, after)


def _refused(diagnostic: Diagnostic, reason: str | None) -> Diagnostic:
    if reason is None:
        return diagnostic
    return replace(diagnostic, fixable=False, fix_safety=None, no_fix_reason=reason, fix_data=None)


def file_fix(source: bytes, path: str, config: Config, checked: FileResult | None = None) -> FileFix | None:
    """What `fix --apply` would write to this file, as one line-range replacement (None: no change,
    or text that is not UTF-8); `checked` as for `fix_bytes`. A notebook gets none: its regions are
    cell lines, not lines of the file."""
    if is_notebook(path):
        return None
    outcome = fix_bytes(source, path, config, checked)
    if outcome.error or not outcome.changed:
        return None
    try:
        before, after = source.decode("utf-8-sig"), outcome.fixed.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    deleted, inserted = changed_lines(before, after)
    return FileFix(deleted, inserted, len(outcome.applied))


def fix_source(source: str, path: str = "<stdin>", config: Config | None = None) -> str:
    """Fixed text of a file (the embedding API): same text when there is nothing to fix."""
    try:
        data = source.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not valid text, so it cannot parse either
        return source
    return fix_bytes(data, path, config or Config()).fixed.decode("utf-8")
