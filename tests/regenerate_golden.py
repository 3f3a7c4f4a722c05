"""Rewrite tests/golden/ from the current fixer (run by hand after a deliberate change, then review the diff)."""

from pathlib import Path

from warmlint.config import DEFAULT_FIX, Config
from warmlint.engine.fixer import fix_bytes

ROOT = Path(__file__).resolve().parent.parent
# The golden files show every fix, the unsafe ones included.
ALL_FIXES = Config(fix=tuple({**DEFAULT_FIX, "unsafe-fixes": True}.items()))

if __name__ == "__main__":
    for script in sorted((ROOT / "fixtures").glob("wl[0-9][0-9][0-9]_*/train.py")):
        outcome = fix_bytes(script.read_bytes(), str(script), ALL_FIXES)
        if outcome.applied:
            (ROOT / "tests" / "golden" / f"{script.parent.name}.py").write_bytes(outcome.fixed)
