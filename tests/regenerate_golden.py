"""Rewrite every `fixtures/<case>/train.fixed.py` and `<config>.fixed.yaml|json` from the current
fixer (run by hand after a deliberate change, then review the diff): one per pitfall fixture that a
fix applies to, and none left where no fix applies any more; and the `warmlint explain` snapshots in
tests/explain_golden/."""

from config_pairs import config_fixture_files, fixed_config, fixed_path
from explain_cases import CASES, GOLDEN, explain_text, golden_path
from fixture_pairs import FIXED_NAME, fixed_pair, pitfall_scripts

if __name__ == "__main__":
    for script in pitfall_scripts():
        pair = fixed_pair(script)
        if pair is not None:
            pair.fixed_path.write_bytes(pair.fixed)
        else:
            script.with_name(FIXED_NAME).unlink(missing_ok=True)
    for config in config_fixture_files():
        fixed = fixed_config(config)
        if fixed is not None:
            fixed_path(config).write_bytes(fixed)
        else:
            fixed_path(config).unlink(missing_ok=True)
    GOLDEN.mkdir(exist_ok=True)
    for stale in GOLDEN.glob("*.txt"):
        if stale.stem not in CASES:
            stale.unlink()
    for case in CASES:
        golden_path(case).write_text(explain_text(case), encoding="utf-8")
