"""Notebooks open in an editor (LSP 3.17 notebook sync): the cells checked together, as `check`
checks the `.ipynb`, and each finding published on the cell it is in.

The editor holds each cell as a text document of its own; the server writes them back into one
notebook (code cells as code, the rest as markdown), checks it with the engine's notebook support,
and hands each cell the findings whose `cell` is its number, at the cell's own lines.
"""

from __future__ import annotations

import json
from dataclasses import replace

from lsprotocol import types
from pygls.workspace import Workspace

from warmlint.lsp.linting import Linted

NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithNotebook(notebook="*", cells=[types.NotebookCellLanguage(language="python")])
    ]
)


def cell_uris(notebook: types.NotebookDocument) -> list[str]:
    return [cell.document for cell in notebook.cells]


def notebook_text(workspace: Workspace, notebook: types.NotebookDocument) -> str:
    """The open cells as an nbformat 4 notebook, in their order."""
    cells = []
    for cell in notebook.cells:
        document = workspace.get_text_document(cell.document)
        code = cell.kind == types.NotebookCellKind.Code and document.language_id in (None, "python")
        entry: dict = {"cell_type": "code" if code else "markdown", "metadata": {}, "source": document.source}
        if code:
            entry |= {"outputs": [], "execution_count": None}
        cells.append(entry)
    data = {"cells": cells, "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(data)


def per_cell(workspace: Workspace, notebook: types.NotebookDocument, linted: Linted) -> dict[str, Linted]:
    """Each cell's findings (cells are numbered from 1 over all cells, as the engine numbers them)."""
    found = {}
    for number, uri in enumerate(cell_uris(notebook), start=1):
        source = workspace.get_text_document(uri).source
        mine = [replace(d, fixable=False, fix_data=None) for d in linted.diagnostics if d.cell == number]
        error = linted.config_error if number == 1 else None  # a broken config file: said once, at the top
        found[uri] = Linted(uri, source, linted.path, linted.config, mine, error)
    return found
