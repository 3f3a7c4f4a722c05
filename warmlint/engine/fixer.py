"""Apply fixes to a fixed point (warmlint.files.safe_write writes the result).

One fix is applied per round, then the file is re-parsed and re-checked, so
every fix sees a consistent tree and a fix that does not remove its own
diagnostic cannot loop. Nothing is written unless the final result parses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from warmlint.config import Config
from warmlint.diagnostics import Diagnostic, FileFix
from warmlint.engine.changed_lines import changed_lines
from warmlint.engine.deepstack import on_deep_stack
from warmlint.engine.lint import check_code, lint_module, notebook_error, parse
from warmlint.engine.notebook import NotebookError, is_notebook, read_notebook
from warmlint.fixes.edits import Edits, apply

MAX_ROUNDS = 8


@dataclass
class FixOutcome:
    path: str
    original: bytes
    fixed: bytes
    applied: list[Diagnostic] = field(default_factory=list)  # as each round found them, in its module
    remaining: list[Diagnostic] = field(default_factory=list)  # what is still reported afterwards
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def _with_imports(module: cst.Module, edits: Edits) -> cst.Module:
    """Add the imports the fix needs, and drop those (from `edits.maybe_unused`) it left unused."""
    if not edits.imports and not edits.maybe_unused:
        return module
    # Imported here: libcst.codemod pulls in libcst.matchers, half a second that `check` never needs.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

    context = CodemodContext()
    for module_name, obj in edits.imports:
        AddImportsVisitor.add_needed_import(context, module_name, obj)
    module = AddImportsVisitor(context).transform_module(module)
    if edits.maybe_unused:
        for module_name, obj in edits.maybe_unused:
            RemoveImportsVisitor.remove_unused_import(context, module_name, obj)
        module = RemoveImportsVisitor(context).transform_module(module)
    return module


def fix_bytes(source: bytes, path: str, config: Config) -> FixOutcome:
    """Fix one file's contents; returns the original bytes unchanged when nothing can be fixed."""
    return on_deep_stack(_fix_notebook if is_notebook(path) else _fix_bytes, source, path, config)


def _fix_notebook(source: bytes, path: str, config: Config) -> FixOutcome:
    """Fix the notebook's joined code cells, then write the result back into the cells it came from."""
    try:
        notebook = read_notebook(source)
    except NotebookError as error:
        return FixOutcome(path, source, source, remaining=[notebook_error(path, error)])
    code = _fix_bytes(notebook.code.encode("utf-8"), path, config)
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


def _fix_bytes(source: bytes, path: str, config: Config) -> FixOutcome:
    outcome = FixOutcome(path, source, source)
    current = source
    for _ in range(MAX_ROUNDS):
        module, syntax_error = parse(current, path)
        if module is None:
            outcome.remaining = [syntax_error]
            if current is not source:
                outcome.error = "internal error: a fix produced code that does not parse; file left unchanged"
                outcome.fixed = source
            return outcome
        result = lint_module(module, path, config)
        outcome.remaining = result.diagnostics
        fixable = [d for d in result.diagnostics if d.fixable]
        if not fixable:
            return outcome
        diagnostic = fixable[0]
        new_module = _with_imports(apply(module, diagnostic.fix_data), diagnostic.fix_data)
        new_bytes = new_module.bytes
        if new_bytes == current:
            break
        outcome.applied.append(diagnostic)
        current = new_bytes
        outcome.fixed = current
    # Out of rounds: keep the result only if it parses (checked at the top of the next round).
    module, _ = parse(current, path)
    if module is None:
        outcome.fixed = source
        outcome.error = "internal error: a fix produced code that does not parse; file left unchanged"
    else:
        outcome.remaining = lint_module(module, path, config).diagnostics
    return outcome


def file_fix(source: bytes, path: str, config: Config) -> FileFix | None:
    """What `fix --apply` would write to this file, as one line-range replacement (None: no change,
    or text that is not UTF-8). A notebook gets none: its regions are cell lines, not lines of the file."""
    if is_notebook(path):
        return None
    outcome = fix_bytes(source, path, config)
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
