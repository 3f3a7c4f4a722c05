"""`warmlint explain`: what the schedule model sees in one file, and what every rule made of it.

`build` turns the model (`warmlint.analysis.lr_schedule`) and the lint engine's findings into a
`report.Report`; `text` and `data` render it. It is the static twin of `verify`: the same curve,
the same phase names and the same wording for them.
"""
