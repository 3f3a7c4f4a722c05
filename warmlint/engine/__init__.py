"""Lint and fix one file's contents: parse it (a failure is WL000), run the enabled rules
(`selection`) over the analysis model, drop suppressed findings (`suppressions`), all on a deep
stack (`deepstack`); `fixer` applies fixes to a fixed point and `schedule` is the reference
warmup-then-decay schedule the fixes insert.
"""
