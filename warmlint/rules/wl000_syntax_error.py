"""WL000: the file cannot be parsed. Emitted by the engine, registered here for docs and selection."""

from warmlint.rules.base import Rule, register

SYNTAX_ERROR = register(Rule(
    code="WL000",
    name="syntax-error",
    summary="The file cannot be parsed as Python, so nothing else in it was checked.",
    check=None,
))
