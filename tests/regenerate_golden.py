"""Rewrite every `fixtures/<case>/train.fixed.py` from the current fixer (run by hand after a
deliberate change, then review the diff): one per pitfall fixture that a fix applies to, and none
left where no fix applies any more."""

from fixture_pairs import FIXED_NAME, fixed_pair, pitfall_scripts

if __name__ == "__main__":
    for script in pitfall_scripts():
        pair = fixed_pair(script)
        if pair is not None:
            pair.fixed_path.write_bytes(pair.fixed)
        else:
            script.with_name(FIXED_NAME).unlink(missing_ok=True)
