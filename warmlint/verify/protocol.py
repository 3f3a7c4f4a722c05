"""What the parent and the child process agree on; importable without torch."""

# Path of the JSON report the child writes.
REPORT_ENV = "WARMLINT_VERIFY_REPORT"
# Folder the parent put on PYTHONPATH so the child can import warmlint; the child takes it off again.
ADDED_PATH_ENV = "WARMLINT_VERIFY_ADDED_PATH"

# Child exit status when it could not start the script (torch missing, no GPU for --device cuda).
SETUP_FAILED = 3
