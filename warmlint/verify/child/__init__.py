"""Everything that runs inside the user's training process, with torch imported: the entry
point (`shim`), one run under the recorder (`session`), the hooks on optimizers and schedulers
(`recorder`), the run-length hints read from the script (`hints`, `horizon`, `pace`), the
projection of the LR over the whole run (`projection`, `evaluators`) and the report written back
(`child_report`). Nothing outside this package imports torch (tests/test_layout.py checks it).

What one rank of a ``--nproc-per-node`` run does besides is in `ranks`.
"""
