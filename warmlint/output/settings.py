"""`warmlint check --show-settings`: one file's resolved settings, each with where it came from."""

from __future__ import annotations

import json

from warmlint.files.settings import Resolved, display


def _toml(value: object) -> str:
    """A value as it would be written in a config file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none (read from the script)"
    if isinstance(value, tuple) and value and all(isinstance(item, tuple) for item in value):  # per-file-ignores
        return "{ " + ", ".join(f"{json.dumps(pattern)} = {_toml(codes)}" for pattern, codes in value) + " }"
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def render_settings(path: str, resolved: Resolved) -> list[str]:
    source = display(resolved.source) if resolved.source else "none (defaults and flags only)"
    lines = [f"Settings for {path}", f"config file: {source}"]
    assignments = [
        (f"{key} = {'{}' if key == 'per-file-ignores' and not s.value else _toml(s.value)}", s.origin)
        for key, s in resolved.settings.items()
    ]
    width = max(len(text) for text, _ in assignments)
    lines += [f"{text:<{width}}  # {origin}" for text, origin in assignments]
    return lines
