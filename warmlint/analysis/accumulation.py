"""Gradient accumulation: an `optimizer.step()` under `if (i + 1) % A == 0` updates once per A micro-batches.

A per-step schedule then has to be stepped under the same guard, or it runs A times too fast;
the run length `T` divides by A.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from warmlint.analysis.facts import CallSite


@dataclass(frozen=True)
class AccumulationGuard:
    test: cst.BaseExpression  # the whole test, `(i + 1) % accum == 0`
    factor: cst.BaseExpression  # `accum`

    @property
    def counter(self) -> tuple[str, bool] | None:
        """(`i`, whether it is written `i + 1`) for `(i + 1) % A == 0` or `i % A == 0`."""
        assert isinstance(self.test, cst.Comparison)
        left = self.test.left
        assert isinstance(left, cst.BinaryOperation)
        counted = left.left
        if isinstance(counted, cst.Name):
            return counted.value, False
        if (
            isinstance(counted, cst.BinaryOperation)
            and isinstance(counted.operator, cst.Add)
            and isinstance(counted.left, cst.Name)
            and isinstance(counted.right, cst.Integer)
            and counted.right.value == "1"
        ):
            return counted.left.value, True
        return None

    def encloses(self, site: CallSite) -> bool:
        """Whether `site` runs only when the guard lets the optimizer step."""
        return any(branch.in_body and branch.test is self.test for branch in site.branches)


def accumulation_guard(site: CallSite) -> AccumulationGuard | None:
    """The innermost `if ... % A == 0` whose body holds the call, if any."""
    for branch in reversed(site.branches):
        test = branch.test
        if (
            branch.in_body
            and isinstance(test, cst.Comparison)
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)
        ):
            left = test.left
            if isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.Modulo):
                return AccumulationGuard(test, left.right)
    return None
