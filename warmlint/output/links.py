"""Where the project lives on the web: its repository, and each rule's page there.

Read from the installed package's `[project.urls]` (pyproject.toml), so the editor's rule links,
the SARIF log's `informationUri` and the README name one home; the constant is the same URL for a
source checkout that was never installed.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from warmlint import __version__
from warmlint.output.rule_docs import rule_doc_path

REPOSITORY = "https://github.com/warmlint/warmlint"


@cache
def repository() -> str:
    """`Repository` of the package's Project-URLs, else the known home."""
    try:
        urls = metadata.metadata("warmlint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository" and url.strip():
            return url.strip().rstrip("/")
    return REPOSITORY


def rule_page_url(code: str) -> str | None:
    """The rule's page at this release's tag (`<repository>/blob/v0.1.0/rules/WL001-<name>.md`);
    None for a rule without a page (a plugin's)."""
    page = rule_doc_path(code)
    if page is None:
        return None
    return f"{repository()}/blob/v{__version__}/rules/{page.name}"
