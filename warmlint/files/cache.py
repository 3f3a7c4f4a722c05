"""Results cache: an unchanged file under an unchanged config is not checked again.

Entries are keyed by the file's path and a hash of its bytes, inside a cache
file named after warmlint's version and a hash of the config, so a stale entry
can never change a result: it simply does not match. Each entry also carries a
seal, a hash over its path, content hash and findings (and warmlint's code), so
an entry edited or planted by hand, or cut short, is not believed: the file is
checked again. (The seal is no secret: whoever can write the cache can also edit
the code it caches results for.) The cache file is written atomically
(temporary file, then os.replace); two runs at once each write a complete file,
and the last one wins. A cache folder that is a file, cannot be written, or
holds a cache file too big to be one is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from warmlint import __version__
from warmlint.config import Config
from warmlint.diagnostics import Diagnostic

CACHE_DIR = ".warmlint_cache"
# Bigger cache files are not read (thousands of files' findings take a few MB).
MAX_CACHE_BYTES = 64 * 1024 * 1024
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file marks a cache directory (warmlint).\n"


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@functools.cache
def _tool_fingerprint() -> bytes:
    """warmlint's own code: a changed rule (even at the same version) must not reuse old results."""
    digest = hashlib.blake2b(digest_size=8)
    package = Path(__file__).resolve().parent.parent  # all of warmlint/, not only this folder
    for source in sorted(package.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


def _seal(path: str, digest: str, items: list) -> str:
    """Ties an entry's findings to its file and content (and to this warmlint's code)."""
    try:
        findings = json.dumps(items, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        return ""
    material = "\0".join((path, digest, findings)).encode("utf-8", "surrogatepass") + _tool_fingerprint()
    return hashlib.blake2b(material, digest_size=16).hexdigest()


def _config_key(config: Config) -> str:
    """Every resolved setting, its root included (per-file-ignores match relative to it)."""
    return hashlib.blake2b(repr(config).encode() + _tool_fingerprint(), digest_size=8).hexdigest()


def cache_folder(config: Config, chosen: Path | None) -> Path:
    """`--cache-dir` or WARMLINT_CACHE_DIR when given, else the project root (the folder of the
    config file the file uses), else the current folder."""
    if chosen is not None:
        return chosen
    return (config.root or Path.cwd()) / CACHE_DIR


class ResultCaches:
    """One cache file per project root and resolved config, opened when first needed."""

    def __init__(self, chosen: Path | None = None) -> None:
        self.chosen = chosen
        self._open: dict[tuple[Path, Config], ResultCache] = {}

    def for_config(self, config: Config) -> ResultCache:
        key = (cache_folder(config, self.chosen), config)
        if key not in self._open:
            self._open[key] = ResultCache(*key)
        return self._open[key]

    def save(self) -> None:
        for cache in self._open.values():
            cache.save()


class ResultCache:
    def __init__(self, folder: Path, config: Config) -> None:
        self.folder = folder
        self.path = folder / f"v{__version__}-{_config_key(config)}.json"
        self._entries: dict[str, dict] = {}
        self._dirty = False
        try:
            if self.path.stat().st_size <= MAX_CACHE_BYTES:
                self._entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            self._entries = {}
        if not isinstance(self._entries, dict):
            self._entries = {}

    def get(self, path: str, digest: str) -> list[Diagnostic] | None:
        entry = self._entries.get(path)
        if not isinstance(entry, dict) or entry.get("hash") != digest:
            return None
        items = entry.get("diagnostics")
        if not isinstance(items, list) or entry.get("seal") != _seal(path, digest, items):
            return None
        try:
            diagnostics = [Diagnostic.from_dict(item) for item in items]
        except (KeyError, TypeError, ValueError):
            return None
        return diagnostics if all(d.path == path for d in diagnostics) else None

    def put(self, path: str, digest: str, diagnostics: list[Diagnostic]) -> None:
        items = [d.to_dict() for d in diagnostics]
        self._entries[path] = {"hash": digest, "diagnostics": items, "seal": _seal(path, digest, items)}
        self._dirty = True

    def save(self) -> None:
        """Write the cache; a cache that cannot be written is silently skipped (it is only a cache)."""
        if not self._dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "*\n")):
                marker = self.folder / name
                if not marker.exists():
                    marker.write_text(text, encoding="utf-8")
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".cache-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(self._entries, stream)
                os.replace(temporary, self.path)
            except BaseException:
                if os.path.exists(temporary):
                    os.unlink(temporary)
                raise
        except OSError:
            pass
