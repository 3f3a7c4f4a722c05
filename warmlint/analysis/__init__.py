"""The one model of the training run, computed once per file and read by rules, fixes and verify.

Never imports or runs the code it reads. `collect` records the raw facts in one pass over the CST
(`facts`); `model` turns them into optimizers and schedulers followed through names, wrappers and
frameworks (`aliases`, `frameworks`), with each optimizer's lifetime and scale (`scale`); `values`
resolves numbers; `run_length` counts T; `stepping` and `accumulation` relate step calls;
`schedules` and `evaluate` give the LR as a function of the step; `warmup_length`,
`schedule_length`, `checkpoints` and `trainer_configs` are the remaining facts; `catalog` holds
the names and words they share.
"""
