"""Plain data that flows out of the engine: diagnostics and the fixes attached to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: a cached run never imports the parser
    import libcst as cst

    from warmlint.analysis.model import Model


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FixSafety(str, Enum):
    """ruff's model. A safe fix changes only the LR schedule it exists to change (it inserts a
    scheduler, a missing `scheduler.step()`, a checkpoint entry); an unsafe one deletes or moves
    the user's own code, so `fix --apply` makes it only with `--unsafe-fixes`."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Span:
    """A 1-based line, 1-based column range, as editors and GitHub count them."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Diagnostic:
    path: str
    span: Span
    code: str
    name: str
    message: str
    hint: str = ""
    severity: Severity = Severity.WARNING
    fixable: bool = False
    no_fix_reason: str = ""
    cell: int | None = None  # in a notebook: the cell (1-based over all cells); `span` is then in that cell
    fix_safety: FixSafety | None = None  # set when `fixable`
    # Facts the fixer needs to build this diagnostic's fix (e.g. which optimizer).
    # Kept opaque here so the report layer never depends on analysis types.
    fix_data: object = field(default=None, compare=False, repr=False)

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    @property
    def location(self) -> str:
        """`path:line:column`, or `path:cell N:line:column` in a notebook."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.path}:{cell}{self.span.line}:{self.span.column}"

    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.span.line, self.span.column, self.code)

    def to_dict(self) -> dict:
        """Every field but the fix itself (for the cache)."""
        return {**self.to_json(), "hint": self.hint, "no_fix_reason": self.no_fix_reason}

    @classmethod
    def from_dict(cls, data: dict) -> Diagnostic:
        span = Span(data["line"], data["column"], data["end_line"], data["end_column"])
        return cls(
            path=data["path"],
            span=span,
            code=data["code"],
            name=data["name"],
            message=data["message"],
            hint=data["hint"],
            severity=Severity(data["severity"]),
            fixable=data["fixable"],
            no_fix_reason=data["no_fix_reason"],
            cell=data.get("cell"),
            fix_safety=FixSafety(data["fix_safety"]) if data.get("fix_safety") else None,
        )

    def to_json(self) -> dict:
        """The stable machine-readable form (documented in README.md); `cell` only in a notebook."""
        cell = {"cell": self.cell} if self.cell is not None else {}
        return {
            "path": self.path,
            **cell,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "severity": self.severity.value,
            "fixable": self.fixable,
            "fix_safety": self.fix_safety.value if self.fix_safety else None,
        }


@dataclass(frozen=True)
class Unchecked:
    """A path that could not be checked (unreadable, gone, an internal error), and why, in one line."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class FileFix:
    """What `warmlint fix --apply` writes to a file, as one replacement: the lines from the first
    to the last that change (`deleted`; its end is the start of the first line kept) give way to
    `inserted`. One diagnostic's edit alone is not what is written, since each fix is applied to
    the re-checked result of the one before, so reports carry the whole file's change."""

    deleted: Span
    inserted: str
    count: int  # how many fixes it applies


@dataclass
class FileResult:
    """One file's outcome; `model` and `module` are kept only for callers in the same process."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None  # a problem with the file itself (unreadable...), one line
    fix: FileFix | None = None  # asked for by reports that carry fixes (SARIF)
    # The text of each line a diagnostic starts on, by (cell, line): for reports that fingerprint
    # results by their line's text (SARIF); filled only when asked for.
    flagged: dict[tuple[int | None, int], str] = field(default_factory=dict)
    model: Model | None = field(default=None, repr=False)
    module: cst.Module | None = field(default=None, repr=False)
