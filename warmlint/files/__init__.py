"""Files on disk: find them (`discover`), skip those that cannot matter (`prefilter`), reuse
unchanged results (`cache`), lint many in a worker pool (`runner`) and write fixes without
ever losing a byte (`safe_write`).
"""
