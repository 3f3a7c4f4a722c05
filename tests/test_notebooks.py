"""Jupyter notebooks: cells joined into one run, IPython lines masked, positions per cell, fixes written back."""

from __future__ import annotations

import difflib
import json

import pytest
from conftest import FIXTURES, write

from warmlint.config import Config
from warmlint.diagnostics import Diagnostic
from warmlint.engine.fixer import fix_bytes
from warmlint.engine.lint import check_source
from warmlint.notebook import NotebookError, read_notebook

PITFALL = FIXTURES / "wl001_notebook_sgd" / "train.ipynb"


def code_cell(source: str, outputs: list | None = None, count: int | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": {},
        "outputs": outputs or [],
        "source": source.splitlines(keepends=True),
    }


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source.splitlines(keepends=True)}


def notebook(*cells: dict, metadata: dict | None = None) -> str:
    """As Jupyter saves it: indent 1, sorted keys, non-ASCII kept, a final newline."""
    data = {"cells": list(cells), "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


IMPORTS = "import torch\nimport torch.nn as nn\n"
OPTIMIZER = (
    "loader = [torch.randn(2, 4)]\nmodel = nn.Linear(4, 1)\n"
    "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nepochs = 3\n"
)
LOOP = "for epoch in range(epochs):\n    for x in loader:\n        loss = model(x).sum()\n        optimizer.step()\n"


def found(text: str) -> set[tuple[int | None, int, str]]:
    return {(d.cell, d.line, d.code) for d in check_source(text.encode(), "train.ipynb").diagnostics}


def test_code_cells_are_one_run_across_markdown_cells():
    text = notebook(code_cell(IMPORTS), code_cell(OPTIMIZER), markdown("## Train"), code_cell(LOOP))
    assert found(text) == {(2, 3, "WL001")}
    # Without the loop cell the optimizer is never stepped: no training run, nothing to report.
    assert found(notebook(code_cell(IMPORTS), code_cell(OPTIMIZER))) == set()


def test_ipython_lines_are_masked_without_moving_positions():
    text = notebook(
        code_cell("%matplotlib inline\n!pip install -q torch\n%load_ext autoreload\n" + IMPORTS),
        code_cell("%%bash\nif [ -d data ]; then echo ok; fi\n"),
        code_cell("torch.nn.Linear?\n??torch.optim.SGD\nfiles = !ls data\n" + OPTIMIZER),
        code_cell("%%time\n" + LOOP.replace("        optimizer", "        !nvidia-smi\n        optimizer")),
        code_cell('note = """\n!not a shell line, inside a string?\n"""\nx = (10\n     % 3)\n'),
    )
    result = check_source(text.encode(), "train.ipynb")
    assert [(d.cell, d.line, d.column, d.code) for d in result.diagnostics] == [(3, 6, 13, "WL001")]


def test_masked_lines_keep_the_module_line_count():
    cells = ["%matplotlib inline\nimport torch", "%%time\nx = 1\n!ls\n"]
    read = read_notebook(notebook(*map(code_cell, cells)))
    code_lines = read.code.splitlines()
    assert len(code_lines) == sum(len(c.splitlines()) for c in cells) + len(cells)  # one header per cell
    assert [line.masked for line in read.lines if not line.is_header] == [True, False, True, False, True]


def test_a_syntax_error_is_reported_in_its_cell():
    text = notebook(code_cell(IMPORTS), code_cell("x = 1\ny = (2,\n"), code_cell("z = 3\n"))
    [diagnostic] = check_source(text.encode(), "train.ipynb").diagnostics
    assert (diagnostic.cell, diagnostic.line, diagnostic.code) == (2, 2, "WL000")


def test_non_python_notebooks_are_not_read_as_python():
    text = notebook(code_cell("library(torch)\nx <- 1\n"), metadata={"language_info": {"name": "R"}})
    assert check_source(text.encode(), "analysis.ipynb").diagnostics == []


def test_positions_per_cell_in_every_format(cli, in_tmp):
    write(in_tmp, "train.ipynb", PITFALL.read_bytes())
    text = cli("check", "--no-cache", "train.ipynb").stdout
    assert text.startswith("train.ipynb:cell 3:9:13: WL001 [*] [high-lr-without-schedule] ")
    [item] = json.loads(cli("check", "--no-cache", "--format", "json", "train.ipynb").stdout)
    assert (item["cell"], item["line"], item["column"], item["end_line"]) == (3, 9, 13, 9)
    github = cli("check", "--no-cache", "--format", "github", "train.ipynb").stdout
    assert github.startswith("::warning file=train.ipynb,line=9,col=13,endLine=9,endColumn=70,")
    assert "title=WL001 high-lr-without-schedule (cell 3)::" in github
    [result] = json.loads(cli("check", "--no-cache", "--format", "sarif", "train.ipynb").stdout)["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], result["properties"]["cell"]) == (9, 13, 3)
    assert result["message"]["text"].endswith("in notebook cell 3 (the region counts that cell's lines)")
    assert "fixes" not in result


def test_the_cache_keeps_the_cell(cli, in_tmp):
    write(in_tmp, "train.ipynb", PITFALL.read_bytes())
    first, second = cli("check", "train.ipynb").stdout, cli("check", "train.ipynb").stdout
    assert (in_tmp / ".warmlint_cache").is_dir() and first == second and ":cell 3:9:13:" in second
    [diagnostic] = check_source(PITFALL.read_bytes(), "train.ipynb").diagnostics
    assert Diagnostic.from_dict(diagnostic.to_dict()).cell == 3


def test_fix_apply_changes_only_the_edited_cells_sources(cli, in_tmp):
    original = PITFALL.read_bytes()
    path = write(in_tmp, "train.ipynb", original)
    result = cli("fix", "--apply", "train.ipynb")
    assert result.exit_code == 0, result.output
    fixed = path.read_bytes()
    before, after = json.loads(original), json.loads(fixed)
    edited = [i for i, (old, new) in enumerate(zip(before["cells"], after["cells"])) if old != new]
    assert edited == [1, 4]  # cell 2 gets `import math`, cell 5 (the loop) the schedule and its step
    for old, new in zip(before["cells"], after["cells"]):
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
    assert before["metadata"] == after["metadata"] and after["cells"][4]["outputs"]
    # Byte for byte, every line of the file the diff touches is a line of a cell's source.
    changed = [
        line for line in difflib.ndiff(original.decode().splitlines(), fixed.decode().splitlines()) if line[:1] in "+-"
    ]
    assert changed and all(line[2:].startswith('    "') for line in changed), changed
    assert fixed.endswith(b"\n}\n")
    assert check_source(fixed, "train.ipynb").diagnostics == []
    nbformat = pytest.importorskip("nbformat")
    nbformat.validate(nbformat.reads(fixed.decode(), as_version=4))


def test_a_fix_across_cells_puts_each_edit_in_its_own_cell():
    text = notebook(code_cell(IMPORTS + OPTIMIZER), markdown("Train:"), code_cell(LOOP, count=7))
    outcome = fix_bytes(text.encode(), "train.ipynb", Config())
    assert outcome.applied and not outcome.error
    cells = json.loads(outcome.fixed)["cells"]
    first, loop = "".join(cells[0]["source"]), "".join(cells[2]["source"])
    assert "scheduler = torch.optim.lr_scheduler.LambdaLR(" in first and "scheduler.step()" not in first
    assert "        optimizer.step()\n        scheduler.step()" in loop and "LambdaLR" not in loop
    assert cells[2]["execution_count"] == 7 and cells[1] == json.loads(text)["cells"][1]


def test_fix_preview_shows_cell_hunks(cli, in_tmp):
    write(in_tmp, "train.ipynb", PITFALL.read_bytes())
    result = cli("fix", "train.ipynb")
    assert result.exit_code == 1
    assert "--- a/train.ipynb:cell 2\n+++ b/train.ipynb:cell 2\n" in result.stdout
    assert "--- a/train.ipynb:cell 5\n" in result.stdout and "+        scheduler.step()" in result.stdout
    assert '"source"' not in result.stdout


def test_an_edit_across_a_cell_boundary_or_of_a_magic_is_refused():
    read = read_notebook(notebook(code_cell("%time x = 1\ny = 2"), code_cell("z = 3\n")))
    with pytest.raises(NotebookError, match="across the start of cell 2"):
        read.with_code(read.code.replace("y = 2\n# %% cell 2\n", "y = 2\n"))
    with pytest.raises(NotebookError, match=r"IPython line \(cell 1, line 1\)"):
        read.with_code(read.code.replace("# (IPython)\n", "x = 1\n"))
    assert json.loads(read.with_code(read.code.replace("z = 3", "z = 4")))["cells"][1]["source"] == ["z = 4\n"]


def test_a_layout_json_dumps_cannot_reproduce_is_not_rewritten(cli, in_tmp):
    compact = json.dumps(json.loads(PITFALL.read_text()), separators=(",", ":"))
    path = write(in_tmp, "train.ipynb", compact)
    result = cli("fix", "--apply", "train.ipynb")
    assert result.exit_code == 2 and "cannot fix: its JSON layout" in result.stderr
    assert path.read_text() == compact


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"cells": [', "not a notebook: invalid JSON: Expecting value"),
        (json.dumps({"nbformat": 3, "worksheets": []}), "not an nbformat 4 notebook (nbformat is 3)"),
        (json.dumps({"nbformat": 4, "cells": {}}), "`cells` is not a list"),
        (json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 1}]}), "source of cell 1 is neither"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_a_malformed_notebook_is_one_line_and_nothing_is_written(cli, in_tmp, content, reason):
    path = write(in_tmp, "bad.ipynb", content)
    before = path.read_bytes()
    checked = cli("check", "--no-cache", "bad.ipynb")
    [line] = [line for line in checked.stdout.splitlines() if "WL000" in line]
    assert line.startswith("bad.ipynb:") and reason in line and "Traceback" not in checked.output
    fixed = cli("fix", "--apply", "bad.ipynb")
    assert "Traceback" not in fixed.output and path.read_bytes() == before


def test_directory_walks_include_notebooks_but_not_checkpoints(cli, in_tmp):
    write(in_tmp, "nb/train.ipynb", PITFALL.read_bytes())
    write(in_tmp, "nb/.ipynb_checkpoints/train-checkpoint.ipynb", PITFALL.read_bytes())
    result = cli("check", "--no-cache", ".")
    assert [line.split(":cell")[0] for line in result.stdout.splitlines() if "WL001" in line] == ["nb/train.ipynb"]
    write(in_tmp, "pyproject.toml", '[tool.warmlint]\nexclude = ["*.ipynb"]\n')
    assert cli("check", "--no-cache", ".").exit_code == 0


def test_verify_refuses_a_notebook_in_one_line(cli, in_tmp):
    write(in_tmp, "train.ipynb", PITFALL.read_bytes())
    result = cli("verify", "train.ipynb")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "warmlint verify: error: train.ipynb is a notebook; verify runs scripts. "
        "Export it first: jupyter nbconvert --to script train.ipynb"
    ]


def test_cells_that_are_not_python_are_reported_once_and_the_others_still_checked(tmp_path):
    from warmlint.engine.lint import check_source

    cells = [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
        for source in (
            "pip install -r requirements.txt\n",  # not Python (and not a masked magic)
            "import torch\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n",
            "Epoch: 1 cost time: 30.09\n",  # pasted output
            "for batch in loader:\n    optimizer.step()\n",
        )
    ]
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook))
    found = check_source(path.read_bytes(), str(path)).diagnostics
    assert [(d.code, d.cell) for d in found] == [("WL000", 1), ("WL001", 2)]
    assert "(cell 3 cannot be parsed either; these cells were skipped)" in found[0].message
