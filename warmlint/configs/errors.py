"""Why a config file could not be read, as one line."""


class ConfigReadError(Exception):
    """The file claims to be YAML or JSON but cannot be read as such; the message names the cause."""
